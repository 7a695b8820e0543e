"""Figures of hearings held on the platform, for the participation contest and the archive.

``municipality_facts(municipality, date_from, date_to)`` is the public interface the contest
app calls: one dict per hearing whose meeting took place in the period (dates inclusive).
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Count, Q
from django.utils import timezone

from .models import Hearing, Moderated, State

HELD_STATES = (State.MEETING_HELD, State.ANSWERS_PUBLISHED, State.CLOSED)


def _bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.combine(date_from, time.min, tzinfo=tz),
            datetime.combine(date_to, time.max, tzinfo=tz))


def municipality_facts(municipality, date_from: date, date_to: date) -> list[dict]:
    """Per hearing held in [date_from, date_to]: dates, lead days, attendance, proposals, answers.

    ``answered_share`` is the share of proposals owed an answer that have a published one,
    ``None`` when there were no proposals; ``minutes_published`` is true once the meeting is
    recorded (the minutes PDF is generated from then on).
    """
    return [_facts(h) for h in _held(date_from, date_to).filter(municipality=municipality)]


def period_facts(date_from: date, date_to: date) -> dict[int, list[dict]]:
    """``municipality_facts`` of every municipality at once: municipality id -> its hearings
    held in the period (the contest measures how many municipalities share a figure)."""
    out: dict[int, list[dict]] = {}
    for h in _held(date_from, date_to):
        out.setdefault(h.municipality_id, []).append(_facts(h))
    return out


def _held(date_from: date, date_to: date):
    start, end = _bounds(date_from, date_to)
    # proposals owed an answer: all but those a moderator removed with a reason (a proposal
    # hidden by reports alone still counts)
    owed = ~Q(proposals__hidden_by=Moderated.BY_MODERATOR)
    return (Hearing.objects.filter(state__in=HELD_STATES, meeting_at__range=(start, end))
            .annotate(n_proposals=Count("proposals", filter=owed),
                      n_answered=Count("proposals", filter=owed & Q(
                          proposals__answer__published_at__isnull=False)))
            .order_by("meeting_at", "pk"))


def _facts(h: Hearing) -> dict:
    return {
        "hearing_id": h.pk,
        "subject": h.subject,
        "year": h.year,
        "notice_date": h.notice_date,
        "meeting_date": timezone.localtime(h.meeting_at).date(),
        "closed_at": h.closed_at,
        "notice_lead_days": h.notice_lead_days,
        "attendance_women": h.attendance_women,
        "attendance_men": h.attendance_men,
        "attendance_total": h.attendance_total,
        "proposals": h.n_proposals,
        "answered_share": (h.n_answered / h.n_proposals) if h.n_proposals else None,
        "minutes_published": h.state in HELD_STATES,
        "is_example": h.is_example,
    }
