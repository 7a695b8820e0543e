"""Best practices of local self-government: themes, practices with their moderation, the prize
contest (editions, categories, entries, jury scores, public votes) and the digest subscriptions.

The moderation workflow lives in one place, ``Practice.TRANSITIONS``: each transition is a method
(``submit``, ``start_review``, ``request_changes``, ``publish``, ``reject``) that checks the rule
and is recorded in the audit trail (django-auditlog, with the acting user).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aimak_web.core.text import name_in_language
from aimak_web.places.models import Municipality

from .moderation import EDITABLE, NOTIFIED, TRANSITIONS, ModeratedItem, Status, Transition

__all__ = ["EDITABLE", "NOTIFIED", "TRANSITIONS", "Status", "Transition"]


class Named(models.Model):
    code = models.SlugField(_("code"), max_length=40)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    @property
    def name(self) -> str:
        return name_in_language(self)

    def __str__(self) -> str:
        return self.name


class Theme(Named):
    class Meta(Named.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [models.UniqueConstraint(fields=["code"], name="practice_theme_code")]


class SubTheme(Named):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="subthemes")

    class Meta(Named.Meta):
        verbose_name = _("sub-theme")
        verbose_name_plural = _("sub-themes")
        constraints = [models.UniqueConstraint(fields=["theme", "code"],
                                               name="practice_subtheme_code")]


class SubmitterType(models.TextChoices):
    LSG = "lsg", _("local self-government body")
    CITIZEN = "citizen", _("citizen")
    EXPERT = "expert", _("expert")


class Practice(ModeratedItem):
    """A way a local problem was solved, told by a municipality, a citizen or an expert."""

    PERM_EDIT = "practices.edit_practice"
    PERM_MODERATE = "practices.moderate_practice"
    REQUIRED_TEXTS = ("title", "problem", "solution", "results")
    TEXT_FIELDS = ("title", "problem", "solution", "results", "repeat", "paid_by")

    submitter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="practices", verbose_name=_("submitted by"))
    submitter_type = models.CharField(_("submitted as"), max_length=10,
                                      choices=SubmitterType.choices)
    body = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="practices_as_body",
                             verbose_name=_("local self-government body"))
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="practices",
                              verbose_name=_("theme"))
    subtheme = models.ForeignKey(SubTheme, on_delete=models.PROTECT, related_name="practices",
                                 verbose_name=_("sub-theme"))
    municipalities = models.ManyToManyField(Municipality, related_name="practices",
                                            verbose_name=_("municipalities concerned"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"), null=True, blank=True,
                                  help_text=_("empty if still running"))
    problem_ru = models.TextField(_("the problem (Russian)"), blank=True)
    problem_ky = models.TextField(_("the problem (Kyrgyz)"), blank=True)
    solution_ru = models.TextField(_("the solution (Russian)"), blank=True)
    solution_ky = models.TextField(_("the solution (Kyrgyz)"), blank=True)
    results_ru = models.TextField(_("results (Russian)"), blank=True)
    results_ky = models.TextField(_("results (Kyrgyz)"), blank=True)
    repeat_ru = models.TextField(_("what others need to repeat it (Russian)"), blank=True)
    repeat_ky = models.TextField(_("what others need to repeat it (Kyrgyz)"), blank=True)
    cost_som = models.DecimalField(_("cost, som"), max_digits=14, decimal_places=0, null=True,
                                   blank=True)
    paid_by_ru = models.CharField(_("who paid (Russian)"), max_length=300, blank=True)
    paid_by_ky = models.CharField(_("who paid (Kyrgyz)"), max_length=300, blank=True)
    contacts = models.CharField(_("contacts"), max_length=300, blank=True)

    class Meta(ModeratedItem.Meta):
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        permissions = []

    def get_absolute_url(self) -> str:
        return reverse("practices:detail", args=[self.pk])

    @property
    def public_author(self) -> str:
        """Who a public page credits the practice to: the submitter's full name, else the body
        or the role it was submitted as; never the e-mail, phone or login ``display_name``
        falls back to."""
        if self.submitter.full_name.strip():
            return self.submitter.full_name.strip()
        return self.body.name if self.body else str(self.get_submitter_type_display())

    def clean(self) -> None:
        if self.subtheme_id and self.theme_id and self.subtheme.theme_id != self.theme_id:
            raise ValidationError({"subtheme": _("This sub-theme belongs to another theme.")})
        if self.period_end and self.period_start and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period ends before it starts.")})


class Evidence(models.Model):
    """A figure showing a result, with where it comes from."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="evidence")
    label = models.CharField(_("what was measured"), max_length=250)
    value = models.DecimalField(_("figure"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    source = models.CharField(_("source of the figure"), max_length=300)
    source_url = models.URLField(_("link to the source"), blank=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["pk"]


def _upload_to(instance: Attachment, filename: str) -> str:
    return f"practices/{instance.practice_id}/{filename}"


class Attachment(models.Model):
    KINDS = [("photo", _("photo")), ("document", _("document"))]

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=KINDS)
    file = models.FileField(_("file"), upload_to=_upload_to)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=250, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]


# --- the prize contest ----------------------------------------------------------------------


class Edition(models.Model):
    """One year's contest: its windows, jury weight and whether its settings are an example."""

    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    entries_open = models.DateTimeField(_("entries open"))
    entries_close = models.DateTimeField(_("entries close"))
    vote_open = models.DateTimeField(_("public vote opens"))
    vote_close = models.DateTimeField(_("public vote closes"))
    jury_open = models.DateTimeField(_("jury scoring opens"), null=True, blank=True)
    jury_close = models.DateTimeField(_("jury scoring closes"), null=True, blank=True)
    jurors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                    verbose_name=_("jurors seated"))
    jury_weight = models.FloatField(_("weight of the jury in the final ranking"), default=0.7,
                                    help_text=_("between 0 and 1; the public vote has the rest"))
    is_example = models.BooleanField(_("dates and prizes are an example"), default=False)

    class Meta:
        verbose_name = _("contest edition")
        verbose_name_plural = _("contest editions")
        ordering = ["-vote_close"]

    @property
    def name(self) -> str:
        return name_in_language(self)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not 0 <= self.jury_weight <= 1:
            raise ValidationError({"jury_weight": _("Between 0 and 1.")})

    def accepts_entries(self, now=None) -> bool:
        now = now or timezone.now()
        return self.entries_open <= now <= self.entries_close

    def vote_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.vote_open <= now <= self.vote_close

    def jury_is_open(self, now=None) -> bool:
        """The jury scores only inside its own period (none set: not at all)."""
        now = now or timezone.now()
        return bool(self.jury_open and self.jury_close
                    and self.jury_open <= now <= self.jury_close)


class Category(models.Model):
    """A category of an edition: who may enter it and its prizes (som, by place)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="categories")
    code = models.SlugField(max_length=40)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    submitter_types = models.JSONField(_("who may enter"), default=list)
    prizes = models.JSONField(_("prizes, som, by place"), default=list)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["edition", "code"],
                                               name="practice_category_code")]

    @property
    def name(self) -> str:
        return name_in_language(self)

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(max_length=40)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    weight = models.FloatField(_("weight"), default=1.0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["edition", "key"],
                                               name="practice_criterion_key")]

    @property
    def name(self) -> str:
        return name_in_language(self)


class Entry(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="entries")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="entries")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="entries")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contest entry")
        verbose_name_plural = _("contest entries")
        ordering = ["entered_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["edition", "practice"],
                                               name="practice_entry_once")]


class JuryScore(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("score (0–5)"))
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "juror", "criterion"],
                                               name="practice_score_once"),
                       models.CheckConstraint(condition=models.Q(score__lte=5),
                                              name="practice_score_max_5")]


class Recusal(models.Model):
    """A juror steps aside from an entry (a conflict of interest); their scores do not count."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="recusals")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [models.UniqueConstraint(fields=["entry", "juror"],
                                               name="practice_recusal_once")]


class Vote(models.Model):
    """One verified person's vote for one entry; never changed or withdrawn."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    ip = models.GenericIPAddressField(null=True, blank=True)
    cast_at = models.DateTimeField(default=timezone.now)
    #: when the voter became verified (residence or phone), kept for the anomaly report
    voter_verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["entry", "voter"],
                                               name="practice_vote_once")]


# --- e-mail ----------------------------------------------------------------------------------


class MailOptOut(models.Model):
    """A person who followed an e-mail's unsubscribe link: the portal and the journal send
    them no more e-mail (their desk still shows what concerns them)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail opt-out")
        verbose_name_plural = _("e-mail opt-outs")


class SearchEntry(models.Model):
    """The search keys of one searchable object (a practice, a journal item): see ``search``."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE,
                                     related_name="+")
    object_id = models.PositiveBigIntegerField()
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"],
                                               name="search_entry_once")]
