"""Security settings: CSP without inline scripts, CSRF enforced, deploy check clean, headers."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_csp_forbids_inline_scripts_and_foreign_origins(client, places):
    r = client.get(reverse("places:municipality", args=[places["a"].code]))
    csp = r.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"
    html = r.content.decode()
    assert "<script>" not in html and " style=" not in html and "onclick" not in html
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_csrf_is_enforced_on_forms(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["municipal_staff"])
    r = client.post(reverse("accounts:resident_confirm", args=[users["citizen"].pk]))
    assert r.status_code == 403
    r = Client(enforce_csrf_checks=True).post(reverse("accounts:signin"),
                                              {"username": "x", "password": "y"})
    assert r.status_code == 403


def test_deploy_check_is_clean_under_production_settings(tmp_path):
    env = {**os.environ, "AIMAK_DEBUG": "0", "AIMAK_HTTPS": "1",
           "AIMAK_SECRET_KEY": "k" * 20 + "-production-like-secret-" + "x7Q" * 10,
           "AIMAK_ALLOWED_HOSTS": "aimak.example.kg", "AIMAK_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "aimak_web.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' conftest only
    out = subprocess.run([sys.executable, "-m", "aimak_web", "check", "--deploy",
                          "--fail-level", "WARNING"], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_no_secret_without_debug_is_generated_not_committed(tmp_path):
    """Without AIMAK_SECRET_KEY a secret is generated into the data folder (mode 600)."""
    env = {**os.environ, "AIMAK_DATA_DIR": str(tmp_path), "AIMAK_SECRET_KEY": ""}
    code = "import aimak_web.settings as s; print(len(s.SECRET_KEY))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True)
    assert int(out.stdout) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
