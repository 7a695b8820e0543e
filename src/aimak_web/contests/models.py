"""The contest "Real citizen participation in forming local budgets" (issue 13).

An ``Edition`` moves through its states only by its transition methods (``TRANSITIONS`` is the
one table of allowed moves); applications likewise (``Application.TRANSITIONS``). Every model is
registered with the audit trail, so every transition and every score revision is recorded with
its actor. Scores are computed by the one engine in ``scoring.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from aimak_web.places.models import Municipality, Rayon

#: The documented example (issue 13): in 2021 each municipality could win 55,000 to 300,000 som;
#: hearings ran June–August, applications 15 August–17 September, 45 applications came in.
#: Only the range is documented, not the places: an edition's bands are its own settings.
DOCUMENTED_2021 = {"prize_min": 55_000, "prize_max": 300_000, "applications": 45,
                   "hearings": ("2021-06-01", "2021-08-31"),
                   "application_window": ("2021-08-15", "2021-09-17")}


class TransitionError(ValidationError):
    """A move the workflow does not allow from the current state."""


class Edition(models.Model):
    class State(models.TextChoices):
        SETUP = "setup", _("being set up")
        APPLICATIONS = "applications", _("open for applications")
        JURY = "jury", _("jury scoring")
        REVIEW = "review", _("jury closed, results under review")
        PUBLISHED = "published", _("results published")

    #: The one table of allowed moves: state -> states reachable from it.
    TRANSITIONS = {
        State.SETUP: {State.APPLICATIONS},
        State.APPLICATIONS: {State.JURY},
        State.JURY: {State.REVIEW},
        State.REVIEW: {State.PUBLISHED, State.JURY},
        State.PUBLISHED: set(),
    }

    year = models.PositiveIntegerField(_("year"), unique=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_ky = models.CharField(_("title (Kyrgyz)"), max_length=300, blank=True)
    rules_ru = models.TextField(_("rules (Russian)"))
    rules_ky = models.TextField(_("rules (Kyrgyz)"), blank=True)
    form_text_ru = models.TextField(_("application form text (Russian)"), blank=True)
    form_text_ky = models.TextField(_("application form text (Kyrgyz)"), blank=True)
    eligible_kinds = models.JSONField(_("eligible kinds of municipality"), default=list)
    hearings_from = models.DateField(_("hearings from"))
    hearings_to = models.DateField(_("hearings to"))
    applications_from = models.DateField(_("applications from"))
    applications_to = models.DateField(_("applications until (inclusive)"))
    jury_from = models.DateField(_("jury from"))
    jury_to = models.DateField(_("jury until"))
    results_date = models.DateField(_("results date"))
    #: category -> prize amounts in som by place; the category "" means "all municipalities".
    prize_bands = models.JSONField(_("prize bands"), default=dict)
    #: population at or above which a municipality is in the "large" category (None: one group)
    category_threshold = models.PositiveIntegerField(_("large from population"), null=True,
                                                     blank=True)
    is_example = models.BooleanField(_("dates and texts are an example"), default=False)
    state = models.CharField(_("state"), max_length=16, choices=State.choices,
                             default=State.SETUP)
    approved_results = models.JSONField(default=list, blank=True, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+", editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-year"]
        verbose_name = _("contest edition")
        verbose_name_plural = _("contest editions")

    def __str__(self) -> str:
        return f"{self.year}: {self.title_ru}"

    def clean(self) -> None:
        order = [("hearings_from", "hearings_to"), ("applications_from", "applications_to"),
                 ("jury_from", "jury_to")]
        for a, b in order:
            if getattr(self, a) and getattr(self, b) and getattr(self, a) > getattr(self, b):
                raise ValidationError({b: _("The end is before the start.")})
        if self.applications_to and self.jury_from and self.jury_from <= self.applications_to:
            raise ValidationError({"jury_from": _("The jury starts after the application "
                                                  "window has closed (the day after at the "
                                                  "earliest).")})
        if self.jury_to and self.results_date and self.results_date <= self.jury_to:
            raise ValidationError({"results_date": _("Results come after the jury "
                                                      "period (the day after at the earliest).")})

    # --- workflow (the checks and dates live in ``services.py``) --------------------------
    def move(self, to: str) -> None:
        """Change state along ``TRANSITIONS`` and save; the caller checked the rule."""
        if to not in self.TRANSITIONS[self.State(self.state)]:
            raise TransitionError(_("This step is not allowed now."))
        self.state = to
        self.save()

    @property
    def scores_visible(self) -> bool:
        """Jurors see each other's scores only once the jury period is closed."""
        return self.state in (self.State.REVIEW, self.State.PUBLISHED)

    def category_of(self, municipality: Municipality) -> str:
        if self.category_threshold is None:
            return ""
        pop = municipality.population or 0
        return "large" if pop >= self.category_threshold else "small"

    def is_eligible(self, municipality: Municipality) -> bool:
        return not self.eligible_kinds or municipality.kind in self.eligible_kinds


class Criterion(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_ky = models.CharField(_("title (Kyrgyz)"), max_length=300, blank=True)
    weight = models.FloatField(_("weight"), validators=[MinValueValidator(0)])
    #: six descriptors, for the scores 0, 1, 2, 3, 4 and 5
    descriptors_ru = models.JSONField(_("descriptors (Russian)"), default=list)
    descriptors_ky = models.JSONField(_("descriptors (Kyrgyz)"), default=list)

    class Meta:
        ordering = ["edition", "order", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.title_ru

    @property
    def key(self) -> str:
        return f"c{self.pk}"

    def descriptors(self) -> list[tuple[int, str, str]]:
        ru = list(self.descriptors_ru) + [""] * 6
        ky = list(self.descriptors_ky) + [""] * 6
        return [(i, ru[i], ky[i]) for i in range(6)]


class Application(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        WITHDRAWN = "withdrawn", _("withdrawn")

    TRANSITIONS = {
        State.DRAFT: {State.SUBMITTED},
        State.SUBMITTED: {State.WITHDRAWN},
        State.WITHDRAWN: {State.DRAFT},
    }

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="applications")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="contest_applications")
    code = models.CharField(_("code"), max_length=20, blank=True, db_index=True)
    number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    state = models.CharField(_("state"), max_length=12, choices=State.choices,
                             default=State.DRAFT)
    head_name = models.CharField(_("head of the ayil okmotu / mayor"), max_length=200,
                                 blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    summary = models.TextField(_("how citizens took part in forming the budget"))
    offline_hearings = models.TextField(
        _("hearings held offline"), blank=True,
        help_text=_("dates, places, how people were invited, how many came, what was decided"))
    auto_facts = models.JSONField(default=list, blank=True, editable=False)
    category = models.CharField(max_length=16, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["code", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["edition", "municipality"],
                                    name="contest_one_application_per_municipality"),
            models.UniqueConstraint(fields=["edition", "number"], name="contest_number_once"),
        ]

    def __str__(self) -> str:
        return self.code or f"draft {self.pk}"

    @property
    def locked(self) -> bool:
        return self.state != self.State.DRAFT

    def move(self, to: str) -> None:
        """Change state along ``TRANSITIONS`` (not saved); the caller checked the rule."""
        if to not in self.TRANSITIONS[self.State(self.state)]:
            raise TransitionError(_("This step is not allowed now."))
        self.state = to


def extension(name: str) -> str:
    """A file name's extension, lower case, "jpeg" as "jpg"."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return "jpg" if ext == "jpeg" else ext


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"contests/{instance.application.edition.year}/{instance.application_id}/{filename}"


def juror_path(instance: Evidence, filename: str) -> str:
    return (f"contests/{instance.application.edition.year}/{instance.application_id}/jury/"
            f"{filename}")


class Evidence(models.Model):
    """A file evidencing a hearing held offline (minutes, photos, notices): the original, for
    the organisers, and the copy the jury reads (``sanitise.py``)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    juror_file = models.FileField(upload_to=juror_path, blank=True, editable=False)
    original_name = models.CharField(max_length=255)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def juror_ext(self) -> str:
        return extension(self.original_name)


class JuryMember(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="jurors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="jury_seats")
    conflict_rayons = models.ManyToManyField(Rayon, blank=True, related_name="+")
    conflict_municipalities = models.ManyToManyField(Municipality, blank=True, related_name="+")
    conflict_applications = models.ManyToManyField(Application, blank=True, related_name="+")
    conflicts_declared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["edition", "user"],
                                               name="contest_juror_once")]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def key(self) -> str:
        return f"j{self.pk}"

    def recused_ids(self) -> set[int]:
        """Ids of the edition's applications this member is removed from by a conflict."""
        rayons = set(self.conflict_rayons.values_list("pk", flat=True))
        munis = set(self.conflict_municipalities.values_list("pk", flat=True))
        if self.user.municipality_id:
            munis.add(self.user.municipality_id)
        named = set(self.conflict_applications.values_list("pk", flat=True))
        out = set(named)
        for pk, muni, rayon in Application.objects.filter(edition=self.edition).values_list(
                "pk", "municipality_id", "municipality__rayon_id"):
            if muni in munis or rayon in rayons:
                out.add(pk)
        return out

    def is_recused(self, application: Application) -> bool:
        return application.pk in self.recused_ids()


class Score(models.Model):
    juror = models.ForeignKey(JuryMember, on_delete=models.CASCADE, related_name="scores")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(0), MaxValueValidator(5)])
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["juror", "application", "criterion"],
                                               name="contest_score_once")]


class TieDecision(models.Model):
    """How the organisers decided a tie on a prize boundary, with the reason: public with the
    results (``services.decide_tie``)."""

    class Rule(models.TextChoices):
        JURY_VOTE = "jury_vote", _("a vote of the jury")
        REGULATION = "regulation", _("a rule of the edition's regulations")
        SHARED = "shared", _("the prize is shared")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="tie_decisions")
    category = models.CharField(max_length=16, blank=True)
    #: the tied application codes, sorted: the tie this decision is for
    codes = models.JSONField()
    #: the codes in the decided order (empty for a shared prize)
    order = models.JSONField(default=list, blank=True)
    rule = models.CharField(_("how the tie is decided"), max_length=16, choices=Rule.choices)
    reason_ru = models.TextField(_("reason (Russian)"))
    reason_ky = models.TextField(_("reason (Kyrgyz)"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("tie decision")
        verbose_name_plural = _("tie decisions")

    def __str__(self) -> str:
        return f"{self.edition.year}: {', '.join(self.codes)} ({self.rule})"


class JuryInvitation(models.Model):
    """The organisers invite a person to an edition's jury by e-mail or phone; the link holds a
    token of which only a digest is stored (``services.invite_juror``)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(_("language of the invitation"), max_length=2,
                                choices=[("ru", _("Russian")), ("ky", _("Kyrgyz"))])
    digest = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("jury invitation")
        verbose_name_plural = _("jury invitations")

    def __str__(self) -> str:
        return f"{self.edition.year}: {self.email or self.phone}"
