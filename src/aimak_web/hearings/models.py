"""Public hearings: a hearing's procedure, its budget lines, comments, proposals and answers.

The procedure of a hearing (states and allowed transitions) is kept in one place,
``Hearing.TRANSITIONS``; every transition is a method that checks the role rule and the
procedure's own conditions, and saves the hearing inside ``auditlog``'s actor context so the
audit trail records who moved it.

Settings (Django settings, read when used):

- ``AIMAK_HEARING_NOTICE_DAYS`` (default 10): days between the notice date and the meeting,
  checked when a hearing is announced. A setting of aimak; its legal basis is not verified.
- ``AIMAK_REPORTS_TO_HIDE`` (default 3): reports after which a comment or a proposal is hidden
  pending a moderator's decision.

A hearing closes only when every visible proposal has a published answer with a reason of at
least ``MIN_REASON`` characters; proposals hidden by moderation need none.
"""

from __future__ import annotations

from auditlog.context import set_actor
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aimak_web.places.models import Municipality

#: Minimum length of an answer's written reason (characters).
MIN_REASON = 30


def notice_days() -> int:
    """Days between the notice and the meeting (a setting; its legal basis is not verified)."""
    return int(getattr(settings, "AIMAK_HEARING_NOTICE_DAYS", 10))


def reports_to_hide() -> int:
    """Reports after which an item is hidden pending moderation (a setting)."""
    return int(getattr(settings, "AIMAK_REPORTS_TO_HIDE", 3))


class TransitionError(Exception):
    """A transition that the procedure does not allow now; the message is for the user."""


class Subject(models.TextChoices):
    DRAFT_BUDGET = "draft_budget", _("draft budget")
    EXECUTION_REPORT = "execution_report", _("budget execution report")
    MERGER = "merger", _("merger proposal")
    OTHER = "other", _("other local question")


class State(models.TextChoices):
    DRAFT = "draft", _("draft")
    ANNOUNCED = "announced", _("announced")
    OPEN = "open", _("open for comments")
    MEETING_HELD = "meeting_held", _("meeting held")
    ANSWERS_PUBLISHED = "answers_published", _("answers published")
    CLOSED = "closed", _("closed (archived)")


class Hearing(models.Model):
    """One public hearing of one municipality, from notice to minutes."""

    #: name → (states it may start from, state it leads to, verb shown on the button)
    TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
        "announce": ((State.DRAFT,), State.ANNOUNCED, _("Announce")),
        "open": ((State.ANNOUNCED,), State.OPEN, _("Open for comments")),
        "hold_meeting": ((State.OPEN,), State.MEETING_HELD, _("Meeting held")),
        "publish_answers": ((State.MEETING_HELD,), State.ANSWERS_PUBLISHED,
                            _("Publish answers")),
        "close": ((State.MEETING_HELD, State.ANSWERS_PUBLISHED), State.CLOSED,
                  _("Close and archive")),
    }

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="hearings", verbose_name=_("municipality"))
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices)
    year = models.PositiveIntegerField(_("year"))
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_ky = models.CharField(_("title (Kyrgyz)"), max_length=300, blank=True)
    notice_ru = models.TextField(_("notice text (Russian)"), blank=True)
    notice_ky = models.TextField(_("notice text (Kyrgyz)"), blank=True)
    notice_date = models.DateField(_("notice date"), null=True, blank=True)
    comments_from = models.DateField(_("comment period start"), null=True, blank=True)
    comments_until = models.DateField(_("comment period end"), null=True, blank=True)
    meeting_at = models.DateTimeField(_("meeting date and time"), null=True, blank=True)
    meeting_place = models.CharField(_("meeting place"), max_length=300, blank=True)
    online_link = models.URLField(_("online session link"), blank=True)
    open_to_all = models.BooleanField(
        _("any signed-in user may take part"), default=False,
        help_text=_("otherwise only verified residents of the municipality"))
    is_example = models.BooleanField(
        _("example"), default=False,
        help_text=_("an illustration built on published figures, not a hearing the "
                    "municipality announced"))
    #: A merger-proposal hearing: the scenario of the territory explorer it is about, and every
    #: municipality of the proposed unit (their verified residents may take part).
    scenario = models.ForeignKey("territory.Scenario", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="hearings",
                                 verbose_name=_("merger scenario"))
    affected = models.ManyToManyField(Municipality, blank=True, related_name="merger_hearings",
                                      verbose_name=_("municipalities concerned"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices,
                             default=State.DRAFT)
    chair = models.CharField(_("chair"), max_length=200, blank=True)
    secretary = models.CharField(_("secretary"), max_length=200, blank=True)
    attendance_women = models.PositiveIntegerField(_("women present"), null=True, blank=True)
    attendance_men = models.PositiveIntegerField(_("men present"), null=True, blank=True)
    attendance_under_30 = models.PositiveIntegerField(_("aged under 30"), null=True, blank=True)
    attendance_30_59 = models.PositiveIntegerField(_("aged 30–59"), null=True, blank=True)
    attendance_60_plus = models.PositiveIntegerField(_("aged 60 and over"), null=True,
                                                     blank=True)
    signin_sheet = models.FileField(_("sign-in sheet"), upload_to="hearings/signin/",
                                    blank=True)
    decisions_ru = models.TextField(_("decisions (Russian)"), blank=True)
    decisions_ky = models.TextField(_("decisions (Kyrgyz)"), blank=True)
    budget_unit = models.CharField(_("unit of the budget lines"), max_length=40,
                                   default="thousand KGS")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    announced_at = models.DateTimeField(null=True, blank=True)
    meeting_recorded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")

    def __str__(self) -> str:
        return self.title_ru

    def get_absolute_url(self) -> str:
        return reverse("hearings:detail", args=[self.pk])

    @property
    def unit_label(self) -> str:
        """The unit of the budget lines in the reader's language."""
        known = {"thousand KGS": _("thousand som"), "KGS": _("som")}
        return str(known.get(self.budget_unit, self.budget_unit))

    # --- the procedure -------------------------------------------------------------------

    @property
    def attendance_total(self) -> int | None:
        if self.attendance_women is None and self.attendance_men is None:
            return None
        return (self.attendance_women or 0) + (self.attendance_men or 0)

    @property
    def notice_lead_days(self) -> int | None:
        """Whole days from the notice date to the meeting date."""
        if self.notice_date is None or self.meeting_at is None:
            return None
        return (timezone.localtime(self.meeting_at).date() - self.notice_date).days

    @property
    def is_public(self) -> bool:
        return self.state != State.DRAFT

    @property
    def accepts_input(self) -> bool:
        """Comments, proposals and supports are taken while the hearing is open."""
        return self.state == State.OPEN

    def allowed_transitions(self) -> list[str]:
        return [name for name, (sources, _to, _v) in self.TRANSITIONS.items()
                if self.state in sources]

    def unanswered_proposals(self):
        """Visible proposals without a published, reasoned answer."""
        return self.proposals.filter(hidden=False).exclude(
            answer__published_at__isnull=False)

    def _check(self, name: str) -> None:
        """Raise TransitionError when the procedure forbids ``name`` now."""
        if name == "announce":
            missing = [str(f.verbose_name) for f in (
                self._meta.get_field("notice_date"), self._meta.get_field("meeting_at"),
                self._meta.get_field("meeting_place")) if not getattr(self, f.name)]
            if missing:
                raise TransitionError(_("Fill in before announcing: %(fields)s.")
                                      % {"fields": ", ".join(missing)})
            if self.notice_lead_days < notice_days():
                raise TransitionError(
                    _("The notice must come at least %(days)s days before the meeting "
                      "(setting AIMAK_HEARING_NOTICE_DAYS); it comes %(lead)s days before.")
                    % {"days": notice_days(), "lead": self.notice_lead_days})
        if name == "hold_meeting" and self.attendance_total is None:
            raise TransitionError(_("Record the attendance by gender first."))
        if name in ("publish_answers", "close"):
            n = self.unanswered_proposals().count()
            if n:
                raise TransitionError(
                    _("%(n)s proposal(s) still lack a published, reasoned answer.") % {"n": n})

    def transition(self, name: str, user) -> None:
        """Move the hearing by ``name`` as ``user``; checks the rule, records the audit trail."""
        if name not in self.TRANSITIONS:
            raise TransitionError(_("Unknown step."))
        if not user.has_perm("hearings.manage_hearing", self):
            raise PermissionDenied
        sources, target, _verb = self.TRANSITIONS[name]
        if self.state not in sources:
            raise TransitionError(_("This step is not possible in the state «%(state)s».")
                                  % {"state": self.get_state_display()})
        self._check(name)
        now = timezone.now()
        self.state = target
        if name == "announce":
            self.announced_at = now
        elif name == "hold_meeting":
            self.meeting_recorded_at = now
        elif name == "close":
            self.closed_at = now
        with set_actor(user), transaction.atomic():
            self.save()

    def announce(self, user) -> None:
        self.transition("announce", user)

    def open_comments(self, user) -> None:
        self.transition("open", user)

    def hold_meeting(self, user) -> None:
        self.transition("hold_meeting", user)

    def publish_answers(self, user) -> None:
        self.transition("publish_answers", user)

    def close(self, user) -> None:
        self.transition("close", user)


class Document(models.Model):
    """A document attached to a hearing (draft budget, report, plan, photo), public with it."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="hearings/documents/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.title


class BudgetLine(models.Model):
    """One line of a budget put to the hearing (amounts in the hearing's unit)."""

    SECTIONS = [("revenue", _("revenue")), ("expenditure", _("expenditure")),
                ("total", _("total budget (not broken down)"))]

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    section = models.CharField(_("section"), max_length=12, choices=SECTIONS)
    code = models.CharField(_("code"), max_length=40, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=300, blank=True)
    previous_actual = models.DecimalField(_("previous year, actual"), max_digits=16,
                                          decimal_places=1, null=True, blank=True)
    current_plan = models.DecimalField(_("current year, plan"), max_digits=16,
                                       decimal_places=1, null=True, blank=True)
    next_draft = models.DecimalField(_("next year, draft"), max_digits=16, decimal_places=1,
                                     null=True, blank=True)
    source = models.CharField(_("source"), max_length=1000)

    class Meta:
        ordering = ["hearing", "position"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_ru}".strip()

    @property
    def change(self):
        if self.next_draft is None or self.current_plan is None:
            return None
        return self.next_draft - self.current_plan


class Moderated(models.Model):
    """Something people post: it can be reported, hidden and restored."""

    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason"), max_length=500, blank=True)
    report_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Comment(Moderated):
    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="comments")
    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="comments", verbose_name=_("budget line"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="hearing_comments")
    text = models.TextField(_("comment"), max_length=4000)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["hearing", "created_at"])]


class Proposal(Moderated):
    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="proposals")
    line = models.ForeignKey(BudgetLine, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="proposals", verbose_name=_("budget line"))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=1, null=True,
                                 blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                               blank=True, related_name="hearing_proposals")
    on_paper = models.BooleanField(_("made on paper"), default=False)
    paper_author = models.CharField(_("name of the person (paper)"), max_length=200,
                                    blank=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("proposal"), max_length=6000)
    supporters = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                        related_name="supported_proposals")

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def author_label(self) -> str:
        if self.on_paper:
            return self.paper_author or str(_("on paper"))
        return str(self.author) if self.author else ""


class Verdict(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    PARTLY = "partly", _("partly accepted")
    REJECTED = "rejected", _("rejected")
    OUTSIDE = "outside", _("outside the municipality's competence")


class Answer(models.Model):
    """The municipality's reasoned answer to one proposal."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="answer")
    verdict = models.CharField(_("decision"), max_length=12, choices=Verdict.choices)
    reason = models.TextField(_("reason"))
    line = models.ForeignKey(BudgetLine, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("budget line changed"))
    amount = models.DecimalField(_("amount changed"), max_digits=16, decimal_places=1,
                                 null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    @property
    def days_to_answer(self) -> int:
        return (self.answered_at - self.proposal.created_at).days

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if len((self.reason or "").strip()) < MIN_REASON:
            raise ValidationError({"reason": _("Write a reason of at least %(n)s characters.")
                                   % {"n": MIN_REASON}})


class Report(models.Model):
    """A user's report of a comment or a proposal (once per user and item)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="reports")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="+")
    reason = models.CharField(_("what is wrong"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_comment_once"),
            models.UniqueConstraint(fields=["proposal", "reporter"],
                                    name="report_proposal_once"),
        ]


class ModerationDecision(models.Model):
    """A moderator hid or restored an item, with the reason (an append-only log)."""

    ACTIONS = [("hide", _("hidden")), ("restore", _("restored"))]

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="decisions")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="decisions")
    action = models.CharField(max_length=10, choices=ACTIONS)
    reason = models.CharField(_("reason"), max_length=500)
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)


def report(item: Comment | Proposal, user, reason: str = "") -> bool:
    """Record ``user``'s report of ``item``; hide it at the threshold. False if already reported."""
    field = "comment" if isinstance(item, Comment) else "proposal"
    with transaction.atomic():
        _obj, created = Report.objects.get_or_create(**{field: item, "reporter": user},
                                                     defaults={"reason": reason[:300]})
        if not created:
            return False
        type(item).objects.filter(pk=item.pk).update(report_count=models.F("report_count") + 1)
        item.refresh_from_db(fields=["report_count", "hidden"])
        if item.report_count >= reports_to_hide() and not item.hidden:
            item.hidden = True
            item.hidden_reason = "reports"
            with set_actor(user):
                item.save(update_fields=["hidden", "hidden_reason"])
    return True


def moderate(item: Comment | Proposal, moderator, action: str, reason: str) -> None:
    """Hide or restore ``item`` with a reason, logged (decision row and audit trail)."""
    if not moderator.has_perm("hearings.moderate"):
        raise PermissionDenied
    if action not in ("hide", "restore"):
        raise ValueError(action)
    field = "comment" if isinstance(item, Comment) else "proposal"
    with set_actor(moderator), transaction.atomic():
        item.hidden = action == "hide"
        item.hidden_reason = reason[:500] if action == "hide" else ""
        if action == "restore":
            item.report_count = 0
            item.reports.all().delete()
        item.save()
        ModerationDecision.objects.create(**{field: item}, action=action, reason=reason,
                                          moderator=moderator)


def answer_proposal(proposal: Proposal, user, verdict: str, reason: str, line=None,
                    amount=None, publish: bool = True) -> Answer:
    """Save staff's reasoned answer to ``proposal`` (published at once unless told otherwise)."""
    if not user.has_perm("hearings.manage_hearing", proposal.hearing):
        raise PermissionDenied
    answer = getattr(proposal, "answer", None) if hasattr(proposal, "answer") else None
    answer = answer or Answer(proposal=proposal)
    answer.verdict, answer.reason, answer.line, answer.amount = verdict, reason, line, amount
    answer.answered_by = user
    answer.full_clean(exclude=["proposal", "answered_by"])
    if publish and answer.published_at is None:
        answer.published_at = timezone.now()
    with set_actor(user):
        answer.save()
    return answer

