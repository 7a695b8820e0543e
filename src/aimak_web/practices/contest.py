"""The prize contest: entering, voting, the anomaly report and the final ranking.

Jury scores go through the shared engine ``aimak_web.contests.scoring`` (imported lazily: it is
written in parallel for the participation contest); the final ranking combines the jury score
(scaled by 5) and the public vote (scaled by the most-voted entry of the category) with the
edition's jury weight.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Category, Edition, Entry, JuryScore, Practice, Recusal, Vote
from .rules import can, is_party_to_entry


def results_visible(user, edition: Edition, now: datetime | None = None) -> bool:
    """The final ranking is public once the vote is closed; organisers and the jury see it
    before (the results page and the links to it ask this one question)."""
    if (now or timezone.now()) > edition.vote_close:
        return True
    return can(user, "practices.moderate_practice") or can(user, "practices.score")


def may_vote_for(user, entry: Entry) -> bool:
    """Whether the vote button is shown: a verified person, not party to the entry."""
    return can(user, "practices.vote") and not is_party_to_entry(user, entry)


def score_entry(entry: Entry, juror, marks: dict[str, int], now: datetime | None = None) -> None:
    """A seated juror's marks (criterion key → 0–5) of an entry, inside the jury's period and
    unless they stepped aside from it; written with the juror as the audit actor."""
    from auditlog.context import set_actor

    if not can(juror, "practices.score", entry):
        raise PermissionDenied
    if not entry.edition.jury_is_open(now):
        raise ValidationError(_("The jury scores only during its period."))
    if Recusal.objects.filter(entry=entry, juror=juror).exists():
        raise ValidationError(_("You stepped aside from this entry; your scores of it "
                                "do not count."))
    with transaction.atomic(), set_actor(juror):
        for c in entry.edition.criteria.all():
            JuryScore.objects.update_or_create(entry=entry, juror=juror, criterion=c,
                                               defaults={"score": marks[c.key]})


def recuse(entry: Entry, juror, reason: str) -> Recusal:
    """A seated juror steps aside from an entry (a conflict of interest)."""
    from auditlog.context import set_actor

    if not can(juror, "practices.score", entry):
        raise PermissionDenied
    with set_actor(juror):
        recusal, _created = Recusal.objects.get_or_create(
            entry=entry, juror=juror, defaults={"reason": (reason or "")[:300]})
    return recusal


def scoring():
    """The shared scoring engine, imported when first needed."""
    return importlib.import_module("aimak_web.contests.scoring")


def category_for(edition: Edition, practice: Practice) -> Category | None:
    for c in edition.categories.all():
        if practice.submitter_type in (c.submitter_types or []):
            return c
    return None


def enter(edition: Edition, practice: Practice, user) -> Entry:
    """Enter a published practice into an edition open for entries."""
    if not can(user, "practices.enter_contest", practice):
        raise PermissionDenied
    if not edition.accepts_entries():
        raise ValidationError(_("This edition does not accept entries now."))
    category = category_for(edition, practice)
    if category is None:
        raise ValidationError(_("No category of this edition takes this kind of submitter."))
    entry, _created = Entry.objects.get_or_create(edition=edition, practice=practice,
                                                  defaults={"category": category})
    return entry


def verified_at(user) -> datetime | None:
    """When the person became verified (the earlier of residence and phone)."""
    times = [t for t in (user.residence_verified_at, user.phone_confirmed_at) if t]
    return min(times) if times else None


def cast_vote(entry: Entry, user, ip: str | None, now: datetime | None = None) -> Vote:
    """One verified person, one vote per practice, inside the window; never changed."""
    now = now or timezone.now()
    if not can(user, "practices.vote"):
        raise PermissionDenied
    if not entry.edition.vote_is_open(now):
        raise ValidationError(_("The public vote is closed."))
    if is_party_to_entry(user, entry):
        raise ValidationError(_("The author of a practice and the staff of the body that "
                                "entered it do not vote for it."))
    try:
        with transaction.atomic():
            return Vote.objects.create(entry=entry, voter=user, ip=ip, cast_at=now,
                                       voter_verified_at=verified_at(user))
    except IntegrityError:
        raise ValidationError(_("You have already voted for this practice; a vote cannot be "
                                "changed.")) from None


# --- anomalies ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteEvent:
    at: datetime
    ip: str
    verified_at: datetime | None = None


@dataclass
class Burst:
    kind: str  # "ip" or "new_accounts"
    key: str
    start: datetime
    end: datetime
    count: int
    votes: list[int] = field(default_factory=list)


def bursts(times: list[datetime], window: timedelta, threshold: int) -> list[tuple[int, int]]:
    """Maximal runs (first, last index) of sorted ``times`` with ``threshold`` or more events
    inside ``window`` (two-pointer sweep; overlapping windows merged)."""
    out: list[tuple[int, int]] = []
    left = 0
    for right in range(len(times)):
        while times[right] - times[left] > window:
            left += 1
        if right - left + 1 >= threshold:
            if out and left <= out[-1][1]:
                out[-1] = (out[-1][0], right)
            else:
                out.append((left, right))
    return out


def anomalies(events: Iterable[VoteEvent], window: timedelta = timedelta(minutes=10),
              threshold: int = 5, new_within: timedelta = timedelta(days=1)) -> list[Burst]:
    """Bursts of votes from one network address, and of accounts verified shortly before."""
    events = sorted(events, key=lambda e: e.at)
    report: list[Burst] = []
    by_ip: dict[str, list[VoteEvent]] = defaultdict(list)
    for e in events:
        by_ip[e.ip or "?"].append(e)
    for ip, evs in sorted(by_ip.items()):
        for a, b in bursts([e.at for e in evs], window, threshold):
            report.append(Burst("ip", ip, evs[a].at, evs[b].at, b - a + 1))
    fresh = [e for e in events if e.verified_at and e.at - e.verified_at <= new_within]
    for a, b in bursts([e.at for e in fresh], window, threshold):
        report.append(Burst("new_accounts", "", fresh[a].at, fresh[b].at, b - a + 1))
    return report


def edition_anomalies(edition: Edition, **kw) -> list[Burst]:
    votes = Vote.objects.filter(entry__edition=edition).values_list("cast_at", "ip",
                                                                   "voter_verified_at")
    return anomalies([VoteEvent(at, ip or "?", v) for at, ip, v in votes], **kw)


# --- results --------------------------------------------------------------------------------


@dataclass
class Row:
    entry: Entry
    jury: float | None
    votes: int
    combined: float
    rank: int
    prize: float | None
    n_jurors: int


def vote_counts(edition: Edition) -> dict[int, int]:
    return dict(Vote.objects.filter(entry__edition=edition).values("entry")
                .annotate(n=Count("pk")).values_list("entry", "n"))


def results(edition: Edition) -> dict[Category, list[Row]]:
    """Per category: entries ranked by the combined jury and vote score, with prizes."""
    engine = scoring()
    criteria = [engine.Criterion(c.key, c.weight) for c in edition.criteria.all()]
    entries = list(Entry.objects.filter(edition=edition)
                   .select_related("practice", "category", "practice__body"))
    scores = {(str(s.juror_id), str(s.entry_id), key): float(s.score) for s, key in
              ((s, s.criterion.key) for s in
               JuryScore.objects.filter(entry__edition=edition).select_related("criterion"))}
    recused = {(str(juror), str(entry)) for juror, entry in
               Recusal.objects.filter(entry__edition=edition).values_list("juror", "entry")}
    scores = {k: v for k, v in scores.items() if (k[0], k[1]) not in recused}
    votes = vote_counts(edition)
    out: dict[Category, list[Row]] = {}
    for category in edition.categories.all():
        mine = [e for e in entries if e.category_id == category.pk]
        if not mine:
            out[category] = []
            continue
        jury = engine.score_entries(
            criteria, [engine.Entry(str(e.pk), e.entered_at, category.code) for e in mine],
            {k: v for k, v in scores.items() if k[1] in {str(e.pk) for e in mine}},
            recused=sorted(recused))
        by_key = {r.entry: r for r in jury}
        combined = engine.combine({str(e.pk): by_key[str(e.pk)].score for e in mine},
                                  {str(e.pk): votes.get(e.pk, 0) for e in mine},
                                  edition.jury_weight)
        order = sorted(mine, key=lambda e: (-combined[str(e.pk)], e.entered_at, e.pk))
        prizes = list(category.prizes or [])
        rows = []
        for i, e in enumerate(order):
            r = by_key[str(e.pk)]
            rows.append(Row(e, r.score, votes.get(e.pk, 0), combined[str(e.pk)], i + 1,
                            prizes[i] if i < len(prizes) else None, r.n_jurors))
        out[category] = rows
    return out
