"""What a report shows: ``ReportInputs`` (assembled by the pipeline) and ``PlanReport``.

The report layer never computes indicators itself; it lays out what the pipeline computed and
says where every number comes from. ``ReportInputs.check`` validates the tables up front so that
a malformed input fails with a message naming the table and column, not deep inside a writer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from aimak.dataset import Dataset
from aimak.errors import InputError, Problem
from aimak.i18n import N_, check_language

#: Provenance classes, from the strongest evidence to the weakest.
PROVENANCE_CLASSES = ("observed", "official", "estimated", "modelled", "approximate", "synthetic",
                      "projected")

#: Columns of a plan's unit table that reports show when present:
#: name -> (English label for translation, format, provenance class).
#: Formats: 'text', 'int', 'float1', 'float2', 'percent', 'km2', 'minutes'.
UNIT_COLUMNS: dict[str, tuple[str, str, str]] = {
    "new_unit": (N_("Unit"), "text", "modelled"),
    "centre": (N_("Centre"), "text", "modelled"),
    "population": (N_("Population"), "int", "estimated"),
    "area_km2": (N_("Area, km²"), "km2", "approximate"),
    "n_settlements": (N_("Settlements"), "int", "official"),
    "n_municipalities": (N_("Current municipalities"), "int", "official"),
    "members": (N_("Municipalities merged"), "text", "official"),
    "mean_minutes": (N_("Mean travel time to centre, min"), "minutes", "modelled"),
    "max_minutes": (N_("Longest travel time to centre, min"), "minutes", "modelled"),
    "share_30min": (N_("Population within 30 min of centre"), "percent", "modelled"),
    "share_60min": (N_("Population within 60 min of centre"), "percent", "modelled"),
    "self_containment": (N_("Self-containment of flows"), "percent", "modelled"),
    "services_in_centre": (N_("Services in the centre"), "text", "observed"),
    "admin_staff": (N_("Administrative staff (estimate)"), "int", "estimated"),
    "admin_cost_KGS": (N_("Administrative cost, som per year (estimate)"), "int", "estimated"),
    "violations": (N_("Criteria not met"), "text", "modelled"),
    "projected_population": (N_("Projected population"), "int", "projected"),
    "below_minimum_projected": (N_("Below the minimum when projected"), "text", "projected"),
}

#: Other names of the unit columns (as ``aimak.plans.evaluate`` writes them) -> ours.
UNIT_ALIASES = {
    "centre_id": "centre",
    "mean_minutes_to_centre": "mean_minutes",
    "max_minutes_to_centre": "max_minutes",
    "share_within_30_min": "share_30min",
    "share_within_60_min": "share_60min",
}

#: Columns of the plan comparison that reports show (and chart) when present.
COMPARISON_COLUMNS: dict[str, tuple[str, str, str]] = {
    "title": (N_("Plan"), "text", "modelled"),
    "n_units": (N_("Units"), "int", "modelled"),
    "population_min": (N_("Smallest unit population"), "int", "estimated"),
    "population_median": (N_("Median unit population"), "int", "estimated"),
    "population_max": (N_("Largest unit population"), "int", "estimated"),
    "mean_minutes": (N_("Mean travel time to centre, min"), "minutes", "modelled"),
    "max_minutes": (N_("Longest travel time to centre, min"), "minutes", "modelled"),
    "share_30min": (N_("Population within 30 min of centre"), "percent", "modelled"),
    "share_60min": (N_("Population within 60 min of centre"), "percent", "modelled"),
    "self_containment": (N_("Self-containment of flows"), "percent", "modelled"),
    "n_violations": (N_("Criteria violations"), "int", "modelled"),
    "violated_criteria": (N_("Criteria violated"), "text", "modelled"),
    "population": (N_("Population"), "int", "estimated"),
    "admin_staff": (N_("Administrative staff (estimate)"), "int", "estimated"),
    "admin_cost_KGS": (N_("Administrative cost, som per year (estimate)"), "int", "estimated"),
    "objective": (N_("Objective"), "float2", "modelled"),
}

#: Other names of the comparison rows/columns (as ``aimak.plans.evaluate`` writes them).
COMPARISON_ALIASES = {
    "units": "n_units",
    "smallest_unit_population": "population_min",
    "largest_unit_population": "population_max",
    "median_unit_population": "population_median",
    "mean_minutes_to_centre": "mean_minutes",
    "max_minutes_to_centre": "max_minutes",
    "share_within_30_min": "share_30min",
    "share_within_60_min": "share_60min",
    "violations": "n_violations",
}

ZONE_COLUMNS: dict[str, tuple[str, str, str]] = {
    "zone": (N_("Zone"), "text", "modelled"),
    "n_settlements": (N_("Settlements"), "int", "official"),
    "population": (N_("Population"), "int", "estimated"),
    "area_km2": (N_("Area, km²"), "km2", "approximate"),
}

#: Labels of the keys plans and zoning report in their summaries, metrics and criteria; other
#: keys are shown as they are (they are configuration names the user wrote).
KEY_LABELS: dict[str, str] = {
    "method": N_("Method"),
    "modularity": N_("Modularity"),
    "n_zones": N_("Zones"),
    "n_units": N_("Units"),
    "n_violations": N_("Units not meeting the criteria"),
    "self_containment": N_("Self-containment of flows"),
    "mean_minutes": N_("Mean travel time to centre, min"),
    "max_minutes": N_("Longest travel time to centre, min"),
    "min_population": N_("Smallest population of a unit"),
    "max_population": N_("Largest population of a unit"),
    "share_30min": N_("Population within 30 min of centre"),
    "share_60min": N_("Population within 60 min of centre"),
    "contiguous": N_("Units must be contiguous"),
    "objective": N_("Objective"),
    "solver": N_("Solver"),
    "status": N_("Solver status"),
    "gap": N_("Optimality gap"),
    "seconds": N_("Computing time, s"),
    "units": N_("Units"),
    "population": N_("Population"),
    "smallest_unit_population": N_("Smallest unit population"),
    "largest_unit_population": N_("Largest unit population"),
    "mean_minutes_to_centre": N_("Mean travel time to centre, min"),
    "max_minutes_to_centre": N_("Longest travel time to centre, min"),
    "share_within_30_min": N_("Population within 30 min of centre"),
    "share_within_60_min": N_("Population within 60 min of centre"),
    "violations": N_("Criteria violations"),
    "violated_criteria": N_("Criteria violated"),
    "admin_staff": N_("Administrative staff (estimate)"),
    "admin_cost_KGS": N_("Administrative cost, som per year (estimate)"),
    # criteria of a plan (aimak.plans.criteria.Criteria; weights as dotted keys)
    "min_population_exempt": N_("Municipalities exempt from the minimum population"),
    "exempt_isolated": N_("Remote municipalities exempt from the minimum"),
    "max_km": N_("Longest distance to centre, km"),
    "keep_current_access": N_("Settlements already beyond the limit may stay so"),
    "centre_services": N_("Services required in the centre"),
    "service_radius_m": N_("Service radius around the centre, m"),
    "centre_candidates": N_("Possible centres"),
    "whole_municipalities": N_("Municipalities are merged whole"),
    "contiguity": N_("Units must be contiguous"),
    "stay_within": N_("Units stay within"),
    "cross_border_allowed": N_("Mergers allowed across borders"),
    "must_merge": N_("Municipalities that must be merged"),
    "must_not_merge": N_("Municipalities that must not be merged"),
    "max_units": N_("Largest number of units"),
    "weights.travel": N_("Weight: travel time to centre"),
    "weights.coherence": N_("Weight: flows crossing unit borders"),
    "weights.balance": N_("Weight: population balance"),
    "weights.balance_target": N_("Balance target"),
    "weights.balance_on": N_("Balance measured on"),
    "weights.units": N_("Weight: number of units"),
    "source": N_("Criteria file"),
    # zone parameters and metrics (aimak.zones.metrics.summary and compare_with_municipalities)
    "min_size": N_("Minimum zone size"),
    "target_size": N_("Target zone size"),
    "min_sc": N_("Minimum self-containment"),
    "target_sc": N_("Target self-containment"),
    "resolution": N_("Resolution"),
    "seed": N_("Random seed"),
    "n_single_unit_zones": N_("Zones of one settlement"),
    "median_zone_units": N_("Median settlements per zone"),
    "share_inside": N_("Share of flows inside zones"),
    "share_inside_between_units": N_("Share of flows between settlements inside zones"),
    "min_self_containment": N_("Lowest self-containment of a zone"),
    "median_self_containment": N_("Median self-containment of zones"),
    "n_without_municipality": N_("Settlements without a municipality"),
    "n_municipalities": N_("Municipalities"),
    "adjusted_rand_index": N_("Adjusted Rand index with municipalities"),
    "normalized_mutual_info": N_("Normalised mutual information with municipalities"),
    "split_municipalities": N_("Municipalities split across zones"),
}

#: Keys of summaries and criteria that only identify a plan (shown as its title instead).
HIDDEN_KEYS = frozenset({"name", "plan"})

#: Enumerated values shown in summaries, criteria and method notes, in the report's language.
VALUE_LABELS: dict[str, str] = {
    "rayon": N_("one rayon"),
    "oblast": N_("one oblast"),
    "none": N_("no limit"),
    "municipal_centres": N_("current municipal centres"),
    "all_settlements": N_("any settlement"),
    "population": N_("population"),
    "optimal": N_("optimal"),
    "feasible": N_("feasible, not proven optimal"),
    "heuristic": N_("heuristic"),
    "given": N_("given"),
    "current": N_("today's map"),
    "lma": N_("labour-market areas (LMA)"),
    "nodal": N_("nodal regions"),
    "leiden": N_("Leiden communities"),
    "intramax": N_("Intramax"),
}

#: Suffix of built-in criteria files (``accessibility.toml (built-in)``).
BUILT_IN = " (built-in)"

#: Title to give today's map when it is shown as a plan (translated in every output).
CURRENT_PLAN_TITLE = N_("Today's municipalities")

#: Comparison columns drawn as bar charts when present.
CHART_COLUMNS = ("n_units", "mean_minutes", "share_30min", "self_containment")

ZONE_ID_NAMES = ("settlement", "settlement_id", "id", "unit", "origin")
ZONE_LABEL_NAMES = ("zone", "label", "zone_id", "cluster", "community")


@dataclass
class PlanReport:
    """One amalgamation plan as evaluated by ``aimak.plans``.

    ``mapping`` assigns each current municipality (``old_code``) to a ``new_unit`` whose
    administrative centre is the settlement ``centre``; ``units`` has one row per new unit
    (see ``UNIT_COLUMNS`` for the columns shown; extra columns go to the spreadsheet only).
    """

    title: str
    mapping: pd.DataFrame
    units: pd.DataFrame
    criteria: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    #: A partial plan (e.g. an official plan published for one rayon) leaves the
    #: municipalities it does not cover out of its mapping.
    partial: bool = False
    #: The parts solved on their own (``aimak.plans.solver.PlanSolver.parts_``: ``name``,
    #: ``status``, ...), when the plan was solved part by part; the national overview counts
    #: the parts with no feasible plan per oblast.
    parts: pd.DataFrame | None = None


@dataclass
class ReportInputs:
    """Everything a report shows.

    ``zones`` maps settlement ids to functional-zone labels (columns: a settlement id column such
    as ``settlement`` or ``id``, a label column such as ``zone``, optional ``method``);
    ``flows`` has ``origin, destination, flow[, source]`` between settlement ids;
    ``comparison`` has one row per plan (index or ``plan`` column = plan key), today's map
    included; ``provenance`` has ``item, provenance, source[, note]`` rows and is completed with
    what can be read off the dataset. ``synthetic`` labels every output as synthetic test data.
    """

    dataset: Dataset
    zones: pd.DataFrame | None = None
    zone_metrics: dict[str, Any] = field(default_factory=dict)
    flows: pd.DataFrame | None = None
    plans: dict[str, PlanReport] = field(default_factory=dict)
    comparison: pd.DataFrame | None = None
    provenance: pd.DataFrame | None = None
    lang: str = "ru"
    title: str | None = None
    region: str | None = None
    synthetic: bool = False
    travel_mode: str = "terrain"
    #: How each modelled stage was made, shown beside it in the provenance table: keys
    #: ``travel``, ``flows``, ``zones``, ``plans`` (e.g. the flow model's parameters and
    #: whether they were calibrated).
    method_notes: dict[str, str] = field(default_factory=dict)
    #: The forecast section (``aimak.forecast.territory``): poverty forecast, backtest and the
    #: population projection's method; None leaves the section out.
    forecast: dict[str, Any] | None = None
    #: An ``aimak.plans.explain_official.OfficialExplanation``: adds the "Official plan"
    #: section (its two plans are passed in ``plans`` too, see ``report.official``).
    official: Any = None

    def check(self) -> ReportInputs:
        """Validate the tables (unit ids and codes become text); return self or raise
        InputError listing every problem."""
        problems: list[Problem] = []
        self.lang = check_language(self.lang)
        ids = set(self.dataset.settlements["id"])
        codes = set(self.dataset.municipalities["code"])
        if self.zones is not None:
            problems += _check_zones(self.zones, ids)
        if self.flows is not None:
            problems += _require(self.flows, ("origin", "destination", "flow"), "flows")
            if not problems:
                unknown = sorted((set(self.flows["origin"]) | set(self.flows["destination"]))
                                 - ids)
                if unknown:
                    problems.append(Problem(
                        f"flows name settlements not in the dataset: {', '.join(unknown[:10])}",
                        "flows", None, "origin/destination"))
        for key, plan in self.plans.items():
            label = f"plan '{key}'"
            _ids_as_text(plan)
            problems += _require(plan.mapping, ("old_code", "new_unit"), f"{label} mapping")
            problems += _require(plan.units, ("new_unit",), f"{label} units")
            if "old_code" in plan.mapping:
                bad = sorted(set(plan.mapping["old_code"].astype(str)) - codes)
                if bad:
                    problems.append(Problem(
                        f"the mapping names municipalities not in the dataset: "
                        f"{', '.join(bad[:10])}", f"{label} mapping", None, "old_code"))
                missing = sorted(codes - set(plan.mapping["old_code"].astype(str)))
                if missing and not plan.partial:
                    problems.append(Problem(
                        f"the mapping leaves municipalities unassigned: {', '.join(missing[:10])}",
                        f"{label} mapping", None, "old_code"))
        layer_names: dict[str, str] = {}
        for key in self.plans:
            name = layer_key(key)
            if name in layer_names:
                problems.append(Problem(
                    f"plans '{layer_names[name]}' and '{key}' would share the layer name "
                    f"'{name}'; give them keys that differ in more than case and punctuation",
                    "plans"))
            layer_names[name] = str(key)
        if self.provenance is not None:
            problems += _require(self.provenance, ("item", "provenance", "source"), "provenance")
        if problems:
            raise InputError(problems)
        return self

    def zone_table(self) -> pd.DataFrame | None:
        """Zones normalised to columns ``settlement``, ``zone`` (str) and ``method``."""
        if self.zones is None:
            return None
        z = self.zones
        sid = _first(z, ZONE_ID_NAMES)
        lab = _first(z, ZONE_LABEL_NAMES)
        method = z["method"].astype(str) if "method" in z else pd.Series(
            str(self.zone_metrics.get("method", "")), index=z.index)
        return pd.DataFrame({"settlement": z[sid].astype(str).to_numpy(),
                             "zone": z[lab].astype(str).to_numpy(),
                             "method": method.to_numpy()})

    def comparison_table(self) -> pd.DataFrame:
        """One row per plan (index = plan key), from ``comparison`` or the plans' summaries."""
        if self.comparison is not None:
            c = self.comparison.copy()
            keys = {str(k) for k in self.plans}
            rows = set(map(str, c.index))
            indicators = set(COMPARISON_COLUMNS) | set(COMPARISON_ALIASES)
            if "plan" not in c.columns and not keys & rows and (
                    keys & set(map(str, c.columns)) or len(indicators & rows) >= 2):
                # Indicators as rows and plans as columns (aimak.plans.evaluate.compare).
                c = c.T.apply(_numeric_if_possible)
            if "plan" in c.columns:
                c = c.set_index("plan")
            c.index = c.index.astype(str)
        else:
            c = pd.DataFrame.from_dict({k: dict(p.summary) for k, p in self.plans.items()},
                                       orient="index")
        c = c.rename(columns={k: v for k, v in COMPARISON_ALIASES.items()
                              if k in c.columns and v not in c.columns})
        if "title" not in c.columns:
            c.insert(0, "title", [self.plans[k].title if k in self.plans
                                  else CURRENT_PLAN_TITLE if k == "current" else k
                                  for k in c.index])
        return c


def resolve_columns(columns: dict[str, tuple[str, str, str]], inputs: ReportInputs
                    ) -> dict[str, tuple[str, str, str]]:
    """``columns`` with the provenance of populations and areas read off the dataset.

    A population total is only as good as its weakest part: 'estimated' if any settlement's
    figure is estimated, else 'official' (or 'observed' when all are observed). Areas are
    'approximate' when any municipal territory is, else 'official'.
    """
    pops = set(inputs.dataset.settlements["population_source"].astype(str))
    pop_cls = ("synthetic" if inputs.synthetic else "estimated" if "estimated" in pops
               else "official" if "official" in pops else "observed")
    terr = set(inputs.dataset.municipalities["territory_source"].astype(str))
    area_cls = ("synthetic" if inputs.synthetic else "approximate" if "approximate" in terr
                else "official")
    out = {}
    for name, (label, kind, cls) in columns.items():
        if name.startswith("population"):
            cls = pop_cls
        elif name.startswith("area"):
            cls = area_cls
        elif inputs.synthetic:
            cls = "synthetic"
        out[name] = (label, kind, cls)
    return out


def layer_key(plan_key: str) -> str:
    """A GeoPackage- and HTML-safe identifier for a plan key, e.g. 'plan_access_60'."""
    return "plan_" + re.sub(r"\W+", "_", str(plan_key)).strip("_").lower()


def _numeric_if_possible(values: pd.Series) -> pd.Series:
    """``values`` as numbers when every non-empty value is one, else unchanged."""
    numbers = pd.to_numeric(values, errors="coerce")
    return numbers if numbers.notna().sum() == values.notna().sum() else values


def _ids_as_text(plan: PlanReport) -> None:
    """Unit ids and codes as text in both tables, so that 7 and '7' name the same unit; unit
    columns under their other names (``UNIT_ALIASES``) renamed to ours."""
    if isinstance(plan.units, pd.DataFrame):
        plan.units = plan.units.rename(columns={
            k: v for k, v in UNIT_ALIASES.items()
            if k in plan.units.columns and v not in plan.units.columns})
    for frame_name, columns in (("mapping", ("old_code", "new_unit", "centre")),
                                ("units", ("new_unit", "centre"))):
        frame = getattr(plan, frame_name)
        if isinstance(frame, pd.DataFrame):
            present = {c: frame[c].astype(str) for c in columns if c in frame.columns}
            setattr(plan, frame_name, frame.assign(**present))


def _first(df: pd.DataFrame, names: tuple[str, ...]) -> str:
    return next(n for n in names if n in df.columns)


def _require(df: pd.DataFrame, columns: tuple[str, ...], table: str) -> list[Problem]:
    if not isinstance(df, pd.DataFrame):
        return [Problem(f"expected a table, got {type(df).__name__}", table)]
    return [Problem(f"the table has no column '{c}'; its columns are: "
                    f"{', '.join(map(str, df.columns))}", table, None, c)
            for c in columns if c not in df.columns]


def _check_zones(zones: pd.DataFrame, ids: set[str]) -> list[Problem]:
    if not any(n in zones.columns for n in ZONE_ID_NAMES):
        return [Problem(f"the zones table needs a settlement id column (one of "
                        f"{', '.join(ZONE_ID_NAMES)})", "zones")]
    if not any(n in zones.columns for n in ZONE_LABEL_NAMES):
        return [Problem(f"the zones table needs a zone label column (one of "
                        f"{', '.join(ZONE_LABEL_NAMES)})", "zones")]
    col = _first(zones, ZONE_ID_NAMES)
    values = zones[col].astype(str)
    bad = ~values.isin(ids)
    return [Problem(f"settlement '{v}' is not in the dataset", "zones", int(i) + 1, col)
            for i, v in zip(bad.to_numpy().nonzero()[0], values[bad], strict=True)][:20]
