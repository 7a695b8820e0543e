"""Oblasts, rayons, municipalities and settlements, imported from a core dataset GeoPackage.

Names are kept in Russian, Kyrgyz and English; every population figure keeps its provenance
(observed, official or estimated, with year and reference), and territories keep their source
(``approximate`` where aimak derived them, since ayil aimak boundaries are not published).
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aimak_web.core.text import name_in_language

POPULATION_SOURCES = [
    ("observed", _("observed")),
    ("official", _("official")),
    ("estimated", _("estimated")),
    ("mixed", _("partly observed, partly estimated")),
]


class NamedPlace(models.Model):
    """A place with names in three languages and a spelling-insensitive search key."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    #: ``aimak.names.name_key`` of every name, space-separated, for search in any spelling.
    search_keys = models.TextField(blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["name_ru"]

    @property
    def name(self) -> str:
        """The name in the reader's language, falling back to Russian."""
        return name_in_language(self)

    def __str__(self) -> str:
        return self.name


class Oblast(NamedPlace):
    class Meta(NamedPlace.Meta):
        verbose_name = _("oblast")
        verbose_name_plural = _("oblasts")

    def get_absolute_url(self) -> str:
        return reverse("places:oblast", args=[self.code])


class Rayon(NamedPlace):
    oblast = models.ForeignKey(Oblast, on_delete=models.PROTECT, related_name="rayons")
    kind = models.CharField(_("kind"), max_length=16, default="rayon")
    territory = models.TextField(_("territory (GeoJSON)"), blank=True)

    class Meta(NamedPlace.Meta):
        verbose_name = _("rayon")
        verbose_name_plural = _("rayons")

    def get_absolute_url(self) -> str:
        return reverse("places:rayon", args=[self.code])

    @property
    def full_name(self) -> str:
        """The name with its kind in the reader's language (the data's «Ноокенский» is
        «Ноокенский район», «Ноокен району»); a city, or a name that says it already, as is."""
        name = self.name
        if self.kind != "rayon":
            return name
        word = gettext("%(name)s rayon") % {"name": ""}
        if name.lower().endswith(word.strip().lower()):
            return name
        return gettext("%(name)s rayon") % {"name": name}


class Municipality(NamedPlace):
    KINDS = [("ayil_aimak", _("ayil aimak")), ("town", _("town")), ("city", _("city"))]
    TERRITORY_SOURCES = [("official", _("official boundary")),
                         ("approximate", _("approximate (derived by aimak)"))]

    rayon = models.ForeignKey(Rayon, on_delete=models.PROTECT, related_name="municipalities")
    kind = models.CharField(_("kind"), max_length=16, choices=KINDS)
    centre_name = models.CharField(_("administrative centre"), max_length=200, blank=True)
    centre_lat = models.FloatField(null=True, blank=True)
    centre_lon = models.FloatField(null=True, blank=True)
    centre_rule = models.CharField(_("how the centre was chosen"), max_length=200, blank=True)
    population = models.FloatField(_("population"), null=True, blank=True)
    population_year = models.PositiveIntegerField(_("year"), null=True, blank=True)
    population_source = models.CharField(_("population source"), max_length=16,
                                         choices=POPULATION_SOURCES, blank=True)
    population_ref = models.TextField(_("population reference"), blank=True)
    observed_share = models.FloatField(_("share of inhabitants in observed figures"),
                                       null=True, blank=True)
    territory = models.TextField(_("territory (GeoJSON)"), blank=True)
    territory_source = models.CharField(_("territory source"), max_length=16,
                                        choices=TERRITORY_SOURCES, default="approximate")
    area_km2 = models.FloatField(_("area, km²"), null=True, blank=True)

    class Meta(NamedPlace.Meta):
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def get_absolute_url(self) -> str:
        return reverse("places:municipality", args=[self.code])

    @property
    def kind_unless_named(self) -> str:
        """The kind in the reader's language, or "" when the name says it already
        («Бюргендинский айылный аймак», not «… айылный аймак айылный аймак»)."""
        kind = str(self.get_kind_display())
        return "" if kind.lower() in self.name.lower() else kind


class Settlement(NamedPlace):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="settlements")
    kind = models.CharField(_("kind"), max_length=16)
    lat = models.FloatField()
    lon = models.FloatField()
    population = models.FloatField(_("population"), null=True, blank=True)
    population_year = models.PositiveIntegerField(_("year"), null=True, blank=True)
    population_source = models.CharField(_("population source"), max_length=16,
                                         choices=POPULATION_SOURCES, blank=True)
    population_ref = models.TextField(_("population reference"), blank=True)
    #: How the figure was obtained (``aimak.kyrgyzstan.population.POPULATION_BASES``), shown
    #: through ``places.provenance`` in the reader's language; empty for other datasets.
    population_basis = models.CharField(max_length=16, blank=True, default="")
    #: ``approximate`` for a classifier village placed at its municipality's centre.
    location_source = models.CharField(max_length=40, blank=True, default="")
    is_centre = models.BooleanField(default=False)

    class Meta(NamedPlace.Meta):
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")


class ImportRun(models.Model):
    """One import of a dataset GeoPackage: what was read and what changed."""

    source = models.CharField(max_length=500)
    started = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict)
    sources = models.JSONField(default=list)

    class Meta:
        ordering = ["-started"]
