"""A whole edition in the browser: set-up, two applications, three jury members (one recused),
approval, public results and certificates, with ranks and prizes computed by hand."""

from __future__ import annotations

import sys
import types
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import PASSWORD, make_places, make_users
from .contest_files import pdf_with_metadata


def _fake_hearings(places):
    """Stand-in for ``aimak_web.hearings.figures`` (built in parallel): a's hearing on the
    platform, with names that must not reach the jury."""
    module = types.ModuleType("aimak_web.hearings.figures")

    def municipality_facts(municipality, date_from, date_to):
        if municipality.pk != places["a"].pk:
            return []
        return [{"hearing_id": 7, "subject": "Бюджет Жаны-Жол айыл аймагы на 2027 год",
                 "year": 2027, "notice_date": date_from, "meeting_date": date_from,
                 "closed_at": None, "notice_lead_days": 15, "attendance_women": 27,
                 "attendance_men": 25, "attendance_total": 52, "proposals": 8,
                 "answered_share": 0.75, "minutes_published": True, "is_example": False}]

    module.municipality_facts = municipality_facts
    return module


def noon(day):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(12), tzinfo=ZoneInfo("Asia/Bishkek"))


def sign_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/signin/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=signin-submit]")
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_whole_edition_in_the_browser(page, live_server, monkeypatch, tmp_path):
    from aimak_web.accounts.models import Role, User
    from aimak_web.contests.models import Application, Criterion

    places = make_places()
    make_users(places)
    monkeypatch.setitem(sys.modules, "aimak_web.hearings.figures", _fake_hearings(places))
    for key, role, muni in [("staffb", Role.MUNICIPAL_STAFF, places["b"]),
                            ("jury2", Role.JURY, None), ("jury3", Role.JURY, None)]:
        u = User(username=f"{key}@test.local", email=f"{key}@test.local", full_name=key,
                 role=role, municipality=muni)
        u.set_password(PASSWORD)
        u.save()
    base = live_server.url
    today = timezone.localdate()
    d = lambda days: (today + timedelta(days=days)).isoformat()  # noqa: E731

    # 1. the organiser sets the edition up
    sign_in(page, base, "admin@test.local")
    page.goto(f"{base}/contests/new/")
    form = page.locator("[data-testid=edition-form]")
    form.locator("input[name=year]").fill("2026")
    form.locator("input[name=title_ru]").fill("Реальное участие граждан в формировании "
                                              "местных бюджетов")
    form.locator("textarea[name=rules_ru]").fill("Правила (тестовое издание).")
    for name, days in [("hearings_from", -60), ("hearings_to", -10), ("applications_from", -5),
                       ("applications_to", 5), ("jury_from", 6), ("jury_to", 20),
                       ("results_date", 25)]:
        form.locator(f"input[name={name}]").fill(d(days))
    form.locator("input[name=prizes]").fill("300 000, 150000, x")
    page.click("[data-testid=save]")
    assert "x" in page.locator("[data-testid=error-prizes]").inner_text()  # error by the field
    page.locator("input[name=prizes]").fill("300 000, 150000")
    page.click("[data-testid=save]")
    for order, title, weight in [(1, "Информирование жителей", "2"),
                                 (2, "Учёт предложений", "1")]:
        page.fill("input[name=order]", str(order))
        page.fill("input[name=title_ru]", title)
        page.fill("input[name=weight]", weight)
        page.fill("textarea[name=descriptors_ru]", "\n".join(f"балл {i}" for i in range(6)))
        page.click("[data-testid=add-criterion]")
    page.wait_for_load_state()  # a click waits for the next page to start, not to be read
    assert page.locator("[data-testid=criterion]").count() == 2
    page.goto(f"{base}/contests/2026/jurors/")
    for name in ("jury", "jury2", "jury3"):
        page.select_option("select[name=user]", label=name)
        page.click("[data-testid=add-juror]")
    page.goto(f"{base}/contests/2026/")
    page.click("[data-testid=open]")
    page.watch.shot(page, "contests-edition-open")

    # 2. two municipalities apply: a held its hearing on the platform, b offline with a file
    sign_in(page, base, "staff@test.local")
    page.goto(f"{base}/contests/2026/apply/")
    facts = page.locator("[data-testid=facts]").inner_text()
    assert "52" in facts and "75 %" in facts and "Жаны-Жол" in facts
    page.fill("textarea[name=summary]", "Слушания в Жаны-Жол айыл аймагы; глава Асанов.")
    page.fill("input[name=head_name]", "Асанов Бакыт")
    page.click("[data-testid=save-application]")
    page.click("[data-testid=submit]")
    assert page.locator("[data-testid=app-code]").inner_text() == "A-2026-001"

    sign_in(page, base, "staffb@test.local")
    page.goto(f"{base}/contests/2026/apply/")
    assert page.locator("[data-testid=no-facts]").count() == 1
    page.fill("textarea[name=summary]", "Слушания проведены офлайн.")
    page.fill("textarea[name=offline_hearings]", "10 июля, клуб села Кок-Алма-1, 40 человек.")
    page.click("[data-testid=save-application]")
    pdf = tmp_path / "Протокол_Кок-Алма.pdf"
    pdf.write_bytes(pdf_with_metadata("Протокол слушаний, Кок-Алма айыл аймагы.",
                                      title="Протокол Кок-Алма", author="Глава Кок-Алма АО"))
    page.set_input_files("input[name=file]", str(pdf))
    page.click("[data-testid=upload]")
    expect(page.locator("[data-testid=evidence]")).to_contain_text("Протокол_Кок-Алма.pdf")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=app-code]")).to_have_text("A-2026-002", use_inner_text=True)
    page.watch.shot(page, "contests-application-submitted")

    # the jury starts on its first day (the server's clock moves; the browser keeps its own)
    clock = time_machine.travel(noon(today + timedelta(days=6)))
    clock.start()
    sign_in(page, base, "admin@test.local")
    page.goto(f"{base}/contests/2026/")
    page.click("[data-testid=start-jury]")

    # 3. three members score; jury3 declares a conflict with A-2026-001 and is refused it
    weights_pk = list(Criterion.objects.filter(edition__year=2026).values_list("pk", flat=True))
    sheets = {"jury": {"A-2026-001": (4, 3), "A-2026-002": (3, 3)},
              "jury2": {"A-2026-001": (5, 1), "A-2026-002": (4, 5)},
              "jury3": {"A-2026-002": (5, 5)}}
    for juror, sheet in sheets.items():
        sign_in(page, base, f"{juror}@test.local")
        if juror == "jury3":
            page.goto(f"{base}/contests/2026/jury/conflicts/")
            page.fill("input[name=codes]", "A-2026-001")
            page.click("[data-testid=declare]")
            response = page.goto(f"{base}/contests/2026/jury/A-2026-001/")
            assert response.status == 403
            page.watch.errors[:] = [e for e in page.watch.errors if "403" not in e]
        for code, values in sheet.items():
            page.goto(f"{base}/contests/2026/jury/{code}/")
            for pk, v in zip(weights_pk, values, strict=True):
                page.check(f"input[name=score_{pk}][value='{v}']")
            page.click("[data-testid=save-scores]")
        if juror == "jury":
            page.goto(f"{base}/contests/2026/jury/A-2026-001/")
            page.watch.shot(page, "contests-jury-application")
            html = page.content()
            assert "Асанов" not in html and "Жаны-Жол" not in html
            # one municipality of three held a platform hearing: showing it would name it
            assert page.locator("[data-testid=facts-withheld]").count() == 1

    # 4. the organiser sees progress, closes the jury, reviews and approves
    sign_in(page, base, "admin@test.local")
    page.goto(f"{base}/contests/2026/jurors/")
    done = page.locator("[data-testid=done]").all_inner_texts()
    assert done == ["2 / 2", "2 / 2", "1 / 1"]
    page.goto(f"{base}/contests/2026/")
    page.click("[data-testid=close-jury]")
    page.click("[data-testid=review-link]")
    page.watch.shot(page, "contests-review")
    clock.stop()
    clock = time_machine.travel(noon(today + timedelta(days=25)))  # the results date
    clock.start()
    sign_in(page, base, "admin@test.local")
    page.goto(f"{base}/contests/2026/")
    page.click("[data-testid=approve]")

    # 5. the public results: B (37/9 = 4.11) first with 300,000; A (11/3 = 3.67) second
    page.context.clear_cookies()
    page.goto(f"{base}/contests/2026/")
    page.watch.shot(page, "contests-results")
    rows = page.locator("[data-testid=results] tbody tr")
    got = [(r.get_attribute("data-code"), r.locator(".rank").inner_text(),
            r.locator(".score").inner_text().split()[0], r.locator(".prize").inner_text())
           for r in rows.all()]
    assert [(c, rank) for c, rank, _s, _p in got] == [("A-2026-002", "1"), ("A-2026-001", "2")]
    assert [s for _c, _r, s, _p in got] == ["4,11", "3,67"]
    assert [p.replace("\xa0", " ").replace("\u202f", " ") for *_x, p in got] == [
        "300 000", "150 000"]
    assert "Кок-Алма айыл аймагы" in page.locator("[data-testid=results]").inner_text()
    import pypdfium2

    for lang, name in (("ru", "Кок-Алма"), ("ky", "Көк-Алма")):
        r = page.request.get(f"{base}/contests/2026/certificate/A-2026-002/{lang}.pdf")
        assert r.status == 200
        text = pypdfium2.PdfDocument(r.body())[0].get_textpage().get_text_range()
        assert name in text and "300" in text and "1" in text
    assert Application.objects.filter(edition__year=2026, state="submitted").count() == 2
    clock.stop()
    assert page.watch.errors == []
    assert page.watch.outside == []
