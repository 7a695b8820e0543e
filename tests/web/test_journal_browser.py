"""The journal's pages in a real browser, as the roles that use them (issue 24): every page in
ru and ky at 390 px and 1,280 px without horizontal overflow, with no serious or critical
axe-core violation, no console error and one language (the crawler's checker); the demo holds
no journal item, so the demo sweep cannot reach an item's page: this test makes them. The
administrator's membership upload is walked with a bad file: its errors name the row and the
column in the page's language. Screenshots in ``test-artifacts/journal/``."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from .conftest import ARTIFACTS
from .language import problems
from .test_demo_sweep import NODE_MODULES, _axe, _overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = ARTIFACTS / "journal"


def _content(places, users) -> dict[str, str]:
    """A member list, an expert, an anonymous answered question (published) and one waiting
    for its answer, a published story; {name: url name and args} of the pages they make."""
    from aimak_web.journal import services
    from aimak_web.journal.models import Article, Consultation, Expert
    from aimak_web.practices.models import Theme
    from aimak_web.practices.themes import ensure_themes

    ensure_themes()  # an earlier transactional test may have emptied the tables
    theme = Theme.objects.get(code="finance")
    staff, expert_user = users["municipal_staff"], users["jury"]
    expert_user.full_name = "Айгүл Асанова"  # a person's name, as the expert's page shows it
    expert_user.save()
    services.record_membership_list(users["admin"], "Письмо Союза МСУ № 12", date(2026, 1, 10),
                                    [places["a"]])
    Expert.objects.create(user=expert_user, field_ru="муниципальное право",
                          field_ky="муниципалдык укук")
    published = services.ask(staff, Consultation(
        theme=theme, publicity="anonymous", title_ru="Аренда пастбищ Жаны-Жола",
        title_ky="Жаңы-Жолдун жайыттарын ижарага берүү",
        question_ru="Может ли айыл окмоту Жаны-Жол сдать пастбище жителям соседнего села?",
        question_ky="Жаңы-Жол айыл өкмөтү жайытты коңшу айылдын тургундарына ижарага бере "
                    "алабы?"))
    services.answer(expert_user, published, "Да, по решению айылного кенеша.",
                    "Ооба, айылдык кеңештин чечими менен.")
    published.publish(users["moderator"])
    waiting = services.ask(staff, Consultation(
        theme=theme, publicity="anonymous", title_ru="Налог на имущество",
        title_ky="Мүлк салыгы", question_ru="Кто платит налог за здание клуба?",
        question_ky="Клубдун имараты үчүн салыкты ким төлөйт?"))
    story = Article.objects.create(kind="story", submitter=users["citizen"], theme=theme,
                                   title_ru="Как мы построили мост",
                                   title_ky="Көпүрөнү кантип курдук",
                                   body_ru="Весной жители собрали средства.",
                                   body_ky="Жазында тургундар каражат чогултушту.")
    story.submit(users["citizen"])
    story.publish(users["moderator"])
    return {"published": published.pk, "waiting": waiting.pk, "story": story.pk}


def _pages(ids: dict[str, int]) -> dict[str, list[tuple[str, list]]]:
    """{role: [(url name, args)]}: every journal page, as the role that uses it."""
    return {
        "anonymous": [("journal:index", []), ("journal:consultations", []),
                      ("journal:consultation", [ids["published"]]),
                      ("journal:article", [ids["story"]]), ("journal:articles", ["story"])],
        "municipal_staff": [("journal:desk", []), ("journal:ask", []),
                            ("journal:subscription", []),
                            ("journal:consultation", [ids["published"]]),
                            ("journal:article_new", ["story"])],
        "jury": [("journal:office", []), ("journal:consultation", [ids["waiting"]])],
        "admin": [("journal:office", []), ("journal:memberships", []),
                  ("journal:payments", []), ("journal:experts", [])],
    }


def _signed_in(browser, base: str, user, axe_js: str):
    """A browser context with ``user``'s session (one sign-in per role) and axe-core served
    from the page's origin (the CSP allows only it)."""
    context = browser.new_context(viewport={"width": 390, "height": 900})
    context.route(f"{base}/__axe.js", lambda r: r.fulfill(body=axe_js,
                                                          content_type="text/javascript"))
    if user is not None:
        c = Client()
        c.force_login(user)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": base,
                              "value": c.cookies[settings.SESSION_COOKIE_NAME].value}])
    return context


def test_journal_pages_at_phone_width_in_ru_and_ky(browser, live_server, places, users):
    base = live_server.url
    ids = _content(places, users)
    axe_js = (NODE_MODULES / "axe-core" / "axe.min.js").read_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    for role, pages in _pages(ids).items():
        context = _signed_in(browser, base, users.get(role), axe_js)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m, errors=errors: errors.append(m.text)
                if m.type == "error" else None)
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        for name, args in pages:
            for lang in ("ru", "ky"):
                with translation.override(lang):
                    url = reverse(name, args=args)
                where = f"{role} {lang} {url}"
                errors.clear()
                response = page.goto(base + url, wait_until="load")
                if response is None or response.status >= 400:
                    failures.append(f"{where}: status {response and response.status}")
                    continue
                if page.locator("html").get_attribute("lang") != lang:
                    failures.append(f"{where}: the page is not in {lang}")
                failures += [f"{where}: {p}" for p in problems(page.content(), lang)]
                page.add_script_tag(url=f"{base}/__axe.js")
                for width in (390, 1280):
                    page.set_viewport_size({"width": width, "height": 900})
                    if (extra := _overflow(page)) > 0:
                        failures.append(f"{where} at {width} px: {extra} px wider than the "
                                        "screen")
                page.set_viewport_size({"width": 390, "height": 900})
                failures += [f"{where}: {v}" for v in _axe(page)]
                failures += [f"{where}: console {e}" for e in errors]
                shot = f"{role}-{lang}-{name.split(':')[1]}-{'-'.join(map(str, args))}"
                page.screenshot(path=str(SHOTS / f"{shot.strip('-')}.png"), full_page=True)
        if role == "admin":
            failures += _bad_membership_file(page, base)
        context.close()
    assert not failures, "\n".join(failures[:60])


def _bad_membership_file(page, base: str) -> list[str]:
    """The administrator uploads the Union's list with a name the directory lacks, in Kyrgyz:
    the error names the row and the column in Kyrgyz, and the page still fits a phone."""
    page.goto(f"{base}/ky{reverse('journal:memberships')}")
    page.fill("#id_source", "Союздун 7-каты")
    page.fill("#id_as_of", "2026-01-10")
    page.set_input_files("#id_file", files=[{
        "name": "list.csv", "mimeType": "text/csv",
        "buffer": "Наименование\nКызыл-Кия\n".encode()}])
    page.locator("[data-testid=membership-form] button[type=submit]").click()
    page.wait_for_load_state("load")
    page.screenshot(path=str(SHOTS / "admin-ky-membership-errors.png"), full_page=True)
    text = page.locator("[data-testid=membership-form]").inner_text()
    out = [] if "2-сап" in text and "«Кызыл-Кия»" in text else [
        f"ky membership upload: no row/column error in «{text[:300]}»"]
    if (extra := _overflow(page)) > 0:
        out.append(f"ky membership errors: {extra} px wider than the screen")
    return out
