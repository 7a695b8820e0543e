"""Public hearings: a hearing's procedure, its budget lines, comments, proposals and answers.

The states and the steps between them are kept here, in ``Hearing.TRANSITIONS``; the guards of
each step (dates, the notice rule, answers) are in ``procedure``, and every change of state goes
through ``services`` (which checks the role and the guards, saves and writes the audit trail).

``AIMAK_REPORTS_TO_HIDE`` (default 3): reports after which a comment or a proposal is hidden
pending a moderator's decision. A proposal hidden that way still has to be answered; only a
moderator's recorded decision (with a reason shown on the public page) removes that duty.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aimak_web.places.models import Municipality

from . import clock

#: Minimum length of an answer's written reason (characters).
MIN_REASON = 30


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


class BudgetKind(models.TextChoices):
    """What the budget put to the hearing is; each kind has its own columns (``KINDS``)."""

    DRAFT = "draft", _("draft budget")
    EXECUTION = "execution", _("budget execution report")
    MEDIUM_TERM = "medium_term", _("medium-term budget (budget year and two forecast years)")


class Scale(models.IntegerChoices):
    """The unit of the budget lines, stored as som per unit."""

    SOM = 1, _("som")
    THOUSAND = 1000, _("thousand som")
    MILLION = 1_000_000, _("million som")


class LineSource(models.TextChoices):
    """Where a budget line's figures come from, shown beside it."""

    STAFF = "staff", _("entered by the municipality's staff")
    RESOLUTION = "resolution", _("council resolution")
    OFFICIAL = "official", _("official source")


#: What a column of amounts holds, titled with its year.
STAGES = {
    "executed": _("%(year)s, executed"),
    "plan": _("%(year)s, plan"),
    "draft": _("%(year)s, draft"),
    "budget": _("%(year)s, budget year"),
    "forecast": _("%(year)s, forecast"),
}


@dataclass(frozen=True)
class Column:
    """A column of amounts: the field it is stored in, its year (from the hearing's) and stage."""

    field: str
    offset: int
    stage: str

    def year(self, hearing) -> int:
        return hearing.year + self.offset

    def title(self, hearing) -> str:
        return str(STAGES[self.stage]) % {"year": self.year(hearing)}

    def key(self, hearing) -> str:
        """A language-free name (open data, headers): ``draft_2027``."""
        return f"{self.stage}_{self.year(hearing)}"


@dataclass(frozen=True)
class Kind:
    columns: tuple[Column, ...]
    main: str  # the field the chart, the totals and the per-inhabitant figure are about
    base: str | None  # the field the change is measured against
    history: tuple[str, ...] = ()  # fields holding adopted or executed figures (not plans)


KINDS = {
    BudgetKind.DRAFT: Kind((Column("amount_1", -2, "executed"), Column("amount_2", -1, "plan"),
                            Column("amount_3", 0, "draft")), main="amount_3", base="amount_2",
                            history=("amount_1", "amount_2")),
    BudgetKind.EXECUTION: Kind((Column("amount_1", 0, "plan"),
                                Column("amount_2", 0, "executed")), main="amount_2",
                               base="amount_1", history=("amount_2",)),
    BudgetKind.MEDIUM_TERM: Kind((Column("amount_1", 0, "budget"),
                                  Column("amount_2", 1, "forecast"),
                                  Column("amount_3", 2, "forecast")), main="amount_1",
                                 base=None),
}


def kind_of(hearing) -> Kind:
    return KINDS[hearing.budget_kind]


class State(models.TextChoices):
    DRAFT = "draft", _("draft")
    ANNOUNCED = "announced", _("announced")
    OPEN = "open", _("open for comments")
    MEETING_HELD = "meeting_held", _("meeting held")
    ANSWERS_PUBLISHED = "answers_published", _("answers published")
    CLOSED = "closed", _("closed (archived)")


class HearingQuerySet(models.QuerySet):
    def public(self):
        """Hearings everyone may see: announced or later, and the examples."""
        return self.exclude(state=State.DRAFT, is_example=False)


class Hearing(models.Model):
    """One public hearing of one municipality, from notice to minutes."""

    objects = HearingQuerySet.as_manager()

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
    #: the version of the scenario the hearing was started from: its page, its participants and
    #: its minutes stay those of this version whatever is edited later
    scenario_version = models.ForeignKey("territory.ScenarioVersion", on_delete=models.SET_NULL,
                                         null=True, blank=True, related_name="hearings",
                                         verbose_name=_("scenario version"))
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
    budget_kind = models.CharField(_("budget put to the hearing"), max_length=12,
                                   choices=BudgetKind.choices, default=BudgetKind.DRAFT)
    budget_scale = models.PositiveIntegerField(_("unit of the budget lines"),
                                               choices=Scale.choices, default=Scale.THOUSAND)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    announced_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    answers_published_at = models.DateTimeField(null=True, blank=True)
    meeting_recorded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        constraints = [models.UniqueConstraint(fields=["municipality", "scenario_version"],
                                               name="one_hearing_per_scenario_version")]

    def __str__(self) -> str:
        return self.title_ru

    def get_absolute_url(self) -> str:
        return reverse("hearings:detail", args=[self.pk])

    @property
    def unit_label(self) -> str:
        """The unit of the budget lines in the reader's language."""
        return str(self.get_budget_scale_display())

    def adopted_totals(self) -> dict[int, float]:
        """Year → the budget's total in som, for the years whose figures on this hearing are
        adopted or executed (not drafts or forecasts): the revenue lines, or the total lines when
        there are none, and only where every chosen line has the figure."""
        lines = list(self.lines.all())
        chosen = ([x for x in lines if x.section == "revenue"]
                  or [x for x in lines if x.section == "total"])
        out = {}
        kind = kind_of(self)
        for field, year in [(c.field, c.year(self)) for c in kind.columns
                            if c.field in kind.history]:
            values = [getattr(x, field) for x in chosen]
            if values and None not in values:
                out[year] = float(sum(values)) * self.budget_scale
        return out

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
        """Announced (or later), or an example built on published figures."""
        return self.state != State.DRAFT or self.is_example

    @property
    def in_comment_period(self) -> bool:
        today = clock.today()
        return bool(self.comments_from and self.comments_until
                    and self.comments_from <= today <= self.comments_until)

    @property
    def accepts_input(self) -> bool:
        """Comments, proposals and supports are taken while open, within the comment period."""
        return self.state in (State.OPEN, State.MEETING_HELD) and self.in_comment_period

    def allowed_transitions(self) -> list[str]:
        """Steps the state allows (their dates and rules are checked when one is taken)."""
        return [name for name, (sources, _to, _v) in self.TRANSITIONS.items()
                if self.state in sources]

    def unanswered_proposals(self):
        """Proposals still owed a published, reasoned answer: every one, hidden by reports or
        not, except those a moderator removed with a recorded reason."""
        return self.proposals.exclude(hidden_by=Moderated.BY_MODERATOR).exclude(
            answer__published_at__isnull=False)


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
    #: amounts in the hearing's unit; what each column means (stage, year) depends on the
    #: hearing's budget kind (``budget.KINDS``)
    amount_1 = models.DecimalField(_("amount, first column"), max_digits=16, decimal_places=1,
                                   null=True, blank=True)
    amount_2 = models.DecimalField(_("amount, second column"), max_digits=16,
                                   decimal_places=1, null=True, blank=True)
    amount_3 = models.DecimalField(_("amount, third column"), max_digits=16, decimal_places=1,
                                   null=True, blank=True)
    source = models.CharField(_("source"), max_length=1000)
    provenance = models.CharField(_("where the figures come from"), max_length=12,
                                  choices=LineSource.choices, default=LineSource.STAFF)
    resolution_number = models.CharField(_("council resolution No."), max_length=40,
                                         blank=True)
    resolution_date = models.DateField(_("resolution date"), null=True, blank=True)

    class Meta:
        ordering = ["hearing", "position"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_ru}".strip()


class Moderated(models.Model):
    """Something people post: it can be reported, hidden and restored."""

    BY_REPORTS, BY_MODERATOR = "reports", "moderator"
    HIDDEN_BY = [(BY_REPORTS, _("hidden after reports, pending a moderator")),
                 (BY_MODERATOR, _("removed by a moderator"))]

    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_by = models.CharField(_("hidden by"), max_length=10, choices=HIDDEN_BY, blank=True)
    hidden_reason = models.CharField(_("reason"), max_length=500, blank=True)
    report_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def removed_by_moderator(self) -> bool:
        return self.hidden and self.hidden_by == self.BY_MODERATOR


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
        return self.author.public_name if self.author else ""


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
