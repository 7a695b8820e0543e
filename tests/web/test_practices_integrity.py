"""Issue 24's integrity findings, each reproduced first: the two-person publishing rule, who
may vote, the jury page and the juror's seat, dates and recusal, the submitter's claims badged as
stated, the URL and decimal fields, the moderator's request reaching the submitter, the digest
PDF refusing URL fetches."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from aimak_web.practices import contest
from aimak_web.practices.models import Entry, JuryScore, Status, Vote

from .perm_practices import make_edition, make_practice


@pytest.fixture(autouse=True)
def _russian():
    with translation.override("ru"):
        yield


# --- two-person rule --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_moderator_cannot_publish_their_own_practice(client, places, users):
    moderator = users["moderator"]
    own = make_practice(moderator, "submitted", munis=[places["a"]])
    with pytest.raises(PermissionDenied):
        own.publish(moderator)
    assert "publish" not in own.allowed_transitions(moderator)
    client.force_login(moderator)
    client.post(reverse("practices:transition", args=[own.pk, "publish"]))
    own.refresh_from_db()
    assert own.status == Status.SUBMITTED
    # a second person publishes it
    own.publish(users["admin"])
    assert own.status == Status.PUBLISHED


# --- voting -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_of_the_entrant_and_the_author_do_not_vote_for_it(client, places, users):
    ed = make_edition()
    staff, citizen = users["municipal_staff"], users["citizen"]
    staff.phone_confirmed_at = timezone.now()  # verified, so only the conflict stops them
    staff.save()
    body_entry = Entry.objects.create(
        edition=ed, category=ed.categories.get(code="lsg"), practice=make_practice(
            users["other_staff"], "published", "lsg", body=places["a"], munis=[places["a"]]))
    own_entry = Entry.objects.create(
        edition=ed, category=ed.categories.get(code="citizens"),
        practice=make_practice(citizen, "published", munis=[places["a"]]))
    with pytest.raises(ValidationError):
        contest.cast_vote(body_entry, staff, "10.0.0.1")
    with pytest.raises(ValidationError):
        contest.cast_vote(own_entry, citizen, "10.0.0.2")
    # the page shows no vote button for them, and a direct POST is refused in Russian
    client.force_login(staff)
    html = client.get(reverse("practices:edition", args=[ed.pk])).content.decode()
    assert f'data-testid="vote-{body_entry.pk}"' not in html
    r = client.post(reverse("practices:vote", args=[body_entry.pk]), follow=True)
    assert r.status_code == 200 and "сотрудники" in r.content.decode()
    assert Vote.objects.count() == 0
    # another verified person votes for both
    contest.cast_vote(own_entry, staff, "10.0.0.3")
    assert Vote.objects.count() == 1


@pytest.mark.django_db
def test_an_unverified_voter_is_told_how_to_verify_in_their_language(client, places, users):
    ed = make_edition()
    entry = Entry.objects.create(edition=ed, category=ed.categories.get(code="citizens"),
                                 practice=make_practice(users["citizen"], "published",
                                                        munis=[places["a"]]))
    client.force_login(users["jury"])
    html = client.get(reverse("practices:edition", args=[ed.pk])).content.decode()
    assert f'href="{reverse("accounts:phone_confirm")}"' in html
    r = client.post(reverse("practices:vote", args=[entry.pk]), follow=True)
    assert r.status_code == 200
    text = r.content.decode()
    assert "Forbidden" not in text and "подтвердите" in text.lower()


# --- the jury page and the juror's rules ------------------------------------------------------


@pytest.mark.django_db
def test_jury_scoring_page_is_whole_and_in_russian(client, places, users):
    ed = make_edition()
    entry = Entry.objects.create(edition=ed, category=ed.categories.get(code="citizens"),
                                 practice=make_practice(users["citizen"], "published",
                                                        munis=[places["a"]]))
    client.force_login(users["jury"])
    html = client.get(reverse("practices:score", args=[entry.pk])).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and "csrf" not in title.lower()
    head = html.split("<body", 1)[0]
    assert "<form" not in head
    header_end = html.index("</header>")
    assert html.index('data-testid="recuse-form"') > header_end
    assert html.count('data-testid="recuse-form"') == 1
    h1 = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    assert "Оценка" in h1 and "Балл" not in h1


@pytest.mark.django_db
def test_juror_pages_follow_the_contest_rules(client, places, users):
    jury = users["jury"]
    ed = make_edition()
    entry = Entry.objects.create(edition=ed, category=ed.categories.get(code="citizens"),
                                 practice=make_practice(users["citizen"], "published",
                                                        munis=[places["a"]]))
    url = reverse("practices:score", args=[entry.pk])
    marks = {"impact": "4", "evidence": "3"}
    client.force_login(jury)
    # seat: a jury member not seated on this edition is refused
    ed.jurors.remove(jury)
    assert client.get(url).status_code == 403
    ed.jurors.add(jury)
    # dates: scoring outside the jury's period is refused
    ed.jury_open, ed.jury_close = timezone.now() + timedelta(days=1), timezone.now() + \
        timedelta(days=5)
    ed.save()
    r = client.post(url, marks, follow=True)
    assert JuryScore.objects.count() == 0 and "период" in r.content.decode()
    ed.jury_open = timezone.now() - timedelta(days=1)
    ed.save()
    client.post(url, marks)
    assert JuryScore.objects.count() == 2
    # recusal: once stepped aside, the juror cannot score the entry again
    client.post(url, {"action": "recuse", "reason": "родственник"})
    r = client.post(url, {"impact": "5", "evidence": "5"}, follow=True)
    assert sorted(JuryScore.objects.values_list("score", flat=True)) == [3, 4]
    # the author of a practice does not score it
    own = Entry.objects.create(edition=ed, category=ed.categories.get(code="citizens"),
                               practice=make_practice(jury, "published", "expert",
                                                      munis=[places["b"]]))
    client.post(reverse("practices:score", args=[own.pk]), marks)
    assert not JuryScore.objects.filter(entry=own).exists()


# --- the submitter's claims, the URL and decimal fields ----------------------------------------


@pytest.mark.django_db
def test_submitters_claims_are_badged_as_stated(client, places, users):
    p = make_practice(users["citizen"], "published", munis=[places["a"]], cost_som=120000)
    p.evidence.create(label="Дворов с водой", value=412, unit="дворов", source="отчёт")
    html = client.get(reverse("practices:detail", args=[p.pk])).content.decode()
    assert "prov-observed" not in html
    assert html.count("prov-stated") == 2 and "со слов заявителя" in html


@pytest.mark.django_db
def test_bare_domain_link_and_decimal_comma(client, places, users):
    from .test_practices import form_data

    client.force_login(users["citizen"])
    html = client.get(reverse("practices:create")).content.decode()
    assert 'type="url"' not in html  # the browser would refuse a link without https://
    assert 'name="ev-0-value"' in html and 'inputmode="decimal"' in html
    r = client.post(reverse("practices:create"), form_data(
        munis=[places["a"]], cost_som="1 200 000", **{
            "ev-0-value": "12,5", "ev-0-source_url": "stat.gov.kg/ru/statistics"}))
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    from aimak_web.practices.models import Practice

    p = Practice.objects.get()
    ev = p.evidence.get()
    assert ev.value == Decimal("12.5") and p.cost_som == Decimal("1200000")
    assert ev.source_url == "https://stat.gov.kg/ru/statistics"


@pytest.mark.parametrize("text,value", [
    ("12,5", "12.5"), ("1 200 000", "1200000"), ("1\u00a0200,75", "1200.75"),
    ("0,05", "0.05"), ("1.5", "1.5"), ("-3,25", "-3.25"), ("1.234,5", "1234.5")])
def test_decimal_comma_parsing(text, value):
    from aimak_web.practices.forms import parse_decimal

    assert parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize("text", ["1,2,3", "12,5,", "abc", "1,2.3", ""])
def test_decimal_parsing_refuses_ambiguous_text(text):
    from aimak_web.practices.forms import parse_decimal

    with pytest.raises(ValueError):
        parse_decimal(text)


# --- notifications ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_submitter_learns_of_a_moderators_request(client, places, users, settings):
    settings.AIMAK_SITE_URL = "https://portal.example.kg"
    p = make_practice(users["citizen"], "submitted", munis=[places["a"]])
    mail.outbox.clear()
    p.request_changes(users["moderator"], "Укажите источник цифр")
    (message,) = mail.outbox
    assert message.to == [users["citizen"].email]
    assert "Укажите источник цифр" in message.body
    assert f"https://portal.example.kg{p.get_absolute_url()}" in message.body
    # and on their desk (My practices)
    client.force_login(users["citizen"])
    html = client.get(reverse("practices:mine")).content.decode()
    assert 'data-testid="needs-action"' in html and "Укажите источник цифр" in html


# --- the digest PDF ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_digest_pdf_refuses_url_fetches(places, users, monkeypatch):
    import weasyprint

    from aimak_web.journal import services as digest

    seen = {}
    real = weasyprint.HTML

    def spy(*args, **kwargs):
        seen["fetcher"] = kwargs.get("url_fetcher")
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    p = make_practice(users["citizen"], "published", munis=[places["a"]])
    now = timezone.now()
    digest.collection_pdf([p], now - timedelta(days=7), now)
    fetcher = seen["fetcher"]
    assert fetcher is not None
    with pytest.raises(ValueError):
        fetcher("https://example.org/tracker.png")
