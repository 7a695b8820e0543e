"""The prize contest: entering, one vote per verified person and practice, the anomaly report,
and the final ranking (jury through the shared scoring engine, combined with the public vote)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from aimak_web.accounts.models import Role, User
from aimak_web.practices import contest
from aimak_web.practices.contest import VoteEvent, anomalies, bursts
from aimak_web.practices.models import Entry, JuryScore, Recusal, Vote

from .perm_practices import make_edition, make_practice


@pytest.fixture(autouse=True)
def _russian():
    """Reverse and render in Russian whatever an earlier test left active in this thread."""
    with translation.override("ru"):
        yield


@pytest.fixture
def scoring_engine():
    """The shared engine ``aimak_web.contests.scoring`` (landed on main; no shim any more)."""
    import aimak_web.contests.scoring as engine

    return engine


def _verified(i: int, muni) -> User:
    u = User.objects.create(username=f"voter{i}@test.local", email=f"voter{i}@test.local",
                            role=Role.CITIZEN, municipality=muni)
    u.verify_residence("manual")
    return u


@pytest.mark.django_db
def test_one_vote_per_verified_person_and_practice(client, places, users):
    ed = make_edition()
    cat = ed.categories.get(code="citizens")
    # practices of someone else (nobody votes for their own)
    e1 = Entry.objects.create(edition=ed, category=cat, practice=make_practice(
        users["jury"], "published", munis=[places["a"]]))
    e2 = Entry.objects.create(edition=ed, category=cat, practice=make_practice(
        users["jury"], "published", munis=[places["a"]]))
    client.force_login(users["citizen"])
    url = reverse("practices:vote", args=[e1.pk])
    assert client.post(url).status_code == 302
    r = client.post(url, follow=True)
    assert "нельзя изменить" in r.content.decode() or "cannot be changed" in r.content.decode()
    assert Vote.objects.filter(entry=e1).count() == 1
    client.post(reverse("practices:vote", args=[e2.pk]))  # another practice: allowed
    assert Vote.objects.filter(voter=users["citizen"]).count() == 2
    # the vote counts are published on the edition page
    html = client.get(reverse("practices:edition", args=[ed.pk])).content.decode()
    assert f'data-testid="votes-{e1.pk}">1<' in html
    # not verified: refused; a confirmed phone is enough
    staff = users["municipal_staff"]
    with pytest.raises(PermissionDenied):
        contest.cast_vote(e1, staff, "10.0.0.9")
    staff.phone_confirmed_at = timezone.now()
    staff.save()
    contest.cast_vote(e1, staff, "10.0.0.9")
    # outside the window: refused
    closed = make_edition(vote_open=False)
    e3 = Entry.objects.create(edition=closed, category=closed.categories.get(code="citizens"),
                              practice=e1.practice)
    with pytest.raises(ValidationError):
        contest.cast_vote(e3, users["citizen"], "10.0.0.1")
    assert Vote.objects.count() == 3


@pytest.mark.django_db
def test_entering_takes_the_category_of_the_submitter(places, users):
    ed = make_edition()
    lsg = make_practice(users["municipal_staff"], "published", "lsg", body=places["a"],
                        munis=[places["a"]])
    entry = contest.enter(ed, lsg, users["municipal_staff"])
    assert entry.category.code == "lsg" and entry.category.prizes == [150000]
    citizen = make_practice(users["citizen"], "published", munis=[places["a"]])
    assert contest.enter(ed, citizen, users["citizen"]).category.prizes == [25000]
    with pytest.raises(PermissionDenied):
        contest.enter(ed, citizen, users["other_staff"])
    with pytest.raises(PermissionDenied):  # a draft is not entered
        contest.enter(ed, make_practice(users["citizen"]), users["citizen"])


@pytest.mark.django_db
def test_final_ranking_combines_jury_and_vote(client, places, users, scoring_engine):
    ed = make_edition(jury_weight=0.6)
    cat = ed.categories.get(code="citizens")
    x, y, z = (Entry.objects.create(edition=ed, category=cat, practice=make_practice(
        users["citizen"], "published", munis=[places["a"]], title_ru=t)) for t in "XYZ")
    j2 = User.objects.create(username="jury2@test.local", email="jury2@test.local",
                             role=Role.JURY)
    crit = {c.key: c for c in ed.criteria.all()}  # impact weight 2, evidence weight 1
    marks = {x: [(5, 4), (4, 4)], y: [(3, 5), (3, 3)], z: [(4, 2), (4, 4)]}
    for entry, pairs in marks.items():
        for juror, (impact, evidence) in zip([users["jury"], j2], pairs, strict=True):
            JuryScore.objects.create(entry=entry, juror=juror, criterion=crit["impact"],
                                     score=impact)
            JuryScore.objects.create(entry=entry, juror=juror, criterion=crit["evidence"],
                                     score=evidence)
    # a third juror steps aside from Y (through the page): their zeros for Y do not count
    j3 = User.objects.create(username="jury3@test.local", email="jury3@test.local",
                             role=Role.JURY)
    ed.jurors.add(j3)
    for c in crit.values():
        JuryScore.objects.create(entry=y, juror=j3, criterion=c, score=0)
    client.force_login(j3)
    client.post(reverse("practices:score", args=[y.pk]), {"action": "recuse",
                                                         "reason": "my own village"})
    assert Recusal.objects.filter(entry=y, juror=j3).exists()
    voters = [_verified(i, places["a"]) for i in range(4)]
    for entry, n in ((x, 1), (y, 4), (z, 2)):
        for v in voters[:n]:
            contest.cast_vote(entry, v, "10.1.0.1")
    # by hand: jury X = (2·4.5 + 4)/3 = 13/3, Y = (2·3 + 4)/3 = 10/3, Z = (2·4 + 3)/3 = 11/3;
    # combined = 0.6·jury/5 + 0.4·votes/4: X 0.52 + 0.10 = 0.62, Y 0.40 + 0.40 = 0.80,
    # Z 0.44 + 0.20 = 0.64 → Y, Z, X; the first place takes 25,000 som
    rows = contest.results(ed)[cat]
    assert [r.entry.pk for r in rows] == [y.pk, z.pk, x.pk]
    assert [round(r.combined, 6) for r in rows] == [0.8, 0.64, 0.62]
    assert [r.jury for r in rows] == pytest.approx([10 / 3, 11 / 3, 13 / 3])
    assert [r.prize for r in rows] == [25000, None, None]
    assert [r.n_jurors for r in rows] == [2, 2, 2]
    client.force_login(users["jury"])
    html = client.get(reverse("practices:results", args=[ed.pk])).content.decode()
    assert "0,8000" in html or "0.8000" in html


@pytest.mark.django_db
def test_jury_scores_through_the_form(client, places, users):
    ed = make_edition()
    e = Entry.objects.create(edition=ed, category=ed.categories.get(code="citizens"),
                             practice=make_practice(users["citizen"], "published"))
    client.force_login(users["jury"])
    url = reverse("practices:score", args=[e.pk])
    r = client.post(url, {"impact": "7", "evidence": "3"})
    assert r.status_code == 200 and "impact" in r.context["form"].errors
    assert client.post(url, {"impact": "4", "evidence": "3"}).status_code == 302
    client.post(url, {"impact": "5", "evidence": "3"})  # a juror may revise their scores
    assert sorted(JuryScore.objects.values_list("criterion__key", "score")) == [
        ("evidence", 3), ("impact", 5)]


T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def test_anomalies_known_case():
    events = [VoteEvent(T0 + timedelta(minutes=i), "10.0.0.1") for i in range(6)]
    events += [VoteEvent(T0 + timedelta(minutes=i * 30), f"10.0.1.{i}") for i in range(3)]
    events += [VoteEvent(T0 + timedelta(hours=5, minutes=i), f"10.0.2.{i}",
                         verified_at=T0 + timedelta(hours=4)) for i in range(5)]
    report = anomalies(events)
    assert [(b.kind, b.key, b.count) for b in report] == [("ip", "10.0.0.1", 6),
                                                          ("new_accounts", "", 5)]
    assert report[0].start == T0 and report[0].end == T0 + timedelta(minutes=5)
    # the same five voters, verified two days before, are not flagged
    old = [VoteEvent(e.at, e.ip, T0 - timedelta(days=2)) for e in events[-5:]]
    assert anomalies(old) == []


@given(st.lists(st.integers(0, 200), max_size=40), st.integers(1, 30), st.integers(1, 6))
def test_bursts_cover_exactly_the_dense_windows(minutes, window, threshold):
    times = sorted(T0 + timedelta(minutes=m) for m in minutes)
    w = timedelta(minutes=window)
    runs = bursts(times, w, threshold)
    covered = {i for a, b in runs for i in range(a, b + 1)}
    brute = {i for lo in range(len(times)) for hi in range(lo + threshold - 1, len(times))
             if times[hi] - times[lo] <= w for i in range(lo, hi + 1)}
    assert covered == brute
    assert all(b - a + 1 >= threshold for a, b in runs)
    assert all(runs[k][1] < runs[k + 1][0] for k in range(len(runs) - 1))


@pytest.mark.django_db
def test_anomaly_report_page(client, places, users):
    ed = make_edition()
    e = Entry.objects.create(edition=ed, category=ed.categories.get(code="citizens"),
                             practice=make_practice(users["citizen"], "published"))
    for i in range(5):
        contest.cast_vote(e, _verified(i, places["a"]), "192.0.2.7")
    client.force_login(users["admin"])
    html = client.get(reverse("practices:anomalies", args=[ed.pk])).content.decode()
    assert "192.0.2.7" in html


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "vote_open", "linked"), [
    ("citizen", True, False), (None, True, False), ("municipal_staff", True, False),
    ("moderator", True, True), ("jury", True, True),
    ("citizen", False, True), (None, False, True)])
def test_results_are_linked_only_to_those_who_may_open_them(client, places, users, who,
                                                            vote_open, linked):
    """Before the vote closes the ranking is for organisers and the jury: a visitor is not
    offered a link that ends in a refusal (a 403 in the console, found under gunicorn)."""
    ed = make_edition(vote_open=vote_open)
    if who:
        client.force_login(users[who])
    html = client.get(reverse("practices:edition", args=[ed.pk])).content.decode()
    assert ('data-testid="results-link"' in html) is linked
    status = client.get(reverse("practices:results", args=[ed.pk])).status_code
    assert (status == 200) is linked
