"""The platform as production serves it: gunicorn, DEBUG off, static files from collectstatic's
folder by whitenoise (docs/deploy.md). Pages open in a browser with their styles and scripts and
log no console error (issue 29: "no page of the demo, served by gunicorn with DEBUG off, logs a
console error"). Before: every first visit logged a 404 for /favicon.ico, which the test
server's sweeps never saw."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import _backend

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def production(tmp_path, places):
    """gunicorn on the test database with production settings; yields its base URL."""
    if _backend() == "sqlite":
        pytest.skip("the SQLite test database lives in the test process's memory; the "
                    "PostgreSQL run serves it to gunicorn")
    from django.conf import settings

    db = settings.DATABASES["default"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIMAK_")}
    env.update(AIMAK_DATA_DIR=str(tmp_path / "data"), AIMAK_SECRET_KEY="x" * 50,
               AIMAK_ALLOWED_HOSTS="127.0.0.1",
               DATABASE_URL=f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}")
    python = sys.executable
    subprocess.run([python, "-m", "aimak_web", "collectstatic", "--noinput", "-v0"], env=env,
                   check=True, capture_output=True)
    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen([python, "-m", "gunicorn", "aimak_web.wsgi", "--bind",
                               f"127.0.0.1:{port}", "--workers", "1"], env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # until it answers (a loaded machine takes its time)
            try:
                urllib.request.urlopen(base + "/accounts/signin/", timeout=5)
                break
            except OSError:
                assert server.poll() is None, Path(log.name).read_text()[-2000:]
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_pages_served_by_gunicorn_with_debug_off_log_no_error(production, browser, places):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    errors, failed = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400
            else None)
    muni = places["a"].get_absolute_url()
    for path in ("/", "/ky/", "/places/", muni, "/ky" + muni, "/accounts/signin/"):
        response = page.goto(production + path, wait_until="load")
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == ("ky" if "/ky" in path else "ru")
        # the site's style sheet came from whitenoise and applies
        rules = page.evaluate("""() => [...document.styleSheets]
            .filter(s => (s.href || '').includes('/static/aimak_web/site.css'))
            .map(s => s.cssRules.length)""")
        assert rules and rules[0] > 20, path
    page.goto(production + muni, wait_until="networkidle")  # the map's script and its data
    assert page.locator("#map .leaflet-pane").count() > 0
    context.close()
    assert errors == [] and failed == [], (errors, failed)
