"""Every change of state of the contest, one function per step.

Each step checks the workflow (``Edition.TRANSITIONS``, ``Application.TRANSITIONS``), the
edition's dates on one clock (``now``; tests move it with time-machine) and who acts, then writes
the change; every model is registered with the audit trail, so each change is recorded with its
actor. Views parse input, call one of these and render.

The dates (all inclusive, in the platform's time zone):

* applications are written, submitted and withdrawn from ``applications_from`` to
  ``applications_to``;
* the jury starts on ``jury_from`` at the earliest and scores until ``jury_to``; the organisers
  close it after ``jury_to`` (earlier only when every seated member has scored every application
  they may judge) and may reopen it while ``jury_to`` has not passed;
* results are approved and published on ``results_date`` at the earliest, and never while a tie
  on a prize boundary waits for its recorded decision.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aimak_web.accounts.gateway import send_sms
from aimak_web.accounts.models import Role
from aimak_web.accounts.phones import normalize_phone
from aimak_web.accounts.rules import is_jury

from .anonymity import Anonymiser
from .facts import platform_facts
from .models import (
    Application,
    Criterion,
    Edition,
    Evidence,
    JuryInvitation,
    JuryMember,
    Score,
    TieDecision,
    TransitionError,
)
from .results import compute, pending_ties, progress
from .sanitise import SanitiseError, prepare
from .wording import long_date


def now() -> datetime:
    """The one clock of the contest's rules."""
    return timezone.now()


def today() -> date:
    return timezone.localdate(now())


class Refused(PermissionDenied):
    """An action this person may not take now; the message (in the reader's language) is shown
    with status 403 and nothing is stored."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- windows --------------------------------------------------------------------------------

def application_window_open(edition: Edition, day: date | None = None) -> bool:
    day = day or today()
    return (edition.state == Edition.State.APPLICATIONS
            and edition.applications_from <= day <= edition.applications_to)


def jury_window_open(edition: Edition, day: date | None = None) -> bool:
    day = day or today()
    return edition.state == Edition.State.JURY and edition.jury_from <= day <= edition.jury_to


def jury_phase(edition: Edition, day: date | None = None) -> str:
    """Where the jury stands for its members: "before" (scoring not open yet: the edition
    still takes applications, or the jury period has not begun), "open", or "closed"."""
    day = day or today()
    if jury_window_open(edition, day):
        return "open"
    if edition.state in (Edition.State.SETUP, Edition.State.APPLICATIONS) or (
            edition.state == Edition.State.JURY and day < edition.jury_from):
        return "before"
    return "closed"


def _application_window(edition: Edition) -> None:
    day = today()
    if edition.state != Edition.State.APPLICATIONS:
        raise TransitionError(_("The edition does not take applications now."))
    if day < edition.applications_from:
        raise TransitionError(_("Applications open on %(d)s.")
                              % {"d": long_date(edition.applications_from, case="locative")})
    if day > edition.applications_to:
        raise TransitionError(_("Applications closed on %(d)s.")
                              % {"d": long_date(edition.applications_to, case="locative")})


# --- the organisers -------------------------------------------------------------------------

def open_applications(edition: Edition, by) -> None:
    """Publish the edition; applications are taken from ``applications_from``."""
    if not edition.criteria.exists():
        raise TransitionError(_("Add at least one criterion first."))
    if not edition.prize_bands:
        raise TransitionError(_("Set the prize bands first."))
    if today() > edition.applications_to:
        raise TransitionError(_("The application window of this edition is over (%(d)s).")
                              % {"d": long_date(edition.applications_to)})
    edition.move(Edition.State.APPLICATIONS)


def start_jury(edition: Edition, by) -> None:
    """Close the applications and open the jury period, on ``jury_from`` at the earliest."""
    day = today()
    if day < edition.jury_from:
        raise TransitionError(_("The jury period starts on %(d)s; applications run until "
                                "%(a)s.") % {"d": long_date(edition.jury_from, case="locative"),
                                             "a": long_date(edition.applications_to,
                                                            case="dative")})
    if day > edition.jury_to:
        raise TransitionError(_("The jury period ended on %(d)s.")
                              % {"d": long_date(edition.jury_to, case="locative")})
    if not edition.jurors.exists():
        raise TransitionError(_("Add jury members first."))
    edition.move(Edition.State.JURY)


def all_sheets_complete(edition: Edition) -> bool:
    """Every seated member scored every criterion of every application they may judge."""
    return all(p["done"] == p["total"] for p in progress(edition))


def close_jury(edition: Edition, by) -> None:
    if edition.state == Edition.State.JURY and today() <= edition.jury_to \
            and not all_sheets_complete(edition):
        raise TransitionError(_("The jury scores until %(d)s; it can close earlier only when "
                                "every member has scored every application.")
                              % {"d": long_date(edition.jury_to, case="dative")})
    edition.move(Edition.State.REVIEW)


def reopen_jury(edition: Edition, by) -> None:
    if today() > edition.jury_to:
        raise TransitionError(_("The jury period ended on %(d)s: it cannot be reopened.")
                              % {"d": long_date(edition.jury_to, case="locative")})
    edition.move(Edition.State.JURY)


def approve(edition: Edition, by) -> None:
    """Freeze the computed results (names revealed, tie decisions with them) and publish."""
    if edition.state != Edition.State.REVIEW:
        raise TransitionError(_("This step is not allowed now."))
    if today() < edition.results_date:
        raise TransitionError(_("Results are published on %(d)s at the earliest.")
                              % {"d": long_date(edition.results_date, case="locative")})
    if pending_ties(edition):
        raise TransitionError(_("A tie on a prize boundary is not decided yet: record the "
                                "decision and its reason first."))
    with transaction.atomic():
        edition.approved_results = [r.as_json() for r in compute(edition)]
        edition.approved_at = now()
        edition.approved_by = by
        edition.move(Edition.State.PUBLISHED)


def decide_tie(edition: Edition, by, codes: list[str], rule: str, order: list[str],
               reason_ru: str, reason_ky: str = "") -> TieDecision:
    """Record how a prize tie is decided; ``order`` (the tied codes, first place first) for a
    jury vote or a rule of the regulations, nothing for a shared prize."""
    if edition.state != Edition.State.REVIEW:
        raise TransitionError(_("Ties are decided while the results are under review."))
    tie = next((t for t in pending_ties(edition) if sorted(t.entries) == sorted(codes)), None)
    if tie is None:
        raise TransitionError(_("There is no undecided tie between these applications."))
    if rule not in TieDecision.Rule.values:
        raise ValidationError({"rule": _("Choose how the tie is decided.")})
    if not reason_ru.strip() or not reason_ky.strip():
        raise ValidationError({"reason_ru": _("Give the reason in Russian and in Kyrgyz, as "
                                              "the public will read it.")})
    if rule == TieDecision.Rule.SHARED:
        order = []
    elif sorted(order) != sorted(tie.entries):
        raise ValidationError({"order": _("Give the tied codes in the decided order: %(c)s.")
                               % {"c": ", ".join(tie.entries)}})
    return TieDecision.objects.create(
        edition=edition, category=tie.category, codes=sorted(tie.entries), order=list(order),
        rule=rule, reason_ru=reason_ru.strip(), reason_ky=reason_ky.strip(), decided_by=by,
        decided_at=now())


def add_juror(edition: Edition, user, by) -> JuryMember:
    if edition.state in (Edition.State.REVIEW, Edition.State.PUBLISHED):
        raise Refused(_("The jury period is over: no member can be added."))
    return JuryMember.objects.get_or_create(edition=edition, user=user)[0]


INVITATION_DAYS = 30


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_juror(edition: Edition, by, contact: str, language: str, link) -> JuryInvitation:
    """Invite ``contact`` (an e-mail address or a phone number) to the jury; ``link(token)``
    builds the page address sent in the message (in ``language``)."""
    if edition.state in (Edition.State.REVIEW, Edition.State.PUBLISHED):
        raise TransitionError(_("The jury period is over: no member can be added."))
    contact = contact.strip()
    phone = "" if "@" in contact else normalize_phone(contact)
    if "@" not in contact and not phone:
        raise ValidationError({"contact": _("Give an e-mail address or a phone number such "
                                            "as +996 555 123 456.")})
    token = secrets.token_urlsafe(24)
    invitation = JuryInvitation.objects.create(
        edition=edition, email=contact if "@" in contact else "", phone=phone or "",
        language=language, digest=_digest(token), invited_by=by, created_at=now(),
        expires_at=now() + timedelta(days=INVITATION_DAYS))
    with translation.override(language):
        title = (edition.title_ky if language == "ky" else "") or edition.title_ru
        text = _("You are invited to the jury of the contest “%(title)s” (%(year)s). Accept "
                 "the invitation: %(link)s (valid until %(until)s).") % {
            "title": title, "year": edition.year, "link": link(token),
            "until": long_date(invitation.expires_at, case="dative")}
        if invitation.email:
            send_mail(_("Invitation to the contest's jury"), text, None, [invitation.email])
        else:
            send_sms(invitation.phone, text)
    return invitation


def invitation_for(token: str) -> JuryInvitation:
    """The invitation of a link's token; ``Refused`` when unknown, used or expired."""
    invitation = (JuryInvitation.objects.select_related("edition")
                  .filter(digest=_digest(token or "")).first())
    if invitation is None or invitation.accepted_at or invitation.expires_at < now():
        raise Refused(_("This invitation is not valid: it was used, it has expired, or the "
                        "link is incomplete. Ask the organisers for a new one."))
    return invitation


def accept_invitation(token: str, user) -> JuryMember:
    """The invited person, signed in with the invited e-mail or phone, takes the seat (a
    citizen becomes a jury member; their own municipality stays a conflict of interest)."""
    invitation = invitation_for(token)
    mine = {user.email or "", user.phone or ""} - {""}
    if not mine & {invitation.email, invitation.phone}:
        raise Refused(_("This invitation was sent to another address: sign in with the "
                        "account of that e-mail or phone number."))
    if user.role not in (Role.CITIZEN, Role.JURY) or user.is_superuser:
        raise Refused(_("Your role (%(role)s) cannot be combined with the jury: ask the "
                        "organisers.") % {"role": user.get_role_display()})
    edition = invitation.edition
    if edition.state in (Edition.State.REVIEW, Edition.State.PUBLISHED):
        raise Refused(_("The jury period is over."))
    with transaction.atomic():
        if user.role != Role.JURY:
            user.role = Role.JURY
            user.save(update_fields=["role"])
        seat = JuryMember.objects.get_or_create(edition=edition, user=user)[0]
        invitation.accepted_by, invitation.accepted_at = user, now()
        invitation.save(update_fields=["accepted_by", "accepted_at"])
    return seat


# --- the applicants -------------------------------------------------------------------------

def save_application(edition: Edition, application: Application, municipality, by) -> None:
    """Save a draft (new or changed) during the application window."""
    _application_window(edition)
    if application.locked:
        raise TransitionError(_("A submitted application cannot be changed."))
    if not edition.is_eligible(municipality):
        raise TransitionError(_("Municipalities of this kind cannot take part."))
    if application.pk is None:
        application.edition, application.municipality, application.created_by = (
            edition, municipality, by)
    application.save()


def add_evidence(application: Application, upload, description: str, by) -> Evidence:
    """Keep an uploaded file (the original, for the organisers) and its juror copy."""
    _application_window(application.edition)
    if application.locked:
        raise TransitionError(_("A submitted application cannot be changed."))
    return Evidence.objects.create(application=application, file=upload,
                                   original_name=upload.name, description=description)


def submit(application: Application, by=None) -> None:
    """Lock the application, give it its code and capture the platform's hearing facts."""
    edition = application.edition
    _application_window(edition)
    with transaction.atomic():
        application.move(Application.State.SUBMITTED)
        if application.number is None:
            # the edition's row is the lock that numbers its applications one at a time
            Edition.objects.select_for_update().filter(pk=edition.pk).first()
            last = (Application.objects.filter(edition=edition, number__isnull=False)
                    .aggregate(m=models.Max("number"))["m"]) or 0
            application.number = last + 1
            application.code = f"A-{edition.year}-{application.number:03d}"
        application.submitted_at = now()
        application.auto_facts = platform_facts(application.municipality,
                                                edition.hearings_from, edition.hearings_to)
        application.category = edition.category_of(application.municipality)
        application.save()
        anonymiser = Anonymiser.for_application(application)
        for evidence in application.evidence.all():  # the jury's copies, from the final texts
            if evidence.juror_file:
                evidence.juror_file.delete(save=False)
            try:
                prepare(evidence, anonymiser)
            except SanitiseError as e:  # the library's words stay in the log, not the page
                raise TransitionError(
                    _("The file “%(name)s” cannot be prepared for the jury (it may be "
                      "damaged): save it again as PDF and upload it anew.")
                    % {"name": evidence.original_name}) from e


def withdraw(application: Application, by=None) -> None:
    edition = application.edition
    if edition.state != Edition.State.APPLICATIONS or today() > edition.applications_to:
        raise TransitionError(_("The deadline has passed: the application cannot be "
                                "withdrawn."))
    application.move(Application.State.WITHDRAWN)
    application.save()


def reopen(application: Application, by=None) -> None:
    """A withdrawn application becomes a draft again (it keeps its code)."""
    _application_window(application.edition)
    application.move(Application.State.DRAFT)
    application.save()


# --- the jury -------------------------------------------------------------------------------

def seat_of(edition: Edition, user) -> JuryMember:
    """The user's seat in the edition's jury; ``Refused`` when they have none."""
    seat = (JuryMember.objects.filter(edition=edition, user=user).first()
            if is_jury(user) else None)
    if seat is None:
        raise Refused(_("You are not a member of this edition's jury."))
    return seat


def may_judge(seat: JuryMember, application: Application) -> None:
    """``Refused`` unless ``seat`` may read and score ``application``."""
    if application.edition_id != seat.edition_id \
            or application.state != Application.State.SUBMITTED:
        raise Refused(_("This application is not before your jury."))
    if seat.is_recused(application):
        raise Refused(_("You declared a conflict of interest with this application: you do "
                        "not judge it."))


def record_scores(seat: JuryMember, application: Application,
                  values: dict[Criterion, tuple[int, str]]) -> None:
    """Save or revise a member's score sheet for one application, all criteria at once; only
    in the jury window, on a seat, without a conflict. Nothing is stored when refused."""
    edition = seat.edition
    day = today()
    if edition.state != Edition.State.JURY:
        raise Refused(_("The jury period is closed: scores can no longer be changed."))
    if day < edition.jury_from:
        raise Refused(_("Scoring opens on %(d)s.")
                      % {"d": long_date(edition.jury_from, case="locative")})
    if day > edition.jury_to:
        raise Refused(_("Scoring closed on %(d)s.")
                      % {"d": long_date(edition.jury_to, case="locative")})
    may_judge(seat, application)
    with transaction.atomic():
        for criterion, (value, comment) in values.items():
            if criterion.edition_id != edition.pk or not 0 <= value <= 5:
                raise Refused(_("This score sheet does not fit the edition's criteria."))
            obj, created = Score.objects.get_or_create(
                juror=seat, application=application, criterion=criterion,
                defaults={"value": value, "comment": comment})
            if not created and (obj.value, obj.comment) != (value, comment):
                obj.value, obj.comment = value, comment
                obj.save()


def declare_conflicts(seat: JuryMember, municipality=None, rayon=None,
                      applications: list[Application] = ()) -> int:
    """Record a member's conflicts; scores they gave to the applications now removed from them
    are deleted (and the deletion audited). Returns how many scores were deleted."""
    if seat.edition.state in (Edition.State.REVIEW, Edition.State.PUBLISHED):
        raise Refused(_("The jury period is over."))
    with transaction.atomic():
        if municipality is not None:
            seat.conflict_municipalities.add(municipality)
        if rayon is not None:
            seat.conflict_rayons.add(rayon)
        if applications:
            seat.conflict_applications.add(*applications)
        seat.conflicts_declared_at = now()
        seat.save(update_fields=["conflicts_declared_at"])
        deleted = 0
        for score in Score.objects.filter(juror=seat, application_id__in=seat.recused_ids()):
            score.delete()  # one by one, so that each deletion is in the audit trail
            deleted += 1
    return deleted
