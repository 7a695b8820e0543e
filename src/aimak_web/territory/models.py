"""Merger scenarios: assignments of today's municipalities to new units, with versions.

An ``Analysis`` names the core's inputs (dataset, travel times, flows) that scenarios are
evaluated against; a ``Scenario`` belongs to one analysis and one criteria set; every edit makes a
new ``ScenarioVersion`` (who, when, what changed), so nothing is overwritten.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

#: Built-in criteria sets of the core (``aimak/plans/criteria/*.toml``).
CRITERIA = [("accessibility", _("Accessibility (Ukraine 2015 methodology)")),
            ("moderate", _("Moderate (10,000 inhabitants)")),
            ("population", _("Population (Denmark, 20,000 inhabitants)"))]


class Analysis(models.Model):
    """The inputs of the core pipeline that scenarios are evaluated against."""

    title = models.CharField(_("title"), max_length=200)
    dataset_path = models.CharField(max_length=500)
    times_path = models.CharField(max_length=500)
    flows_path = models.CharField(max_length=500, blank=True)
    report_path = models.CharField(max_length=500, blank=True)
    provenance = models.TextField(_("how the inputs were made"), blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("analysis")
        verbose_name_plural = _("analyses")

    def __str__(self) -> str:
        return self.title


class Scenario(models.Model):
    STATUS = [("draft", _("draft")), ("proposed", _("proposed")), ("official", _("official"))]
    ORIGINS = [("today", _("today's map")), ("core", _("computed by the optimiser")),
               ("upload", _("uploaded plan")), ("copy", _("copy of another scenario"))]

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="scenarios")
    title = models.CharField(_("title"), max_length=200)
    criteria = models.CharField(_("criteria"), max_length=40, choices=CRITERIA)
    origin = models.CharField(_("origin"), max_length=10, choices=ORIGINS)
    status = models.CharField(_("status"), max_length=10, choices=STATUS, default="draft")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    locked_units = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["analysis", "-status", "title"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("territory:scenario", args=[self.pk])

    @property
    def current(self) -> ScenarioVersion:
        return self.versions.order_by("-number").first()

    def add_version(self, mapping: list[dict], author, note: str,
                    summary: dict) -> ScenarioVersion:
        last = self.versions.order_by("-number").values_list("number", flat=True).first() or 0
        return self.versions.create(number=last + 1, mapping=mapping, author=author, note=note,
                                    summary=summary)


class ScenarioVersion(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    mapping = models.JSONField()
    summary = models.JSONField(default=dict)
    note = models.CharField(max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["scenario", "number"],
                                               name="scenario_version_once")]
