"""Fixtures of the web tests: a real PostgreSQL (or SQLite), places, one user per role, a browser.

``AIMAK_TEST_DB=sqlite`` runs the same tests on the embedded SQLite default; otherwise they run
on a PostgreSQL server started for the session from the installed binaries (skipped, with the
reason, where none is installed).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .pgserver import find_bindir, start

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in tests
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SYNTHETIC = "synthetic test place"


def _backend() -> str:
    return os.environ.get("AIMAK_TEST_DB", "postgres")


@pytest.fixture(scope="session")
def pg_server():
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed: the PostgreSQL "
                    "tests cannot run here (CI installs them)")
    server = start(bindir)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """Point Django at the session's PostgreSQL server unless AIMAK_TEST_DB=sqlite."""
    if _backend() == "sqlite":
        return
    from asgiref.local import Local
    from django.conf import settings
    from django.db import connections

    server = request.getfixturevalue("pg_server")
    settings.DATABASES["default"] = {**server.settings(), "TEST": {"NAME": "aimak_test"},
                                     "CONN_MAX_AGE": 0, "ATOMIC_REQUESTS": False,
                                     "AUTOCOMMIT": True, "CONN_HEALTH_CHECKS": False,
                                     "OPTIONS": {}, "TIME_ZONE": None}
    connections.__dict__.pop("settings", None)
    connections._connections = Local(connections.thread_critical)
    # pytest-django's parallel suffix ran before us on the old settings: add it again
    suffix = getattr(request.config, "workerinput", {}).get("workerid")
    if suffix:
        settings.DATABASES["default"]["TEST"]["NAME"] = f"aimak_test_{suffix}"


@pytest.fixture(autouse=True)
def _web_settings(request, tmp_path):
    """Uploads in a temporary folder, SMS kept in memory, limits off unless a test turns them on."""
    if "django_db_setup" not in request.fixturenames and "settings" not in request.fixturenames:
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DATA_DIR = tmp_path / "data"  # what the platform writes at run time
    settings.AIMAK_SMS_BACKEND = "locmem"
    settings.RATELIMIT_ENABLE = False
    settings.AXES_ENABLED = False
    settings.AIMAK_PAGE_CACHE_SECONDS = 0  # a test that wants the page cache turns it on
    settings.AIMAK_LIVE_PAGE_CACHE_SECONDS = 0
    from django.utils import translation

    translation.activate("ru")  # a request leaves its language active in the thread
    from django.core.cache import caches

    caches["pages"].clear()
    from aimak_web.accounts import gateway

    gateway.outbox.clear()
    yield


@pytest.fixture
def one_rate_window():
    """The clock stands still for the test, so a burst of requests falls in one rate window.

    django-ratelimit counts in fixed windows (a "20/10m" count restarts at fixed instants):
    a burst that straddles a window's end is counted in two windows and passes the limit by
    chance (seen: "5/m" let the sixth request through when the minute turned mid-burst)."""
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now(), tick=False):
        yield


def make_places():
    """A tiny synthetic directory (labelled synthetic): 1 oblast, 2 rayons, 3 municipalities."""
    from aimak_web.places.models import Municipality, Oblast, Rayon, Settlement

    square = lambda x, y: json.dumps({"type": "Polygon", "coordinates": [[  # noqa: E731
        [x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]]})
    ob = Oblast.objects.create(code="T0000000000000", name_ru="Тестовая область",
                               name_ky="Тест облусу", name_en="Test oblast",
                               search_keys="testoblast")
    r1 = Rayon.objects.create(code="T1000000000000", name_ru="Первый район", name_ky="Биринчи",
                              name_en="First", oblast=ob, territory=square(72.0, 41.0))
    r2 = Rayon.objects.create(code="T2000000000000", name_ru="Второй район", name_ky="Экинчи",
                              name_en="Second", oblast=ob, territory=square(73.0, 41.0))
    from aimak.names import name_key

    def muni(code, ru, ky, en, rayon, x, pop):
        m = Municipality.objects.create(
            code=code, name_ru=ru, name_ky=ky, name_en=en, kind="ayil_aimak", rayon=rayon,
            centre_name=ru, centre_lat=41.05, centre_lon=x + 0.05, population=pop,
            population_year=2018, population_source="estimated",
            population_ref=SYNTHETIC, territory=square(x, 41.0), territory_source="approximate",
            area_km2=92.0, search_keys=" ".join(name_key(n) for n in (ru, ky, en)))
        for i in range(2):
            name = f"{ru.split()[0]}-{i + 1}"
            Settlement.objects.create(
                code=f"{code}-{i}", name_ru=name, name_ky=name, name_en=f"{en}-{i + 1}",
                kind="village", municipality=m, lat=41.05, lon=x + 0.02 + 0.05 * i,
                population=pop / 2, population_year=2018, population_source="estimated",
                population_ref=SYNTHETIC, is_centre=i == 0, search_keys=name_key(name))
        return m

    return {
        "oblast": ob, "rayons": [r1, r2],
        "a": muni("T1000000000001", "Жаны-Жол айыл аймагы", "Жаңы-Жол", "Jany-Jol", r1, 72.0,
                  5200),
        "b": muni("T1000000000002", "Кок-Алма айыл аймагы", "Көк-Алма", "Kok-Alma", r1, 72.2,
                  3100),
        "c": muni("T2000000000001", "Ак-Суу айыл аймагы", "Ак-Суу", "Ak-Suu", r2, 73.0, 8700),
    }


@pytest.fixture
def places(db):
    return make_places()


PASSWORD = "correct horse battery staple 7"


def make_users(places):
    from aimak_web.accounts.models import Role, User

    def user(key, role, muni=None, **extra):
        u = User(username=f"{key}@test.local", email=f"{key}@test.local", full_name=key,
                 role=role, municipality=muni, **extra)
        u.set_password(PASSWORD)
        u.save()
        return u

    out = {
        "citizen": user("citizen", Role.CITIZEN, places["a"], phone="+996555000001"),
        "municipal_staff": user("staff", Role.MUNICIPAL_STAFF, places["a"]),
        "other_staff": user("otherstaff", Role.MUNICIPAL_STAFF, places["c"]),
        "jury": user("jury", Role.JURY),
        "moderator": user("moderator", Role.MODERATOR),
        "admin": user("admin", Role.ADMIN, is_staff=True, is_superuser=True),
    }
    out["citizen"].verify_residence("manual", by=out["municipal_staff"])
    return out


@pytest.fixture
def users(places):
    return make_users(places)


# --- the browser ---------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed; CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageWatch:
    """Console errors and requests that left the local server, gathered during a test."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.errors: list[str] = []
        self.outside: list[str] = []

    def shot(self, page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    watch = PageWatch(live_server.url)
    page.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.errors.append(str(e)))

    def route(r):
        if r.request.url.startswith(live_server.url) or r.request.url.startswith("data:"):
            return r.continue_()
        watch.outside.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    page.watch = watch
    yield page
    context.close()


@pytest.fixture(scope="session")
def territory_inputs(jalal_abad, tmp_path_factory):
    """The real Jalal-Abad dataset and straight-line travel times made by the CLI."""
    import subprocess
    import sys

    _result, dataset = jalal_abad
    times = tmp_path_factory.mktemp("territory") / "times.parquet"
    exe = Path(sys.executable).with_name("aimak")
    subprocess.run([str(exe), "access", "--dataset", str(dataset), "--mode", "straight",
                    "--out", str(times)], check=True, capture_output=True)
    return dataset, times


def make_analysis(dataset, times, author=None, criteria: str = "moderate"):
    """An analysis with today's map as an official scenario and one draft copy.

    Under "moderate", Jalal-Abad with straight-line times has a rayon that no plan completes
    (the solver says so); the tests that need a feasible oblast use "population".
    """
    from aimak_web.territory.evaluation import evaluation_json, session_for
    from aimak_web.territory.models import Analysis, Scenario
    from aimak_web.territory.work import STRAIGHT_PROVENANCE

    analysis = Analysis.objects.create(title="Jalal-Abad (test)", dataset_path=str(dataset),
                                       times_path=str(times), provenance=STRAIGHT_PROVENANCE)
    out = {}
    for key, status in (("official", "official"), ("draft", "draft")):
        s = Scenario.objects.create(analysis=analysis, title=f"today {key}", criteria=criteria,
                                    origin="today", status=status, author=author)
        session = session_for(s)
        mapping = session.current_mapping()
        s.add_version(mapping, author, "today", evaluation_json(session, mapping)["summary"])
        out[key] = s
    return out
