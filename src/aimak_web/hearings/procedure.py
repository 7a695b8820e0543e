"""The procedure of a public hearing: its rules, each with its source, and the guards of every step.

A hearing moves draft → announced → open → meeting held → answers published → closed. Every step
is refused, with the reason in the reader's language, when its date has not come or a rule is not
met; the checks here are pure (they read a hearing and a moment and return the problems) and
``services.transition`` runs them, saves and writes the audit trail.

The rule set follows the Ministry of Finance's methodology of public hearings on local budgets
(order No. 44-П of 17 April 2018) as far as its content could be established. Its text could not
be read for this work: the journal «Муниципалитет» cites only its title. What could be read is the
earlier guide of order No. 40-П of 24 February 2009 (section I): hearings on the draft budget and
on the annual execution report, a form of the population's participation in decisions of local
self-government bodies, held by those bodies. Every rule below says whether it rests on such a
source or is an assumption of aimak; the staff page shows the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import MIN_REASON, State

GUIDE_40P = gettext_lazy(
    "order of the Ministry of Finance No. 40-П of 24.02.2009, «Руководство» on public hearings "
    "on the budget, section I")


@dataclass(frozen=True)
class Rule:
    """One rule of the procedure: what it says, its value (a setting) and its source."""

    key: str
    text: Promise
    source: Promise | None = None  # None: an assumption of aimak
    setting: str | None = None
    default: int | None = None

    @property
    def value(self) -> int | None:
        if self.setting is None:
            return None
        return int(getattr(settings, self.setting, self.default))

    def says(self) -> str:
        return str(self.text) % {"value": self.value, "reason": MIN_REASON}


RULES = [
    Rule("subjects", gettext_lazy(
        "Hearings are held on the draft local budget and on the annual report on its "
        "execution."), source=GUIDE_40P),
    Rule("conducted_by", gettext_lazy(
        "The hearing is conducted by the municipality's body of local self-government: only "
        "its staff announce it, open it, record the meeting and answer proposals."),
        source=GUIDE_40P),
    Rule("notice_days", gettext_lazy(
        "The notice is given at least %(value)s days before the meeting."),
        setting="AIMAK_HEARING_NOTICE_DAYS", default=10),
    Rule("comment_days", gettext_lazy(
        "Residents can comment and propose for at least %(value)s days."),
        setting="AIMAK_HEARING_MIN_COMMENT_DAYS", default=10),
    Rule("order_of_dates", gettext_lazy(
        "The comment period starts on or after the notice date and no later than the "
        "meeting.")),
    Rule("dates_come", gettext_lazy(
        "Each step waits for its date: comments open on the first day of the period, the "
        "meeting is recorded once its time has come, answers are published and the hearing is "
        "closed after the comment period has ended.")),
    Rule("meeting_record", gettext_lazy(
        "The meeting is recorded with its chair and the attendance of women and men.")),
    Rule("answers", gettext_lazy(
        "Every proposal gets a published answer with a reason of at least %(reason)s "
        "characters, unless a moderator removed it with a recorded reason; reports alone "
        "never release the municipality from answering.")),
]
BY_KEY = {r.key: r for r in RULES}


def rule_value(key: str) -> int:
    return BY_KEY[key].value


def _d(value: date) -> str:
    """A date as the reader writes it."""
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _dt(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def date_problems(h) -> list[str]:
    """What is wrong with the announced dates themselves (missing, order, notice, length)."""
    labels = {"notice_date": _("notice date"), "comments_from": _("comment period start"),
              "comments_until": _("comment period end"),
              "meeting_at": _("meeting date and time"), "meeting_place": _("meeting place")}
    missing = [str(label) for name, label in labels.items() if not getattr(h, name)]
    if missing:
        return [_("Fill in before announcing: %(fields)s.") % {"fields": ", ".join(missing)}]
    problems = []
    meeting_day = timezone.localtime(h.meeting_at).date()
    lead, need = (meeting_day - h.notice_date).days, rule_value("notice_days")
    if lead < need:
        problems.append(_("The notice must come at least %(days)s days before the meeting; "
                          "it comes %(lead)s days before.") % {"days": need, "lead": lead})
    if h.comments_until < h.comments_from:
        problems.append(_("The comment period ends before it starts."))
    else:
        length, need = (h.comments_until - h.comments_from).days + 1, rule_value("comment_days")
        if length < need:
            problems.append(_("The comment period must last at least %(days)s days; it lasts "
                              "%(length)s.") % {"days": need, "length": length})
    if h.comments_from < h.notice_date:
        problems.append(_("The comment period cannot start (%(start)s) before the notice "
                          "(%(notice)s).") % {"start": _d(h.comments_from),
                                              "notice": _d(h.notice_date)})
    if meeting_day < h.comments_from:
        problems.append(_("The meeting (%(meeting)s) cannot come before the comment period "
                          "starts (%(start)s).") % {"meeting": _d(meeting_day),
                                                    "start": _d(h.comments_from)})
    return problems


def step_problems(h, name: str, at: datetime, n_unanswered: int = 0) -> list[str]:
    """Why step ``name`` cannot be taken at the moment ``at`` (empty: it can)."""
    today = timezone.localtime(at).date()
    if name == "announce":
        problems = date_problems(h)
        if not problems and h.notice_date > today:
            problems.append(_("The notice date (%(date)s) has not come yet.")
                            % {"date": _d(h.notice_date)})
        return problems
    problems = []
    if name == "open" and h.comments_from and today < h.comments_from:
        problems.append(_("Comments open on %(date)s, not before.") % {"date": _d(h.comments_from)})
    if name == "hold_meeting":
        if at < h.meeting_at:
            problems.append(_("The meeting is set for %(when)s: it cannot be recorded as held "
                              "before then.") % {"when": _dt(h.meeting_at)})
        if h.attendance_total is None:
            problems.append(_("Record the attendance by gender first."))
        if not h.chair.strip():
            problems.append(_("Record who chaired the meeting first."))
    if name in ("publish_answers", "close"):
        if today <= h.comments_until:
            problems.append(_("The comment period runs until %(date)s: answers are published "
                              "and the hearing closed after it ends.")
                            % {"date": _d(h.comments_until)})
        if n_unanswered:
            problems.append(_("%(n)s proposal(s) still lack a published, reasoned answer.")
                            % {"n": n_unanswered})
    return problems


def meeting_may_be_recorded(h, at: datetime) -> bool:
    """The meeting's record (attendance, chair) is entered once its time has come."""
    return h.state in (State.OPEN, State.MEETING_HELD) and h.meeting_at is not None \
        and at >= h.meeting_at


#: Fields of the edit form locked once the step that relies on them is taken.
LOCKED_FROM = {
    "notice_date": (State.ANNOUNCED, State.OPEN, State.MEETING_HELD, State.ANSWERS_PUBLISHED),
    "comments_from": (State.OPEN, State.MEETING_HELD, State.ANSWERS_PUBLISHED),
    "meeting_at": (State.MEETING_HELD, State.ANSWERS_PUBLISHED),
    "comments_until": (State.ANSWERS_PUBLISHED,),
    "subject": (State.ANNOUNCED, State.OPEN, State.MEETING_HELD, State.ANSWERS_PUBLISHED),
}


def locked_fields(h) -> list[str]:
    return [name for name, states in LOCKED_FROM.items() if h.pk and h.state in states]
