"""The moderation workflow shared by the practices and the journal's content types.

A moderated model derives from :class:`ModeratedItem` (the workflow's fields and the title),
adds a ``submitter`` field and names its two permissions (``PERM_EDIT``, ``PERM_MODERATE``;
django-rules predicates, with the two-person rule in the moderation one). Every step checks the
rule and the state, is saved with the acting user in the audit trail, and sends the
``moderated`` signal, on which the submitter is notified.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .rules import can

#: sent after a step: ``sender`` the model, ``item`` the object, ``step`` the step's name
moderated = Signal()
#: the moderator's steps the submitter is told of (e-mail and their desk)
NOTIFIED = ("request_changes", "publish", "reject")


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    UNDER_REVIEW = "under_review", _("under review")
    CHANGES_REQUESTED = "changes_requested", _("changes requested")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("rejected")


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    #: "edit" (the submitter's step) or "moderate"
    who: str
    #: the field that must be filled (the moderator's comment, the rejection reason)
    needs: str = ""


TRANSITIONS = {t.name: t for t in (
    Transition("submit", (Status.DRAFT, Status.CHANGES_REQUESTED), Status.SUBMITTED, "edit"),
    Transition("start_review", (Status.SUBMITTED,), Status.UNDER_REVIEW, "moderate"),
    Transition("request_changes", (Status.SUBMITTED, Status.UNDER_REVIEW),
               Status.CHANGES_REQUESTED, "moderate", "moderator_comment"),
    Transition("publish", (Status.SUBMITTED, Status.UNDER_REVIEW), Status.PUBLISHED, "moderate"),
    Transition("reject", (Status.SUBMITTED, Status.UNDER_REVIEW), Status.REJECTED, "moderate",
               "rejection_reason"),
)}
EDITABLE = (Status.DRAFT, Status.CHANGES_REQUESTED)


class Moderated:
    """Mixin of a moderated model (see the module's docstring)."""

    TRANSITIONS = TRANSITIONS
    EDITABLE = EDITABLE
    PERM_EDIT = ""
    PERM_MODERATE = ""
    #: fields (without ``_ru``/``_ky``) one language of which must be filled to submit
    REQUIRED_TEXTS: tuple[str, ...] = ("title",)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def _perm(self, t: Transition) -> str:
        return self.PERM_EDIT if t.who == "edit" else self.PERM_MODERATE

    def missing_for_submission(self) -> list[str]:
        """Names of what must be filled before the item is submitted."""
        missing = []
        for f in self.REQUIRED_TEXTS:
            if not (getattr(self, f"{f}_ru").strip() or getattr(self, f"{f}_ky").strip()):
                missing.append(str(self._meta.get_field(f"{f}_ru").verbose_name))
        return missing

    def check_step(self, name: str) -> None:
        """A model's own condition of a step (raise ``ValidationError``); none by default."""

    def prepare_step(self, name: str) -> None:
        """A model's own change made with a step, saved with it once the step is allowed (the
        journal redacts an anonymous question when it is published); none by default."""

    def allowed_transitions(self, user) -> list[str]:
        return [t.name for t in self.TRANSITIONS.values()
                if self.status in t.sources and can(user, self._perm(t), self)]

    def _apply(self, name: str, user, text: str = "") -> None:
        from auditlog.context import set_actor

        t = self.TRANSITIONS[name]
        if not can(user, self._perm(t), self):
            raise PermissionDenied
        if self.status not in t.sources:
            raise ValidationError(_("This step is not possible from the state “%(state)s”.")
                                  % {"state": self.get_status_display()})
        self.check_step(name)
        if t.needs:
            if not (text or "").strip():
                raise ValidationError({t.needs: _("Please write a comment.")})
            setattr(self, t.needs, text.strip())
        if name == "submit":
            missing = self.missing_for_submission()
            if missing:
                raise ValidationError(_("Fill in before submitting: %(fields)s.")
                                      % {"fields": ", ".join(missing)})
            self.submitted_at = timezone.now()
        if name == "publish":
            self.published_at = timezone.now()
        self.prepare_step(name)
        self.status = t.target
        with set_actor(user):
            self.save()
        moderated.send(sender=type(self), item=self, step=name)

    def submit(self, user) -> None:
        self._apply("submit", user)

    def start_review(self, user) -> None:
        self._apply("start_review", user)

    def request_changes(self, user, comment: str) -> None:
        self._apply("request_changes", user, comment)

    def publish(self, user) -> None:
        self._apply("publish", user)

    def reject(self, user, reason: str) -> None:
        self._apply("reject", user, reason)


class ModeratedItem(Moderated, models.Model):
    """The fields of a moderated item, defined once for the practices and the journal's
    content types: its title in both languages and the workflow's state and dates (set by
    the steps only, hence not editable)."""

    title_ru = models.CharField(_("title (Russian)"), max_length=250, blank=True)
    title_ky = models.CharField(_("title (Kyrgyz)"), max_length=250, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT, editable=False)
    moderator_comment = models.TextField(_("moderator's comment"), blank=True, editable=False)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        abstract = True
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title_ru or self.title_ky or f"#{self.pk}"
