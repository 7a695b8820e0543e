"""How a settlement's or a municipality's population was obtained, in the reader's language.

The core records a code per settlement (``population_basis``: census, committee estimate or
table, a share of a rayon or ayil aimak total, ...) with its year; these sentences name the real
source (the National Statistical Committee and the census or estimate year), never the web page a
figure was copied from, which stays in the English reference of the data and the API.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

#: One sentence per basis code; ``{year}`` is the figure's year.
BASES = {
    "census": lambda y: _("National Statistical Committee, census {year}").format(year=y),
    "nsc_estimate": lambda y: _("National Statistical Committee, estimate for {year}").format(
        year=y),
    "nsc_table": lambda y: _("National Statistical Committee, population at the start of "
                             "{year} (village table)").format(year=y),
    "nsc": lambda y: _("National Statistical Committee, {year}").format(year=y),
    "urban_total": lambda y: _("National Statistical Committee, urban population of the rayon, "
                               "{year}").format(year=y),
    "rayon_share": lambda y: _("estimated: a share of the rayon's official total ({year}) by "
                               "typical village size").format(year=y),
    "aa_share": lambda y: _("estimated: a share of the ayil aimak's official total ({year})"
                            ).format(year=y),
    "face_value": lambda y: _("estimated: a GeoNames figure or a typical village size, with no "
                              "official total to share").format(year=y),
}


def basis_text(basis: str, year: object) -> str:
    """The sentence for one figure (empty when the dataset gave no basis)."""
    say = BASES.get(basis or "")
    return say(year if year else "—") if say else ""


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
