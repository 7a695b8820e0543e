"""Every change of a hearing, one function each: check the role and the rule, write, audit.

Views and the API parse input, call one of these and render. Each function checks who acts
(django-rules), the procedure's guards at the moment given by ``clock.now()`` and writes inside
``auditlog``'s actor context, so the audit trail records who did what.
"""

from __future__ import annotations

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from aimak_web.places.models import Municipality
from aimak_web.territory.evaluation import unit_comparison

from . import clock, procedure
from .models import (
    MIN_REASON,
    Answer,
    BudgetLine,
    Comment,
    Hearing,
    Moderated,
    ModerationDecision,
    Proposal,
    Report,
    State,
    Subject,
    TransitionError,
    reports_to_hide,
)
from .rules import allows

#: When a step is taken, the moment is kept in this field.
STAMPS = {"announce": "announced_at", "open": "opened_at", "hold_meeting": "meeting_recorded_at",
          "publish_answers": "answers_published_at", "close": "closed_at"}


def _conducts(user, hearing: Hearing) -> None:
    """Only the staff of the hearing's municipality conduct it (rule «conducted_by»)."""
    if not allows("hearings.conduct", user, hearing):
        raise PermissionDenied


def check_step(hearing: Hearing, name: str) -> list[str]:
    """Why ``name`` cannot be taken now (empty when it can); the state is checked first."""
    if name not in Hearing.TRANSITIONS:
        return [_("Unknown step.")]
    sources, _target, _verb = Hearing.TRANSITIONS[name]
    if hearing.state not in sources:
        return [_("This step is not possible in the state «%(state)s».")
                % {"state": hearing.get_state_display()}]
    unanswered = (hearing.unanswered_proposals().count()
                  if name in ("publish_answers", "close") else 0)
    return procedure.step_problems(hearing, name, clock.now(), unanswered)


def transition(hearing: Hearing, name: str, user) -> None:
    """Take step ``name`` as ``user`` now; ``TransitionError`` says why it is refused."""
    _conducts(user, hearing)
    with transaction.atomic():
        # the state as stored, locked: two clicks cannot take the same step twice
        hearing.state = Hearing.objects.select_for_update().values_list(
            "state", flat=True).get(pk=hearing.pk)
        problems = check_step(hearing, name)
        if problems:
            raise TransitionError(" ".join(problems))
        hearing.state = Hearing.TRANSITIONS[name][1]
        setattr(hearing, STAMPS[name], clock.now())
        with set_actor(user):
            hearing.save()


def save_hearing(form, user, municipality=None) -> Hearing:
    """Create (as a draft of ``municipality``) or change a hearing from a valid form."""
    hearing = form.save(commit=False)
    if hearing.pk is None:
        if municipality is None or not user.has_perm("hearings.create_hearing", municipality):
            raise PermissionDenied
        hearing.municipality, hearing.created_by = municipality, user
    else:
        _conducts(user, hearing)
    with set_actor(user), transaction.atomic():
        hearing.save()
        form.save_m2m()
    return hearing


def edit_problems(hearing: Hearing) -> list[str]:
    """Problems of changed dates of a hearing already announced (checked by the edit form)."""
    if hearing.state == State.DRAFT:
        return []
    problems = procedure.date_problems(hearing)
    if hearing.state in (State.OPEN, State.MEETING_HELD) and hearing.comments_until \
            and hearing.comments_until < clock.today():
        problems.append(_("An open comment period cannot end in the past."))
    return problems


def may_record_meeting(hearing: Hearing) -> bool:
    return procedure.meeting_may_be_recorded(hearing, clock.now())


def record_meeting(form, user) -> Hearing:
    """Save the meeting's record (chair, secretary, attendance, sheet) once its time has come."""
    hearing = form.instance
    _conducts(user, hearing)
    if not may_record_meeting(hearing):
        raise TransitionError(_("The meeting is recorded once its time has come (%(when)s).")
                              % {"when": procedure._dt(hearing.meeting_at)}
                              if hearing.meeting_at else _("The meeting has no date."))
    with set_actor(user), transaction.atomic():
        return form.save()


#: States in which staff may still change the budget lines (before comments open).
BUDGET_EDITABLE = (State.DRAFT, State.ANNOUNCED)


def replace_budget(hearing: Hearing, user, lines: list[dict]) -> int:
    """Replace the hearing's budget lines with ``lines`` (all or nothing, audited)."""
    _conducts(user, hearing)
    if hearing.state not in BUDGET_EDITABLE:
        raise TransitionError(_("The budget can be changed only before comments open."))
    with set_actor(user), transaction.atomic():
        for line in hearing.lines.all():
            line.delete()  # one by one, so the audit trail records each
        for i, line in enumerate(lines):
            BudgetLine.objects.create(hearing=hearing, position=i, **line)
    return len(lines)


def attach_document(hearing: Hearing, user, form):
    """Attach a checked document to a hearing that is not closed."""
    _conducts(user, hearing)
    if hearing.state == State.CLOSED:
        raise TransitionError(_("A closed hearing cannot be changed."))
    doc = form.save(commit=False)
    doc.hearing, doc.uploaded_by = hearing, user
    with set_actor(user):
        doc.save()
    return doc


# --- taking part ----------------------------------------------------------------------------


def _taking_part(hearing: Hearing, user) -> None:
    if not allows("hearings.take_part", user, hearing):
        raise PermissionDenied
    if not hearing.accepts_input:
        raise TransitionError(_("The hearing is not open for comments and proposals now."))


def add_comment(hearing: Hearing, user, form) -> Comment:
    """Publish a resident's comment; the same text sent again (a double tap, a resend) is kept
    once and the first one is returned."""
    _taking_part(hearing, user)
    comment = form.save(commit=False)
    return _once(hearing, user, comment, ("line", "text"))


def add_proposal(hearing: Hearing, user, form) -> Proposal:
    """Register a resident's proposal; the same proposal sent again is kept once."""
    _taking_part(hearing, user)
    proposal = form.save(commit=False)
    return _once(hearing, user, proposal, ("line", "title", "text", "amount"))


def _once(hearing: Hearing, user, item: Comment | Proposal, same: tuple[str, ...]):
    """Save ``item`` unless the author already sent one with the same ``same`` fields; the
    hearing's row is locked meanwhile so that two sends arriving together store one."""
    model = type(item)
    with transaction.atomic():
        Hearing.objects.select_for_update().filter(pk=hearing.pk).first()
        earlier = model.objects.filter(hearing=hearing, author=user,
                                       **{f: getattr(item, f) for f in same}).first()
        if earlier is not None:
            return earlier
        item.hearing, item.author = hearing, user
        with set_actor(user):
            item.save()
    return item


def paper_proposals_open(hearing: Hearing) -> bool:
    """Paper proposals are entered from the first day of comments until the answers."""
    return hearing.state in (State.OPEN, State.MEETING_HELD) and bool(
        hearing.comments_from and clock.today() >= hearing.comments_from)


def add_paper_proposal(hearing: Hearing, user, form) -> Proposal:
    _conducts(user, hearing)
    if not paper_proposals_open(hearing):
        raise TransitionError(_("Paper proposals are entered from the first day of comments "
                                "until the answers are published."))
    proposal = form.save(commit=False)
    proposal.hearing, proposal.on_paper = hearing, True
    proposal.paper_author = form.cleaned_data.get("paper_author", "")
    with set_actor(user):
        proposal.save()
    return proposal


def toggle_support(proposal: Proposal, user) -> bool:
    """Support ``proposal`` or withdraw the support; True when the user now supports it."""
    _taking_part(proposal.hearing, user)
    with set_actor(user):
        if proposal.supporters.filter(pk=user.pk).exists():
            proposal.supporters.remove(user)
            return False
        proposal.supporters.add(user)
        return True


# --- answers --------------------------------------------------------------------------------

ANSWER_STATES = (State.OPEN, State.MEETING_HELD, State.ANSWERS_PUBLISHED)


def answer_proposal(proposal: Proposal, user, verdict: str, reason: str, line=None,
                    amount=None, publish: bool = True) -> Answer:
    """Save staff's reasoned answer to ``proposal`` (published at once unless told otherwise)."""
    hearing = proposal.hearing
    _conducts(user, hearing)
    if hearing.state not in ANSWER_STATES:
        raise TransitionError(_("Answers are given before the hearing closes."))
    if len((reason or "").strip()) < MIN_REASON:
        raise ValidationError({"reason": _("Write a reason of at least %(n)s characters.")
                               % {"n": MIN_REASON}})
    answer = Answer.objects.filter(proposal=proposal).first() or Answer(proposal=proposal)
    answer.verdict, answer.reason, answer.line, answer.amount = verdict, reason.strip(), line, \
        amount
    answer.answered_by = user
    if publish and answer.published_at is None:
        answer.published_at = clock.now()
    with set_actor(user):
        answer.save()
    return answer


# --- reports and moderation -----------------------------------------------------------------


def _field(item: Comment | Proposal) -> str:
    return "comment" if isinstance(item, Comment) else "proposal"


def report(item: Comment | Proposal, user, reason: str = "") -> bool:
    """Record ``user``'s report of ``item``; hide it at the threshold pending a moderator.

    Only verified residents who may take part report, never the hearing's own staff
    (``PermissionDenied``). False if the user already reported it. A proposal hidden this way
    is still owed an answer.
    """
    if not allows("hearings.report", user, item.hearing):
        raise PermissionDenied
    field = _field(item)
    with set_actor(user), transaction.atomic():
        try:
            with transaction.atomic():
                Report.objects.create(**{field: item, "reporter": user, "reason": reason[:300]})
        except IntegrityError:
            return False
        type(item).objects.filter(pk=item.pk).update(report_count=models.F("report_count") + 1)
        item.refresh_from_db(fields=["report_count", "hidden", "hidden_by"])
        if item.report_count >= reports_to_hide() and not item.hidden:
            item.hidden, item.hidden_by = True, Moderated.BY_REPORTS
            item.hidden_reason = ""
            item.save(update_fields=["hidden", "hidden_by", "hidden_reason"])
    return True


def moderate(item: Comment | Proposal, moderator, action: str, reason: str) -> None:
    """Remove or restore ``item`` with a reason, logged (decision row and audit trail).

    A removed proposal no longer needs an answer; its place on the public page says that the
    moderator removed it and why.
    """
    if not moderator.has_perm("hearings.moderate"):
        raise PermissionDenied
    if action not in ("hide", "restore"):
        raise ValueError(action)
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    with set_actor(moderator), transaction.atomic():
        if action == "hide":
            item.hidden, item.hidden_by = True, Moderated.BY_MODERATOR
            item.hidden_reason = reason[:500]
        else:
            item.hidden, item.hidden_by, item.hidden_reason = False, "", ""
            item.report_count = 0
            item.reports.all().delete()
        item.save()
        ModerationDecision.objects.create(**{_field(item): item}, action=action,
                                          reason=reason[:500], moderator=moderator)


# --- merger hearings ------------------------------------------------------------------------

#: The title of a merger hearing; each language's title field gets it in that language.
MERGER_TITLE = gettext_noop("Public hearing: proposal to merge («%(title)s», version %(n)s)")


def merger_members(mapping: list[dict], code: str) -> list[str] | None:
    """Codes of the municipalities in the unit that ``code`` joins in ``mapping`` (None when it
    is not in the mapping)."""
    unit = next((r["new_unit"] for r in mapping if r["old_code"] == code), None)
    if unit is None:
        return None
    return [r["old_code"] for r in mapping if r["new_unit"] == unit]


def merger_problem(version, municipality) -> str | None:
    """Why ``municipality`` cannot hold a merger hearing on ``version`` (None: it can). Today
    every municipality is a unit of its own, so its unit changes only when it has company."""
    members = merger_members(version.mapping, municipality.code)
    if members is None:
        return _("Your municipality is not part of this scenario.")
    if len(members) < 2:
        return _("In version %(n)s your municipality's unit does not change (it merges with no "
                 "one): there is no merger to hear.") % {"n": version.number}
    return None


def start_merger_hearing(user, scenario, version=None) -> tuple[Hearing, bool]:
    """The draft hearing of ``user``'s municipality on ``version`` of ``scenario`` (its latest
    by default), created on the first call and returned on every later one (a second click makes
    no second draft): pinned to that version, every municipality of the proposed unit taking
    part. ``TransitionError`` when the municipality's unit does not change in that version."""
    muni = user.municipality
    if muni is None or not allows("hearings.create_hearing", user, muni):
        raise PermissionDenied
    version = version or scenario.current
    if version.scenario_id != scenario.pk:
        raise PermissionDenied
    problem = merger_problem(version, muni)
    if problem:
        raise TransitionError(problem)
    titles = {}
    for lang in ("ru", "ky"):
        with override(lang):
            titles[f"title_{lang}"] = _(MERGER_TITLE) % {"title": scenario.title_text,
                                                        "n": version.number}
    with set_actor(user), transaction.atomic():
        hearing, created = Hearing.objects.get_or_create(
            municipality=muni, scenario_version=version,
            defaults={"subject": Subject.MERGER, "year": clock.today().year,
                      "scenario": scenario, "created_by": user, **titles})
        if created:
            hearing.affected.set(Municipality.objects.filter(
                code__in=merger_members(version.mapping, muni.code)))
    return hearing, created


def newer_version(hearing: Hearing):
    """The scenario's latest version when it is newer than the one the hearing is pinned to."""
    if hearing.scenario_id is None or hearing.scenario_version_id is None:
        return None
    latest = hearing.scenario.current
    return latest if latest.number > hearing.scenario_version.number else None


def merger_page(hearing: Hearing) -> dict | None:
    """What a merger-proposal hearing shows: the proposed unit of its municipality in the
    version the hearing was started from, its indicators beside today's (computed by the core
    through the territory explorer), and a newer version of the scenario if there is one."""
    if hearing.scenario_id is None:
        return None
    version = hearing.scenario_version
    if version is None:  # the version was deleted: only the pinned participants are known
        return {"scenario": hearing.scenario, "version": None,
                "members": [(m.code, m.name) for m in hearing.affected.all()]}
    page = unit_comparison(hearing.scenario, hearing.municipality.code, version.mapping)
    if page is None:
        return None
    newer = newer_version(hearing)
    return {**page, "version": version, "newer": newer,
            "newer_problem": merger_problem(newer, hearing.municipality) if newer else None}


def merger_summary(hearing: Hearing) -> dict | None:
    """The scenario, its pinned version and the municipalities of the proposed unit (the
    hearing's participants), without the core's figures (for the minutes)."""
    if hearing.scenario_id is None:
        return None
    return {"scenario": hearing.scenario, "version": hearing.scenario_version,
            "members": [(m.code, m.name) for m in hearing.affected.order_by("name_ru")]}
