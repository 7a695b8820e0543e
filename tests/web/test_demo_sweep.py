"""The demo as its people meet it: every page in one language, every module reachable from `/`,
no page wider than a phone, no serious accessibility fault (issue 29).

One demo is loaded for the module (the real Jalal-Abad directory, every app's demo loader, the
territory analysis on straight-line times) and every check reads it:

- the language-integrity crawler follows links from `/` as each role in ru, ky and en, and fails
  on a Latin word outside the allow-list on ru/ky pages, Cyrillic on en pages, a raw key
  (``tests/web/language.py``);
- in one browser, one sign-in per role: a walk from `/` that reaches every module and the role's
  desk by clicking, in ru and ky; then one page of every URL pattern at 390 px and at 1,280 px in
  ru and ky: no horizontal overflow, axe-core (npm) finds no serious or critical violation, no
  console error. Screenshots go to ``test-artifacts/sweep/``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

from .conftest import ARTIFACTS
from .language import problems
from .language_known import KNOWN, KNOWN_SWEEP

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ROLES = ("anonymous", "citizen", "municipal_staff", "jury", "moderator", "admin")
LANGS = ("ru", "ky", "en")
#: not pages: files, feeds, exports, the admin and the API, the language switch, sign-out
SKIP_PATH = re.compile(r"^/(?:(?:ky|en)/)?(?:admin|api|media|static|i18n)/|/signout/|"
                       r"\.(?:pdf|xlsx|csv|json|geojson|svg|atom|png|jpg|html)$|/feed|"
                       r"/password/reset/")
PER_PATTERN = {"ru": 2, "ky": 2, "en": 1}
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
SHOTS = ARTIFACTS / "sweep"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, territory_inputs, shared_data, tmp_path_factory):
    """The demo as ``aimak-web demo`` loads it, on straight-line travel times."""
    from django.core.management import call_command

    from aimak.manifest import Manifest
    from aimak_web.core.demo import DEMO_MUNICIPALITY_CODE, DemoContext, loaders
    from aimak_web.demo.users import demo_users
    from aimak_web.places.models import Municipality

    dataset, times = territory_inputs
    results = tmp_path_factory.mktemp("demo-results")
    Manifest(folder=results, dataset=dataset, times=times).write()  # a run without plans
    media = tmp_path_factory.mktemp("demo-media")
    with override_settings(MEDIA_ROOT=str(media), AIMAK_SHARED_DATA=str(shared_data)), \
            django_db_blocker.unblock():
        call_command("import_places", str(dataset), stdout=open("/dev/null", "w"))  # noqa: SIM115
        muni = Municipality.objects.get(code=DEMO_MUNICIPALITY_CODE)
        ctx = DemoContext(dataset=dataset, results=results, log=lambda _m: None)
        ctx.users = demo_users(muni)
        for loader in loaders():
            loader(ctx)
    yield ctx
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        # the flush also empties what the migrations seeded (the practices' themes); tests
        # that run on this worker afterwards expect the database as migrated
        from aimak_web.practices.themes import ensure_themes

        ensure_themes()


def _client(ctx, role: str) -> Client:
    c = Client()
    if role != "anonymous":
        c.force_login(ctx.users[role])
    return c


def _in_language(path: str, lang: str) -> bool:
    prefix = re.match(r"^/(ky|en)/", path)
    return (prefix.group(1) if prefix else "ru") == lang


def _pattern(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


HREF = re.compile(r'<a\s[^>]*?href="([^"#]+)"')


def crawl(client: Client, lang: str, limit: int = 400):
    """(path, pattern, html) of the pages a role reaches from the home page, in ``lang``, at
    most ``PER_PATTERN[lang]`` pages of each URL pattern."""
    start = "/" if lang == "ru" else f"/{lang}/"
    seen, queue, per = {start}, [start], defaultdict(int)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        r = client.get(url)
        if r.status_code != 200 or "text/html" not in r.get("Content-Type", ""):
            yield url, None, r
            continue
        html = r.content.decode()
        yield url, _pattern(urlsplit(url).path), html
        for href in HREF.findall(html):
            href = href.replace("&amp;", "&")
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/") or href in seen:
                continue
            if SKIP_PATH.search(parts.path) or not _in_language(parts.path, lang):
                continue
            if "page=" in parts.query:
                continue
            pattern = _pattern(parts.path)
            if pattern is None or per[(pattern, bool(parts.query))] >= PER_PATTERN[lang]:
                continue
            per[(pattern, bool(parts.query))] += 1
            seen.add(href)
            queue.append(href)


def test_language_checker_finds_what_it_should():
    """The oracle itself: each kind of leak is caught, marked other-language text is not."""
    assert problems("<p>Прогноз: decline expected</p>", "ru")
    assert problems("<p>Калкы: <b>total_local_budget</b></p>", "ky")
    assert problems("<p>ScenarioVersion object (41)</p>", "ru")
    assert problems('<img alt="Population chart">', "ky")
    assert problems("<p>Население: 5 200 человек</p>", "en")
    assert not problems('<p>Комментарий: <span lang="ru">Жаңы жол</span></p>', "ky")
    assert not problems('<p>Comment: <span lang="ru">Хорошо</span></p>', "en")
    assert not problems("<p>Скачать PDF, CSV; источник https://stat.gov.kg/ru/</p>", "ru")
    assert not problems("<script>const snake_case = 1;</script><p>aimak</p>", "ky")


@pytest.fixture(scope="module")
def crawled(demo, django_db_blocker):
    """{(role, lang): [(url, pattern, html or response)]} of the crawl from `/`."""
    out = {}
    with django_db_blocker.unblock():
        for role in ROLES:
            client = _client(demo, role)
            for lang in LANGS:
                out[(role, lang)] = list(crawl(client, lang))
    return out


def test_every_page_speaks_its_language_as_every_role(demo, crawled):
    """The language-integrity crawler: every role, ru, ky and en, from `/` by links."""
    from aimak_web.accounts.models import User

    names = set(User.objects.values_list("full_name", flat=True))
    failures: list[str] = []
    reached: dict[str, set[str]] = {}
    for (role, lang), pages in crawled.items():
        patterns = set()
        for url, pattern, html in pages:
            if pattern is None:
                if html.status_code >= 500:
                    failures.append(f"{role} {lang} {url}: {html.status_code}")
                continue
            patterns.add(pattern)
            failures += [f"{lang} {url}: {p}" for p in problems(html, lang, names)]
        reached[f"{role}-{lang}"] = patterns
    (ARTIFACTS).mkdir(exist_ok=True)
    (ARTIFACTS / "crawl-patterns.json").write_text(
        json.dumps({k: sorted(v) for k, v in reached.items()}, ensure_ascii=False, indent=1))
    unique = sorted(set(failures))
    (ARTIFACTS / "language-problems.txt").write_text("\n".join(unique))
    new = _not_known(unique, KNOWN, "language")
    assert not new, f"{len(new)} language problems:\n" + "\n".join(new[:200])


def _not_known(lines: list[str], known_by_owner: dict[str, list[str]], name: str) -> list[str]:
    """The lines no pattern of ``known_by_owner`` explains; writes the unused patterns to
    ``test-artifacts/<name>-known-unused.txt`` (fixed: delete them from the list)."""
    known = [re.compile(p) for pats in known_by_owner.values() for p in pats]
    used, new = set(), []
    for line in lines:
        key = re.sub(r"/(?:ky|en)/", "/", line, count=1)
        key = re.sub(r"/\d+/", "/N/", re.sub(r"/[A-Z0-9]{10,}/", "/N/", key))
        hit = next((p for p in known if p.search(key)), None)
        if hit is None:
            new.append(line)
        else:
            used.add(hit.pattern)
    (ARTIFACTS / f"{name}-known-unused.txt").write_text(
        "\n".join(p.pattern for p in known if p.pattern not in used))
    return new


# --- in a browser ---------------------------------------------------------------------------

#: what each role must reach from `/` by clicking (the header's sections and the role's desk)
MODULES = ("places", "hearings", "contests", "practices", "territory", "forecasts")
DESK = {"anonymous": (), "citizen": ("me", "my_practices"),
        "municipal_staff": ("me", "my_hearings", "residents", "my_practices"),
        "jury": ("me",), "moderator": ("me", "hearing_moderation", "practice_moderation"),
        "admin": ("me", "hearing_moderation", "practice_moderation", "audit")}
AXE_SERIOUS = ("serious", "critical")


def _assignments(crawled) -> dict[str, dict[str, dict[str, str]]]:
    """{role: {pattern: {lang: url}}}: one page of every URL pattern, visited as the first role
    (in ROLES order) that reached it, in ru and ky."""
    out: dict[str, dict[str, dict[str, str]]] = {r: {} for r in ROLES}
    taken = set()
    for role in ROLES:
        for lang in ("ru", "ky"):
            for url, pattern, _html in crawled[(role, lang)]:
                if pattern is None or (pattern, lang) in taken:
                    continue
                taken.add((pattern, lang))
                out[role].setdefault(pattern, {})[lang] = url
    return out


def _sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/")
    page.click("[data-testid=signin-link]")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("[data-testid=signin-submit]")
    page.wait_for_load_state("load")


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - "
                         "document.documentElement.clientWidth")


def _axe(page) -> list[str]:
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, n: v.nodes.length,
                                       target: v.nodes[0] && v.nodes[0].target.join(' ')}));
    }""")
    return [f"axe {v['impact']} {v['id']} ×{v['n']} ({v['target']})" for v in result
            if v["impact"] in AXE_SERIOUS]


def test_walk_from_home_and_sweep_every_pattern(demo, crawled, browser, live_server):
    """As each role, one sign-in: from `/` every module and desk link by clicking, in ru and
    ky; then one page of every URL pattern at 390 px and 1,280 px in ru and ky: no horizontal
    overflow, no serious or critical axe-core violation, no console error."""
    from aimak_web.core.demo import DEMO_PASSWORD

    base = live_server.url
    axe_js = (NODE_MODULES / "axe-core" / "axe.min.js").read_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    plan = _assignments(crawled)
    for role in ROLES:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        # axe-core from npm, served from this origin so that the page's CSP allows it
        context.route(f"{base}/__axe.js", lambda r: r.fulfill(
            body=axe_js, content_type="text/javascript"))
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m, errors=errors: errors.append(m.text)
                if m.type == "error" else None)
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        if role != "anonymous":
            _sign_in(page, base, demo.users[role].email, DEMO_PASSWORD)
        # the walk: every section and desk link from the home page, in ru and ky
        for lang in ("ru", "ky"):
            home = base + ("/" if lang == "ru" else f"/{lang}/")
            page.goto(base + "/")
            if lang != "ru":
                page.click(f"[data-testid=lang-{lang}]")
                page.wait_for_url(home)
            for key in (*MODULES, *DESK[role]):
                page.goto(home) if page.url != home else None
                where = f"{role} {lang} walk {key}"
                link = page.locator(f"[data-testid=home-{key}]")
                if link.count() != 1:
                    failures.append(f"{where}: no link on the home page")
                    continue
                with page.expect_navigation() as nav:
                    link.click()
                response = nav.value
                if response is None or response.status >= 400:
                    failures.append(f"{where}: {response.status if response else '—'}")
                elif page.locator("html").get_attribute("lang") != lang:
                    failures.append(f"{where}: the page is not in {lang}")
                page.goto(home)
        # the sweep: one page of every URL pattern this role is the first to reach
        for pattern, urls in sorted(plan[role].items()):
            for lang, url in sorted(urls.items()):
                errors.clear()
                response = page.goto(base + url, wait_until="load")
                if response is None or response.status >= 400:
                    failures.append(f"{lang} {url}: status {response and response.status}")
                    continue
                page.add_script_tag(url=f"{base}/__axe.js")
                name = re.sub(r"[^a-z0-9]+", "-", f"{role}-{lang}-{pattern}".lower()).strip("-")
                for width in (390, 1280):
                    page.set_viewport_size({"width": width, "height": 900})
                    wide = _overflow(page)
                    if wide > 1:
                        failures.append(f"{lang} {url} at {width} px: {wide} px too wide")
                    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"))
                    failures += [f"{lang} {url} at {width} px: {v}" for v in _axe(page)]
                failures += [f"{lang} {url}: console: {e}" for e in errors]
        context.close()
    unique = sorted(set(failures))
    (ARTIFACTS / "sweep-problems.txt").write_text("\n".join(unique))
    new = _not_known(unique, KNOWN_SWEEP, "sweep")
    assert not new, f"{len(new)} problems:\n" + "\n".join(new[:150])


def test_every_rayon_of_the_demo_has_a_sourced_portrait_and_pdf(demo):
    """Issue 24: the rayon portraits on the real demo (Jalal-Abad): every rayon's page and PDF
    answer in ru and ky, every figure carries its source (``sourced.unsourced``), and the
    demo municipality's rayon shows its population, the poverty series and the forecast."""
    import io

    import pdfplumber
    from django.urls import reverse
    from django.utils import translation

    from aimak_web.core.demo import DEMO_MUNICIPALITY_CODE
    from aimak_web.places.models import Municipality, Rayon

    from .sourced import unsourced

    client, failures = Client(), []
    rayons = list(Rayon.objects.all())
    assert len(rayons) >= 8  # Jalal-Abad's rayons and towns of the directory
    home = Municipality.objects.get(code=DEMO_MUNICIPALITY_CODE).rayon
    for rayon in rayons:
        for lang in ("ru", "ky"):
            with translation.override(lang):
                page = reverse("portraits:rayon", args=[rayon.code])
                pdf = reverse("portraits:rayon_pdf", args=[rayon.code])
                name = rayon.name
            r = client.get(page)
            if r.status_code != 200:
                failures.append(f"{page}: {r.status_code}")
                continue
            html = r.content.decode()
            failures += [f"{page}: no source for «{t[:80]}»" for t in unsourced(html)]
            if rayon == home:
                assert 'data-testid="poverty-forecast"' in html, page
                assert 'data-testid="poverty-last"' in html, page
            if lang == "ru" or rayon == home:  # the PDF once per rayon, both for one
                r = client.get(pdf)
                assert r.status_code == 200 and r.content.startswith(b"%PDF"), pdf
                with pdfplumber.open(io.BytesIO(r.content)) as doc:
                    text = "\n".join(x.extract_text() or "" for x in doc.pages)
                assert name in text, pdf
    assert not failures, "\n".join(failures[:40])
