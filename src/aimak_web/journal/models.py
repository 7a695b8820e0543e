"""The journal «Муниципалитет»: its services as content types (legal consultations, legislation
news, experts' articles, villagers' stories, research) moderated like the practices, and the
subscription as it works (Union of LSG members free, others pay by bank transfer; an
administrator keeps the membership list and records payments)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aimak_web.places.models import Municipality
from aimak_web.practices.models import Theme
from aimak_web.practices.moderation import ModeratedItem

from .anonymise import TEXTS, redacted


class Expert(models.Model):
    """A person the journal asks to answer legal questions (named by an administrator)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="journal_expert")
    field_ru = models.CharField(_("field (Russian)"), max_length=200, blank=True)
    field_ky = models.CharField(_("field (Kyrgyz)"), max_length=200, blank=True)
    active = models.BooleanField(_("answers questions"), default=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return self.user.display_name

    @property
    def public_name(self) -> str:
        """The name a public page credits an answer to: the full name only, never the
        e-mail, phone or login ``display_name`` falls back to (empty: the page names no one)."""
        return self.user.full_name.strip()


class Kind(models.TextChoices):
    LEGISLATION = "legislation", _("legislation news")
    ARTICLE = "article", _("expert's article")
    STORY = "story", _("villager's story")
    RESEARCH = "research", _("research")


#: A section of the journal is headed by its kind in the plural (the menu, the front page and the
#: section's page say the same).
HEADINGS = {Kind.LEGISLATION: _("Legislation news"), Kind.ARTICLE: _("Experts' articles"),
            Kind.STORY: _("Villagers' stories"), Kind.RESEARCH: _("Research")}


class JournalItem(ModeratedItem):
    """A content type of the journal: a moderated item under one of the portal's themes."""

    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("theme"))

    class Meta(ModeratedItem.Meta):
        abstract = True


class Article(JournalItem):
    """Legislation news (with the act's number and date), an expert's article, a villager's
    story or research, submitted by a signed-in person and published by a moderator."""

    PERM_EDIT = "journal.edit_item"
    PERM_MODERATE = "journal.moderate_item"
    REQUIRED_TEXTS = ("title", "body")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    submitter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="journal_articles",
                                  verbose_name=_("submitted by"))
    author_name = models.CharField(_("author as printed"), max_length=200, blank=True)
    lead_ru = models.TextField(_("lead (Russian)"), blank=True)
    lead_ky = models.TextField(_("lead (Kyrgyz)"), blank=True)
    body_ru = models.TextField(_("text (Russian)"), blank=True)
    body_ky = models.TextField(_("text (Kyrgyz)"), blank=True)
    act_number = models.CharField(_("act number"), max_length=60, blank=True)
    act_date = models.DateField(_("act date"), null=True, blank=True)
    source_url = models.URLField(_("link to the source"), blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="journal_articles",
                                     verbose_name=_("municipality concerned"))

    class Meta(JournalItem.Meta):
        verbose_name = _("journal article")
        verbose_name_plural = _("journal articles")

    def get_absolute_url(self) -> str:
        return reverse("journal:article", args=[self.pk])


class Publicity(models.TextChoices):
    ANONYMOUS = "anonymous", _("publish the answer without naming us")
    NAMED = "named", _("publish the answer with our municipality's name")
    PRIVATE = "private", _("do not publish: the answer is for us only")


class Consultation(JournalItem):
    """A legal question of an LSG body answered by the journal's expert. The asker chooses
    whether the answer is published (anonymised or with the municipality's name).

    States: the body's draft → submitted (to the journal) → under review (an expert took it,
    ``expert`` set, answer being written) → published by a moderator other than the expert
    (unless private: then the answer is delivered to the asker only, as ``answered``)."""

    PERM_EDIT = "journal.edit_item"
    PERM_MODERATE = "journal.moderate_item"
    REQUIRED_TEXTS = ("title", "question")

    submitter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="journal_questions",
                                  verbose_name=_("asked by"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="journal_questions",
                                     verbose_name=_("local self-government body"))
    publicity = models.CharField(_("publication"), max_length=10, choices=Publicity.choices,
                                 default=Publicity.ANONYMOUS)
    question_ru = models.TextField(_("question (Russian)"), blank=True)
    question_ky = models.TextField(_("question (Kyrgyz)"), blank=True)
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="consultations", verbose_name=_("expert"))
    answer_ru = models.TextField(_("answer (Russian)"), blank=True)
    answer_ky = models.TextField(_("answer (Kyrgyz)"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True, editable=False)
    #: published without naming the asker: the texts as they were asked and answered (for the
    #: asker's body and the journal's office), while the fields above hold the redacted texts
    #: every public page, feed, digest and the search index read
    asked = models.JSONField(_("texts before redaction"), default=dict, blank=True,
                             editable=False)

    class Meta(JournalItem.Meta):
        verbose_name = _("legal consultation")
        verbose_name_plural = _("legal consultations")

    def get_absolute_url(self) -> str:
        return reverse("journal:consultation", args=[self.pk])

    @property
    def has_answer(self) -> bool:
        return bool(self.answer_ru.strip() or self.answer_ky.strip())

    def check_step(self, name: str) -> None:
        from django.core.exceptions import ValidationError

        if name == "publish" and not self.has_answer:
            raise ValidationError(_("An expert answers the question before it is published."))
        if name == "publish" and self.publicity == Publicity.PRIVATE:
            raise ValidationError(_("The asker asked not to publish this answer."))

    def prepare_step(self, name: str) -> None:
        """Published without naming the asker: the originals kept aside (``asked``), the
        public texts redacted (``anonymise.redacted``)."""
        if name != "publish" or self.publicity != Publicity.ANONYMOUS:
            return
        public = redacted(self)
        self.asked = {f"{f}_{lang}": getattr(self, f"{f}_{lang}")
                      for f in TEXTS for lang in ("ru", "ky")}
        for key, text in public.items():
            setattr(self, key, text)

    def as_asked(self, field: str, lang: str) -> str:
        """A text as asked or answered, before any redaction."""
        return self.asked.get(f"{field}_{lang}", getattr(self, f"{field}_{lang}"))


# --- the subscription ------------------------------------------------------------------------


class MembershipList(models.Model):
    """The Union of LSG bodies' list of members paying dues, as of a date, from a source the
    administrator names; the latest list in force says who is a member."""

    source = models.CharField(_("source"), max_length=300,
                              help_text=_("e.g. the Union's letter number and date"))
    as_of = models.DateField(_("as of"))
    members = models.ManyToManyField(Municipality, related_name="+",
                                     verbose_name=_("member municipalities"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership list")
        verbose_name_plural = _("membership lists")
        ordering = ["-as_of", "-pk"]

    def __str__(self) -> str:
        return f"{self.source} ({self.as_of.isoformat()})"


class Payment(models.Model):
    """A bank transfer for a subscription, recorded by an administrator: who it covers (a
    municipality's body or one reader), the period, the amount and the bank's reference."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+",
                                     verbose_name=_("municipality (its staff read)"))
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                               blank=True, related_name="journal_payments",
                               verbose_name=_("reader"))
    amount_som = models.DecimalField(_("amount, som"), max_digits=12, decimal_places=2)
    bank_reference = models.CharField(_("bank transfer reference"), max_length=100)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("subscription payment")
        verbose_name_plural = _("subscription payments")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="journal_payment_period"),
            models.CheckConstraint(
                condition=models.Q(municipality__isnull=False) | models.Q(reader__isnull=False),
                name="journal_payment_covers_someone"),
        ]

    def covers(self, day: date) -> bool:
        return self.period_start <= day <= self.period_end


class Subscription(models.Model):
    """A reader's choice of the digest (themes, on or off); whether they are entitled to it is
    computed from the membership list and the payments (``services.entitlement``)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="journal_subscription")
    themes = models.ManyToManyField(Theme, blank=True, related_name="+",
                                    verbose_name=_("themes"), help_text=_("none: every theme"))
    active = models.BooleanField(_("send me the digest"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")
