"""How a settlement's or a municipality's population was obtained, in the reader's language.

The core records a code per settlement (``population_basis``: census, committee estimate or
table, a share of a rayon or ayil aimak total, ...) with its year; these sentences name the real
source (the National Statistical Committee and the census or estimate year), never the web page a
figure was copied from, which stays in the English reference of the data and the API.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aimak.dataset import POPULATION_BASIS_TEXTS
from aimak.i18n import LANGUAGES, use_language
from aimak.i18n import _ as core_gettext
from aimak_web.core.text import reader_language


def basis_text(basis: str, year: object) -> str:
    """The sentence for one figure in the reader's language (empty when the dataset gave no
    basis); the sentences are the core's (``aimak.dataset.POPULATION_BASIS_TEXTS``), so the
    report and these pages say the same."""
    message = POPULATION_BASIS_TEXTS.get(basis or "")
    if not message:
        return ""
    lang = reader_language()
    with use_language(lang if lang in LANGUAGES else "en"):
        return core_gettext(message).format(year=year if year else "—")


@dataclass
class PopulationSummary:
    """Per municipality: villages by provenance class and the sources of their figures."""

    observed: int
    official: int
    estimated: int
    approximate: int
    sources: list[str]

    @property
    def counts_text(self) -> str:
        parts = [ngettext("%(n)d village observed", "%(n)d villages observed",
                          self.observed) % {"n": self.observed},
                 ngettext("%(n)d official", "%(n)d official", self.official)
                 % {"n": self.official},
                 ngettext("%(n)d estimated", "%(n)d estimated", self.estimated)
                 % {"n": self.estimated}]
        return ", ".join(parts)


def summarise(settlements) -> PopulationSummary:
    """Counts and source sentences (most common first) for a municipality's settlements."""
    rows = list(settlements)
    by_class = Counter(s.population_source for s in rows)
    sources = Counter(basis_text(s.population_basis, s.population_year) for s in rows)
    return PopulationSummary(
        observed=by_class.get("observed", 0), official=by_class.get("official", 0),
        estimated=by_class.get("estimated", 0),
        approximate=sum(1 for s in rows if s.location_source == "approximate"),
        sources=[f"{text} ({n})" for text, n in sources.most_common() if text])


#: How the core chose a municipality's centre (``centre_rule``), one phrase per rule.
CENTRE_RULES = {
    "city_itself": lambda: _("the city itself"),
    "town_itself": lambda: _("the town itself"),
    "classifier_010": lambda: _("the first village of the classifier (code ending in 010)"),
    "classifier_lowest_code": lambda: _("the village with the lowest classifier code"),
    "nearest_to_adm3_point": lambda: _("the located village nearest to the ayil aimak's "
                                       "reference point"),
    "first_located_village": lambda: _("the first located village"),
    "unmatched_settlement_nearest_adm3_point": lambda: _(
        "the settlement nearest to the ayil aimak's reference point (its name did not match)"),
    "approximate_at_adm3_point": lambda: _("no located village: placed at the ayil aimak's "
                                           "reference point (approximate)"),
    "approximate_in_rayon": lambda: _("no located village nor reference point: placed inside "
                                      "its rayon (approximate)"),
}


def centre_rule_text(rule: str) -> str:
    """The phrase for a centre rule; a rule this version does not know is not shown raw."""
    say = CENTRE_RULES.get(rule or "")
    return say() if say else (_("rule not described") if rule else "")


def _names(*names: str) -> SafeString:
    """Proper names of foreign projects, marked as English for readers and screen readers."""
    return format_html_join(", ", '<span lang="en">{}</span>', ((n,) for n in names))


#: One sentence per input file of the Kyrgyz dataset (the ``file`` of its sources table),
#: naming the real source and its licence in the reader's language.
SOURCE_FILES = {
    "soate.csv": lambda: _("the state classifier of administrative-territorial units (СОАТЕ)"),
    "ayil_aimaks.csv": lambda: format_html(
        _("ayil aimaks with their reference points: {names}, licence CC BY 4.0"),
        names=_names("Open Admin Data")),
    "rayons_ocha_adm2.geojson": lambda: format_html(
        _("rayon boundaries: OCHA, {names}"), names=_names("COD-AB", "CC BY-IGO")),
    "oblasts_wof.geojson": lambda: format_html(
        _("oblast boundaries: {names}, licence CC0"), names=_names("Who's On First")),
    "rayons_wof.geojson": lambda: format_html(
        _("rayon boundaries: {names}, licence CC0"), names=_names("Who's On First")),
    "health_facilities_hotosm.geojson": lambda: _(
        "health facilities: OpenStreetMap, licence ODbL"),
    "rayon_population_2018.csv": lambda: format_html(
        _("rayon populations 2018: National Statistical Committee, published by OCHA ({names})"),
        names=_names("COD-PS", "CC BY-IGO")),
    "settlements.csv": lambda: format_html(_("settlement points: {names}"), names=_names(
        "GeoNames", "Who's On First", "SimpleMaps")),
    "village_population_wikipedia.csv": lambda: _(
        "village populations of the National Statistical Committee (censuses, estimates), "
        "each cited from a Wikipedia article"),
    "ayil_aimak_population_wikipedia.csv": lambda: _(
        "ayil aimak populations of the National Statistical Committee, each cited from a "
        "Wikipedia article"),
    "town_population_wikipedia.csv": lambda: _(
        "town populations of the National Statistical Committee, each cited from a Wikipedia "
        "article"),
    "ayil_aimak_population_2009_2021.csv": lambda: _(
        "ayil aimak populations: census 2009 and estimate 2021 of the National Statistical "
        "Committee"),
    "rayon_population_census.csv": lambda: _(
        "rayon populations at the censuses 1970–2022 and the 2021 estimate of the National "
        "Statistical Committee"),
}


def source_lines(sources: list[dict]) -> list[str]:
    """The dataset's inputs in the reader's language; an input this version does not know is
    counted, not shown in the builder's English."""
    known = [SOURCE_FILES[s.get("file", "")]() for s in sources
             if s.get("file", "") in SOURCE_FILES]
    other = sum(1 for s in sources if s.get("file", "") not in SOURCE_FILES)
    if other:
        known.append(ngettext("%(n)d other input file", "%(n)d other input files", other)
                     % {"n": other})
    return known


_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[А-Яа-яЁёӨөҮүҢң]")


def name_lang(name: str, page_lang: str) -> str:
    """The ``lang`` a place's name needs when the directory has no form in the page's language:
    a Russian name shown on an English page is ``ru``; a Latin-only name (GeoNames gives some
    villages no Cyrillic name) on a Russian or Kyrgyz page is ``und-Latn``; else empty."""
    if page_lang == "en" and _CYRILLIC.search(name or "") and not _LATIN.search(name or ""):
        return "ru"
    if page_lang in ("ru", "ky") and _LATIN.search(name or "") and not _CYRILLIC.search(
            name or ""):
        return "und-Latn"
    return ""
