"""The contest's rules on a moved clock (time-machine): dates, jury scoring, prize ties.

The editions are built directly in the database (the same on any version of the app) and every
action goes through the pages, as its user would take it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from aimak_web.contests.models import Application, Criterion, Edition, JuryMember, Score

BISHKEK = ZoneInfo("Asia/Bishkek")


class at:  # noqa: N801 (used like a function: ``with at(day, client, user):``)
    """The clock at noon of ``day`` (Bishkek), with ``user`` signed in on ``client`` then (a
    session opened on another day may have expired)."""

    def __init__(self, day: date, client=None, user=None) -> None:
        self.travel = time_machine.travel(datetime.combine(day, time(12), tzinfo=BISHKEK))
        self.client, self.user = client, user

    def __enter__(self):
        self.travel.__enter__()
        if self.client is not None:
            self.client.force_login(self.user)
        return self

    def __exit__(self, *exc) -> None:
        self.travel.__exit__(*exc)


def edition(admin, state: str) -> Edition:
    """Applications run to 31.12.2026, the jury from 10 to 31 January, results on 10 February."""
    ed = Edition.objects.create(
        year=2026, title_ru="Реальное участие граждан", title_ky="Жарандардын катышуусу",
        rules_ru="Правила (тест).", rules_ky="Эрежелер (тест).",
        hearings_from=date(2026, 6, 1), hearings_to=date(2026, 11, 30),
        applications_from=date(2026, 12, 1), applications_to=date(2026, 12, 31),
        jury_from=date(2027, 1, 10), jury_to=date(2027, 1, 31), results_date=date(2027, 2, 10),
        prize_bands={"": [300_000, 150_000]}, state=state, created_by=admin)
    six = [f"балл {i}" for i in range(6)]
    Criterion.objects.create(edition=ed, order=1, title_ru="Информирование", weight=2,
                             descriptors_ru=six)
    Criterion.objects.create(edition=ed, order=2, title_ru="Учёт предложений", weight=1,
                             descriptors_ru=six)
    return ed


def applied(ed, municipality, staff, number: int) -> Application:
    return Application.objects.create(
        edition=ed, municipality=municipality, created_by=staff, summary="Слушания.",
        state=Application.State.SUBMITTED, number=number, code=f"A-2026-{number:03d}",
        submitted_at=datetime(2026, 12, 1 + number, 10, tzinfo=BISHKEK))


def sheet(ed, **values) -> dict:
    crit = list(ed.criteria.order_by("order"))
    return {f"score_{c.pk}": v for c, v in zip(crit, values["scores"], strict=True)} | {
        f"comment_{c.pk}": "" for c in crit}


@pytest.mark.django_db
def test_jury_and_results_wait_for_their_dates(client, users, places):
    """On 07.12 (applications run to 31.12) the jury cannot start; in the jury period the
    results cannot be approved; nothing changes when refused."""
    ed = edition(users["admin"], Edition.State.APPLICATIONS)
    applied(ed, places["a"], users["municipal_staff"], 1)
    JuryMember.objects.create(edition=ed, user=users["jury"])
    client.force_login(users["admin"])
    url = reverse("contests:transition", args=[ed.year])
    with at(date(2026, 12, 7), client, users["admin"]):
        client.post(url, {"action": "jury"})
        ed.refresh_from_db()
        assert ed.state == Edition.State.APPLICATIONS
    with at(date(2027, 1, 10), client, users["admin"]):
        client.post(url, {"action": "jury"})
        ed.refresh_from_db()
        assert ed.state == Edition.State.JURY
        # the jury scores until 31.01: it cannot be closed on its first day with nothing scored
        client.post(url, {"action": "close"})
        ed.refresh_from_db()
        assert ed.state == Edition.State.JURY
    with at(date(2027, 2, 1), client, users["admin"]):
        client.post(url, {"action": "close"})
        ed.refresh_from_db()
        assert ed.state == Edition.State.REVIEW
        r = client.post(url, {"action": "approve"}, follow=True)
        ed.refresh_from_db()
        assert ed.state == Edition.State.REVIEW and ed.approved_at is None
        assert "10 февраля 2027" in r.content.decode()  # the reason names the date
    with at(date(2027, 2, 10), client, users["admin"]):
        client.post(url, {"action": "approve"})
        ed.refresh_from_db()
        assert ed.state == Edition.State.PUBLISHED


@pytest.mark.django_db
def test_applications_only_in_their_window(client, users, places):
    ed = edition(users["admin"], Edition.State.APPLICATIONS)
    client.force_login(users["municipal_staff"])
    url = reverse("contests:apply", args=[ed.year])
    with at(date(2026, 11, 20), client, users["municipal_staff"]):
        assert client.post(url, {"summary": "Рано."}).status_code == 403
    with at(date(2027, 1, 2), client, users["municipal_staff"]):
        assert client.post(url, {"summary": "Поздно."}).status_code == 403
    assert not Application.objects.exists()
    with at(date(2026, 12, 2), client, users["municipal_staff"]):
        assert client.post(url, {"summary": "Вовремя."}).status_code == 302
        client.post(reverse("contests:apply_action", args=[ed.year]), {"action": "submit"})
    assert Application.objects.get().state == Application.State.SUBMITTED


@pytest.mark.django_db
def test_juror_cannot_score_outside_the_window_after_recusal_or_unseated(
        client, users, places, django_user_model):
    from aimak_web.accounts.models import Role

    ed = edition(users["admin"], Edition.State.JURY)
    a = applied(ed, places["a"], users["municipal_staff"], 1)
    b = applied(ed, places["b"], users["other_staff"], 2)
    JuryMember.objects.create(edition=ed, user=users["jury"])
    url_a = reverse("contests:jury_application", args=[ed.year, a.code])
    url_b = reverse("contests:jury_application", args=[ed.year, b.code])
    client.force_login(users["jury"])
    for day in (date(2027, 1, 9), date(2027, 2, 1)):  # before and after the window
        with at(day, client, users["jury"]):
            r = client.post(url_a, sheet(ed, scores=(4, 5)))
            assert r.status_code == 403 and 'data-testid="refused"' in r.content.decode()
            assert "января 2027" in r.content.decode()  # the reason, in Russian, with the date
    assert not Score.objects.exists()
    with at(date(2027, 1, 15), client, users["jury"]):
        assert client.post(url_a, sheet(ed, scores=(4, 5))).status_code == 302
        assert client.post(url_b, sheet(ed, scores=(3, 3))).status_code == 302
        assert Score.objects.filter(application=a).count() == 2
        # the member recognises a: their scores of it go, and they cannot score it again
        client.post(reverse("contests:conflicts", args=[ed.year]), {"codes": a.code})
        assert not Score.objects.filter(application=a).exists()
        r = client.post(url_a, sheet(ed, scores=(5, 5)))
        assert r.status_code == 403
        assert not Score.objects.filter(application=a).exists()
        # in Kyrgyz, the refusal speaks Kyrgyz
        r = client.post("/ky" + url_a, sheet(ed, scores=(5, 5)))
        assert r.status_code == 403 and "кызыкчылыктардын кагылышуусун" in r.content.decode()
        # a jury member without a seat in this edition
        other = django_user_model.objects.create(username="j9", role=Role.JURY)
        client.force_login(other)
        assert client.post(url_b, sheet(ed, scores=(0, 0))).status_code == 403
    assert Score.objects.count() == 2  # b's two scores only


@pytest.mark.django_db
def test_a_prize_tie_waits_for_a_recorded_public_decision(client, users, places):
    """a and b both score (2*4 + 5)/3 = 4.33 for places 1 (300,000) and 2 (150,000)."""
    ed = edition(users["admin"], Edition.State.JURY)
    a = applied(ed, places["a"], users["municipal_staff"], 1)
    b = applied(ed, places["b"], users["other_staff"], 2)
    JuryMember.objects.create(edition=ed, user=users["jury"])
    client.force_login(users["jury"])
    with at(date(2027, 1, 15), client, users["jury"]):
        for app in (a, b):
            client.post(reverse("contests:jury_application", args=[ed.year, app.code]),
                        sheet(ed, scores=(4, 5)))
    assert Score.objects.count() == 4
    client.force_login(users["admin"])
    transition = reverse("contests:transition", args=[ed.year])
    with at(date(2027, 2, 1), client, users["admin"]):
        client.post(transition, {"action": "close"})
        review = client.get(reverse("contests:review", args=[ed.year])).content.decode()
        assert 'data-testid="ties"' in review and review.count('data-testid="tie-pending"') == 2
    with at(date(2027, 2, 10), client, users["admin"]):
        client.post(transition, {"action": "approve"})
        ed.refresh_from_db()
        assert ed.state == Edition.State.REVIEW  # blocked by the tie
        tie = reverse("contests:tie", args=[ed.year])
        # a decision needs its reason in both languages
        client.post(tie, {"codes": f"{a.code},{b.code}", "rule": "shared",
                          "reason_ru": "Так решили.", "reason_ky": ""})
        client.post(transition, {"action": "approve"})
        ed.refresh_from_db()
        assert ed.state == Edition.State.REVIEW
        client.post(tie, {"codes": f"{a.code},{b.code}", "rule": "shared",
                          "reason_ru": "Пункт 7.3 положения: премия делится поровну.",
                          "reason_ky": "Жобонун 7.3-пункту: сыйлык тең бөлүнөт."})
        client.post(transition, {"action": "approve"})
        ed.refresh_from_db()
        assert ed.state == Edition.State.PUBLISHED
    rows = {r["code"]: r for r in ed.approved_results}
    assert rows[a.code]["prize"] == rows[b.code]["prize"] == 225_000
    assert rows[a.code]["rank"] == rows[b.code]["rank"] == 1
    client.logout()
    html = client.get(reverse("contests:edition", args=[ed.year])).content.decode()
    assert html.count('data-testid="tie-decision"') == 2 and "Пункт 7.3 положения" in html
    html = client.get("/ky" + reverse("contests:edition", args=[ed.year])).content.decode()
    assert "Жобонун 7.3-пункту" in html
    html = client.get("/en/contests/2026/").content.decode()  # names in the page's language
    assert "Jany-Jol" in html and "Жаны-Жол айыл аймагы" not in html


@pytest.mark.django_db
def test_every_late_step_is_refused_on_a_moved_clock(client, users, places):
    """After 31.12 a draft cannot be submitted nor given a file, a submitted application
    cannot be withdrawn; after 31.01 the jury cannot be reopened; nothing changes."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .contest_files import pdf_with_metadata

    ed = edition(users["admin"], Edition.State.APPLICATIONS)
    apply, action = (reverse(f"contests:{n}", args=[ed.year]) for n in ("apply", "apply_action"))
    evidence = reverse("contests:apply_evidence", args=[ed.year])
    staff, other, admin = users["municipal_staff"], users["other_staff"], users["admin"]
    with at(date(2026, 12, 2), client, staff):
        client.post(apply, {"summary": "Черновик."})
    with at(date(2026, 12, 3), client, other):
        client.post(apply, {"summary": "Подана."})
        client.post(action, {"action": "submit"})
    with at(date(2027, 1, 1), client, staff):
        client.post(action, {"action": "submit"})
        client.post(evidence, {"file": SimpleUploadedFile(
            "p.pdf", pdf_with_metadata("Протокол."), content_type="application/pdf")})
    with at(date(2027, 1, 1), client, other):
        client.post(action, {"action": "withdraw"})
    draft = Application.objects.get(municipality=places["a"])
    assert (draft.state, draft.code or None, draft.evidence.count()) == (
        Application.State.DRAFT, None, 0)
    assert Application.objects.get(municipality=places["c"]).state == \
        Application.State.SUBMITTED
    JuryMember.objects.create(edition=ed, user=users["jury"])
    transition = reverse("contests:transition", args=[ed.year])
    with at(date(2027, 1, 10), client, admin):
        client.post(transition, {"action": "jury"})
    with at(date(2027, 2, 1), client, admin):
        client.post(transition, {"action": "close"})
        r = client.post(transition, {"action": "reopen"}, follow=True)
        assert "31 января 2027" in r.content.decode()  # the reason names the date
    ed.refresh_from_db()
    assert ed.state == Edition.State.REVIEW
