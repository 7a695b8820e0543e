"""The report's "Official plan" section, from an ``OfficialExplanation``, in the report language.

The official plan and the nearest optimal plan under the inferred criteria also appear as two
ordinary plan sections (map layers, unit tables), added by ``official_plans``; this module lays
out what is particular to the official plan: how it was read, how it fares against each
criteria set, the criteria ranges it is consistent with, the inferred weights, where it sits
among valid plans, and the unit-by-unit differences.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aimak.i18n import N_, _, fmt_number
from aimak.report.format import Table
from aimak.report.model import PlanReport

OFFICIAL_TITLE = N_("Official plan")
NEAREST_TITLE = N_("Nearest optimal plan under the inferred criteria")

#: Criteria setting -> (label, kind of bound: 'at_most', 'at_least', or 'choice').
SETTINGS = {
    "min_population": (N_("Minimum population of a unit"), "at_most", "int"),
    "max_population": (N_("Maximum population of a unit"), "at_least", "int"),
    "max_minutes": (N_("Maximum minutes to the centre"), "at_least", "float1"),
    "max_km": (N_("Maximum kilometres to the centre"), "at_least", "float1"),
    "max_minutes_keep_access": (N_("Maximum minutes, keeping today's longer trips"),
                                "at_least", "float1"),
    "max_km_keep_access": (N_("Maximum kilometres, keeping today's longer trips"),
                           "at_least", "float1"),
    "max_municipalities": (N_("Municipalities merged into one unit"), "at_least", "int"),
    "contiguity": (N_("Contiguity"), "choice", "text"),
    "stay_within": (N_("Units stay within"), "choice", "text"),
    "centre_candidates": (N_("Centres among"), "choice", "text"),
    "centre_services": (N_("Services required at the centre"), "choice", "text"),
    "max_units": (N_("Cap on the number of units"), "at_least", "int"),
}
CHOICES = {
    "true or false": N_("required or not"), "false": N_("not required: a unit is split"),
    "rayon or oblast or none": N_("rayon, oblast or no limit"),
    "oblast or none": N_("oblast or no limit"), "none": N_("no limit"),
    "municipal_centres or all_settlements": N_("current municipal centres or any settlement"),
    "all_settlements": N_("any settlement"),
}
PLACED = {"mean_minutes_to_centre": N_("mean travel time to the centre"),
          "imbalance": N_("population imbalance"),
          "outside_flow_share": N_("flows crossing unit borders"),
          "objective": N_("objective under the inferred weights")}
TERMS = {"travel": N_("travel time"), "coherence": N_("flows kept inside"),
         "balance": N_("population balance"), "units": N_("number of units")}


def official_plans(explanation, unit_table) -> dict[str, PlanReport]:
    """The official plan and the nearest optimal one as plan sections (keys ``official`` and
    ``official_nearest``); ``unit_table(inst, plan)`` gives the units' indicators."""
    inst = explanation.instance
    out = {}
    for key, plan, title in (("official", explanation.plan, OFFICIAL_TITLE),
                             ("official_nearest", explanation.nearest, NEAREST_TITLE)):
        out[key] = PlanReport(title=title, mapping=plan.to_mapping(inst),
                              units=unit_table(inst, plan), partial=True,
                              summary={k: v for k, v in explanation.summary.iloc[
                                  0 if key == "official" else 1].items()
                                  if k in ("units", "mean_minutes_to_centre",
                                           "self_containment", "violations")})
    return out


def _table(headers: list[str], rows: list[list[str]], numeric: list[bool],
           provenance: list[str]) -> Table:
    return Table(headers, rows, provenance, numeric, list(range(len(headers))))


def official_context(explanation, lang: str, synthetic: bool = False,
                     population_class: str = "estimated",
                     names: dict[str, str] | None = None) -> dict[str, Any]:
    """Everything the official-plan section shows, translated and formatted;
    ``population_class`` is the provenance of the populations (see ``resolve_columns``) and
    ``names`` maps municipality codes and settlement ids to names in the report language."""
    e = explanation
    cls = "synthetic" if synthetic else "modelled"
    pop_cls = "synthetic" if synthetic else population_class

    def num(value, kind="int"):
        return fmt_number(value, kind, lang)

    out: dict[str, Any] = {"title": _(OFFICIAL_TITLE), "coverage": _coverage(e, num),
                           "reading": _reading(e.official)}
    out["checks"] = _table(
        [_("Criteria"), _("Criteria violations"), _("Criteria violated")],
        [[_(r.title), num(r.violations), r.criteria or "–"] for r in e.checks.itertuples()],
        [False, True, False], [cls] * 3)
    out["ranges"] = _ranges(e, num, cls)
    out["verdict"] = _verdict(e, num)
    out["weights"] = None
    if len(e.weights) > 1:
        out["weights"] = _table(
            [_("Criteria"), *[_(TERMS[k]) for k in TERMS], _("Optimal"),
             _("Municipalities that would change unit")],
            [[_(r.title) if r.name != "inferred" else _("tightest criteria the plan meets"),
              *[num(getattr(r, k), "float2") for k in TERMS],
              _("yes") if r.optimal else _("no"), num(r.distance)]
             for r in e.weights.itertuples()],
            [False] + [True] * 4 + [False, True], [cls] * 7)
    out["range"] = None
    if e.unit_range:
        out["range"] = _("Plans meeting these criteria have {low} to {high} units; the official "
                         "plan has {units}.").format(low=num(e.unit_range[0]),
                                                     high=num(e.unit_range[1]),
                                                     units=num(e.plan.n_units))
    out["placement"] = None
    if e.placement:
        parts = [f"{_(PLACED[k])} {num(v, 'percent')}" for k, v in e.placement.items()
                 if k in PLACED]
        out["placement"] = _("Among {count} valid plans with as many units sampled by "
                             "recombination, the share at or below the official plan: "
                             "{shares}.").format(count=num(e.ensemble_size),
                                                 shares=", ".join(parts))
    out["differences"] = _differences(e.differences, num, cls, pop_cls, names or {})
    out["method"] = _("The ranges are read off the plan itself. The weights come from inverse "
                      "optimisation: travel time keeps weight 1, the other terms are searched "
                      "for the weights under which the plan's objective is closest to the "
                      "exact optimum within the tightest criteria it meets.")
    return out


def _coverage(e, num) -> str:
    """How much of today's map the plan covers, and the file it was read from."""
    text = _("The plan covers {covered} of {total} current municipalities in "
             "{units} new units.").format(covered=num(e.covered), total=num(e.total),
                                          units=num(e.plan.n_units))
    if e.covered < e.total:
        text += " " + _("It is evaluated on the part that is known.")
    return text + " " + _("Read from the file {file}.").format(
        file=Path(e.official.source).name)


def _reading(o) -> dict | None:
    """What reading the official plan's file found: unmatched or ambiguous names, split
    municipalities, villages not listed; None when nothing."""
    reading = []
    for issue in o.issues:
        what = (_("matches no settlement") if issue.problem == "unmatched"
                else _("matches several settlements"))
        reading.append([str(issue.row), issue.new_unit, issue.name, what,
                        "; ".join(issue.suggestions) or "–"])
    for r in o.splits.itertuples():
        reading.append(["–", r.units, f"{r.name} ({r.old_code})",
                        _("municipality split between new units"), r.villages])
    if len(o.unlisted):
        for code, villages in o.unlisted.groupby("old_code")["village"]:
            reading.append(["–", "–", code, _("villages not listed (municipality taken whole)"),
                            ", ".join(villages)])
    return _table([_("Row"), _("Unit"), _("Name"), _("Finding"), _("Suggestions")],
                  reading, [False] * 5, ["official"] * 5) if reading else None


def _ranges(e, num, cls: str) -> dict:
    """Each criterion's setting the plan is consistent with, and the units that bind it."""
    rows = []
    for r in e.ranges.itertuples():
        label, bound_kind, fmt = SETTINGS.get(r.setting, (r.setting, "choice", "text"))
        if bound_kind == "at_most" and r.bound == r.bound and r.bound is not None:
            text = _("at most {value}").format(value=num(r.bound, fmt))
        elif bound_kind == "at_least" and r.bound == r.bound and r.bound is not None:
            text = _("at least {value}").format(value=num(r.bound, fmt))
        elif r.setting == "centre_services" and r.consistent == "none":
            text = _("no service required")
        elif r.consistent in CHOICES:
            text = _(CHOICES[r.consistent])
        else:
            text = str(r.consistent)
        rows.append([_(label), text, r.units or "–"])
    return _table([_("Setting"), _("Consistent with"), _("Units that bind")], rows,
                  [False] * 3, [cls] * 3)


def _verdict(e, num) -> str:
    """Whether some weights make the plan optimal (inverse optimisation), and if not by how
    much it misses."""
    w = e.inverse.weights_
    weights = ", ".join(f"{_(TERMS[k])} {num(getattr(w, k), 'float2')}" for k in TERMS)
    if e.inverse.optimal_:
        return _("Within the tightest criteria it meets, the plan is optimal under "
                 "the weights {weights}.").format(weights=weights)
    moved = e.differences.loc[~e.differences["same"], "new_unit"].astype(str).tolist()
    return _(
        "No weights in the criteria space make the plan optimal. Under the closest "
        "({weights}) its objective exceeds the optimum by the equivalent of {gap} minutes of "
        "mean travel time; the nearest optimal plan moves {moved} municipalities, and these "
        "units differ: {units}.").format(
        weights=weights, gap=num(60.0 * e.inverse.gap_, "float1"),
        moved=num(e.inverse.distance_), units=", ".join(moved) or "–")


def _differences(d, num, cls: str, pop_cls: str, names: dict[str, str]) -> dict:
    """Unit by unit, the official plan beside the nearest optimal one, with names."""

    def named(codes: object, fallback: object) -> str:
        items = [c.strip() for c in str(codes).split(",") if c.strip()]
        if not items or not all(c in names for c in items):
            return str(fallback) or "–"
        return ", ".join(names[c] for c in items)

    return _table(
        [_("Unit"), _("Centre"), _("Centre (nearest)"), _("Same"), _("Municipalities leaving"),
         _("Municipalities joining"), _("Population"), _("Population (nearest)"),
         _("Mean travel time to centre, min"), _("Mean travel time (nearest), min"),
         _("Self-containment of flows"), _("Self-containment (nearest)")],
        [[str(r.new_unit), named(r.centre_official_id, r.centre_official),
          named(r.centre_nearest_id, r.centre_nearest), _("yes") if r.same else _("no"),
          named(r.leave_codes, r.leave), named(r.join_codes, r.join),
          num(r.population_official),
          num(r.population_nearest), num(r.mean_minutes_to_centre_official, "minutes"),
          num(r.mean_minutes_to_centre_nearest, "minutes"),
          num(_nan(r.self_containment_official), "percent"),
          num(_nan(r.self_containment_nearest), "percent")] for r in d.itertuples()],
        [False] * 6 + [True] * 6, [cls] * 6 + [pop_cls] * 2 + [cls] * 4)


def _nan(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return np.nan



def official_frames(explanation) -> dict[str, pd.DataFrame]:
    """The official plan's tables for the workbook (sheet title -> raw table; the CSVs of
    ``aimak explain-plan``)."""
    e = explanation
    return {N_("Official plan, checks"): e.checks, N_("Official plan, ranges"): e.ranges,
            N_("Official plan, weights"): e.weights,
            N_("Official plan, differences"): e.differences}
