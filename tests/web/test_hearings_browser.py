"""The whole hearing procedure in a browser, in Russian and again in Kyrgyz."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import PASSWORD


def _at(y, m, d, h=10):
    return timezone.make_aware(datetime(y, m, d, h, 0))

#: What each language's pages say at the checked steps.
SAYS = {
    "ru": {"refused": "Предложений без опубликованного мотивированного ответа: 1.",
           "closed": "закрыты (в архиве)", "open": "открыты для комментариев",
           "women": "Женщины 437", "men": "Мужчины 800", "accepted": "принято частично",
           "loaded": "Загружено строк бюджета: 2"},
    "ky": {"refused": "Жарыяланган негиздүү жообу жок сунуштар: 1.",
           "closed": "жабылды (архивде)", "open": "пикирлер үчүн ачык",
           "women": "Аялдар 437", "men": "Эркектер 800",
           "accepted": "жарым-жартылай кабыл алынды", "loaded": "2 бюджет сабы жүктөлдү"},
}
REASON = "Ремонт дороги к школе включён в проект: строка 0451 увеличена на 15 тыс. сомов."


def _budget_file(page, base: str, prefix: str, pk: int) -> bytes:
    """The hearing's template as served in the reader's language, filled with two synthetic
    lines."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(page.request.get(
        f"{base}{prefix}/hearings/{pk}/budget-template.xlsx").body()))
    ws = wb.worksheets[0]
    ws.append(["revenue", "1111", "Налог на имущество (тест)", "Мүлк салыгы (тест)", 40, 50,
               60, "синтетический тестовый файл"])
    ws.append(["expenditure", "0451", "Дороги (тест)", "Жолдор (тест)", 90, 110, 130,
               "синтетический тестовый файл"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sign_in(page, base: str, prefix: str, user) -> None:
    page.goto(f"{base}{prefix}/accounts/signin/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=signin-submit]")
    page.wait_for_load_state()


def _sign_out(page) -> None:
    page.click("[data-testid=signout]")
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_hearing_procedure_in_the_browser(page, live_server, places, users, lang):
    import pdfplumber

    from aimak_web.hearings.models import Comment, Hearing

    base, prefix, says = live_server.url, "" if lang == "ru" else f"/{lang}", SAYS[lang]
    clock = time_machine.travel(_at(2026, 7, 5, 9))
    clock.start()
    # staff create the hearing, load the budget from the template and announce it
    _sign_in(page, base, prefix, users["municipal_staff"])
    page.goto(f"{base}{prefix}/hearings/")
    page.click("[data-testid=new-hearing]")
    page.select_option("#id_subject", "draft_budget")
    page.fill("#id_year", "2027")
    page.fill("#id_title_ru", "Проект местного бюджета на 2027 год (тест)")
    page.fill("#id_title_ky", "2027-жылдын жергиликтүү бюджетинин долбоору (тест)")
    page.fill("#id_notice_date", "2026-07-05")
    page.fill("#id_comments_from", "2026-07-06")
    page.fill("#id_comments_until", "2026-07-19")
    page.fill("#id_meeting_at", "2026-07-20T10:00")
    page.fill("#id_meeting_place", "Дом культуры")
    page.click("[data-testid=save]")
    hearing = Hearing.objects.get()
    page.click("[data-testid=budget-upload]")
    page.set_input_files("#id_file", files=[{
        "name": "budget.xlsx", "buffer": _budget_file(page, base, prefix, hearing.pk),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.click("[data-testid=upload]")
    page.wait_for_load_state()  # a click waits for the next page to start, not to be read
    assert says["loaded"] in page.content()
    page.goto(f"{base}{prefix}/hearings/{hearing.pk}/")
    page.click("[data-testid=step-announce]")
    announced = page.inner_text("[data-testid=state]")
    # every early step is refused by the server with its date: comments open on the 6th,
    # the meeting is on the 20th
    page.click("[data-testid=step-open]")
    assert "06.07.2026" in page.inner_text("main")
    assert page.inner_text("[data-testid=state]") == announced
    clock.stop()
    clock = time_machine.travel(_at(2026, 7, 6, 9))
    clock.start()
    page.goto(f"{base}{prefix}/hearings/{hearing.pk}/")
    page.click("[data-testid=step-open]")
    assert page.inner_text("[data-testid=state]") == says["open"]
    page.click("[data-testid=step-hold_meeting]")
    assert "20.07.2026" in page.inner_text("main")
    assert page.inner_text("[data-testid=state]") == says["open"]
    _sign_out(page)

    # a verified resident comments on a budget line and makes a proposal
    _sign_in(page, base, prefix, users["citizen"])
    page.goto(f"{base}{prefix}/hearings/{hearing.pk}/")
    page.click("[data-testid=comment-line-2]")
    page.fill("#id_text", "Дорога к школе разбита, это позор")
    page.click("[data-testid=comment-submit]")
    page.click("[data-testid=propose]")
    page.fill("#id_title", "Отремонтировать дорогу к школе")
    page.fill("#id_text", "Добавить 15 тыс. сомов на ремонт дороги к школе.")
    page.select_option("#id_line",
                       label="0451 Дороги (тест)" if lang == "ru" else "0451 Жолдор (тест)")
    page.fill("#id_amount", "15")
    page.click("[data-testid=proposal-submit]")
    page.click("[data-testid=support]")
    comment = Comment.objects.get()
    assert comment.line.code == "0451"
    page.watch.shot(page, f"hearing-{lang}-open")
    # the citizen's budget on a phone: the chart fits the screen (it was 720 px wide)
    page.set_viewport_size({"width": 390, "height": 844})
    # the budget lines are wider than a phone: they scroll in their own box, and a shadow at
    # the edge says there is more that way (before: nothing said so)
    page.goto(f"{base}{prefix}/hearings/{hearing.pk}/")
    box = page.evaluate("""() => { const t = document.querySelector('[data-testid=budget-lines]');
        const s = getComputedStyle(t);
        return {wide: t.scrollWidth > t.clientWidth, image: s.backgroundImage,
                attachment: s.backgroundAttachment}; }""")
    assert box["wide"], box
    assert box["image"].count("gradient") == 4 and "local" in box["attachment"], box
    page.watch.shot(page, f"hearing-{lang}-lines-390")
    page.goto(f"{base}{prefix}/hearings/{hearing.pk}/budget/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("svg.bars rect").count() == 2  # one bar per line
    page.watch.shot(page, f"hearing-{lang}-budget-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_out(page)

    # another resident reports the comment; a moderator hides it with a reason
    from aimak_web.accounts.models import User

    other = User.objects.create_user(username="r2", email="r2@test.local", password=PASSWORD,
                                     municipality=places["a"])
    other.verify_residence("manual")
    _sign_in(page, base, prefix, other)
    page.goto(f"{base}{prefix}/hearings/{hearing.pk}/")
    page.click("[data-testid=report-comment]")
    _sign_out(page)
    _sign_in(page, base, prefix, users["moderator"])
    page.goto(f"{base}{prefix}/hearings/moderation/")
    page.fill(f"[data-testid=mod-reason-comment-{comment.pk}]", "оскорбительное слово")
    page.click(f"[data-testid=mod-comment-{comment.pk}]")
    comment.refresh_from_db()
    assert comment.hidden and comment.decisions.get().reason == "оскорбительное слово"
    page.goto(f"{base}{prefix}/hearings/{hearing.pk}/")
    assert "это позор" not in page.content()
    _sign_out(page)

    # on the meeting's day (after the comment period) staff record it, are refused closing
    # while a proposal has no answer, answer with a reason and close
    clock.stop()
    clock = time_machine.travel(_at(2026, 7, 20, 12))
    clock.start()
    _sign_in(page, base, prefix, users["municipal_staff"])
    page.goto(f"{base}{prefix}/hearings/{hearing.pk}/")
    page.click("[data-testid=meeting]")
    page.fill("#id_chair", "Осмонов А.")
    page.fill("#id_secretary", "Ибраимова Б.")
    page.fill("#id_attendance_women", "437")
    page.fill("#id_attendance_men", "800")
    page.set_input_files("#id_signin_sheet", files=[{
        "name": "sheet.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 sheet"}])
    page.click("[data-testid=meeting-submit]")
    page.click("[data-testid=step-hold_meeting]")
    page.click("[data-testid=step-close]")
    page.wait_for_load_state()
    assert says["refused"] in page.content()
    page.click("[data-testid=answer-1]")
    page.select_option("#id_verdict", "partly")
    page.fill("#id_reason", REASON)
    page.click("[data-testid=answer-submit]")
    page.click("[data-testid=step-close]")
    expect(page.locator("[data-testid=state]")).to_have_text(says["closed"], use_inner_text=True)
    assert REASON in page.inner_text("[data-testid=answer]")
    page.watch.shot(page, f"hearing-{lang}-closed")

    # the minutes, the archive and the CSV export say the same
    pdf = page.request.get(f"{base}{prefix}/hearings/{hearing.pk}/minutes-{lang}.pdf")
    with pdfplumber.open(io.BytesIO(pdf.body())) as doc:
        text = " ".join(" ".join(p.extract_text() or "" for p in doc.pages).split())
    assert says["women"] in text and says["men"] in text
    # each step on the day it was taken: announced on the 5th, opened on the 6th, the meeting
    # held and recorded on the 20th
    for day in ("05.07.2026", "06.07.2026", "20.07.2026 10:00"):
        assert day in text, day
    assert "Отремонтировать дорогу к школе" in text and says["accepted"] in text
    assert "Ремонт дороги к школе включён" in text
    page.goto(f"{base}{prefix}/hearings/?state=closed")
    assert "(тест)" in page.inner_text("[data-testid=hearings]")
    rows = list(csv.DictReader(io.StringIO(page.request.get(
        f"{base}/hearings/{hearing.pk}/export.csv").text())))
    assert [(r["attendance_women"], r["attendance_men"], r["proposal_title"], r["verdict"],
             r["reason"]) for r in rows] == [
        ("437", "800", "Отремонтировать дорогу к школе", "partly", REASON)]
    clock.stop()
    assert page.watch.errors == []
    assert page.watch.outside == []
