"""The independent validity check: does a plan satisfy every hard criterion, and if not, where.

This module recomputes everything from the instance's settlement-level arrays and the raw
adjacency, without the solvers' derived matrices, so that it can vouch for their output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from aimak.plans.instance import Instance, Plan


@dataclass(frozen=True)
class Violation:
    """One unmet criterion: which new unit, the value found and the limit it breaks."""

    criterion: str
    unit: int | None
    value: float | None
    limit: float | None
    message: str


def check_plan(inst: Instance, plan: Plan) -> list[Violation]:
    """Return every violation of the instance's hard criteria by ``plan`` (empty if valid)."""
    c = inst.criteria
    out: list[Violation] = []
    labels, centres = plan.labels, plan.centres
    p = len(centres)
    if labels.shape != (inst.n,):
        return [Violation("structure", None, len(labels), inst.n,
                          f"the plan assigns {len(labels)} municipalities; the instance has "
                          f"{inst.n}")]
    if labels.min(initial=0) < 0 or labels.max(initial=-1) >= p:
        return [Violation("structure", None, None, None,
                          "a municipality is assigned to a unit without a centre")]
    ids = plan.unit_ids

    def uid(k: int) -> object:  # a unit's given id (e.g. of an official plan), else its index
        return ids[k] if ids is not None and len(ids) == p else k

    size = np.bincount(labels, minlength=p)
    for k in np.flatnonzero(size == 0):
        out.append(Violation("structure", int(k), 0, 1, f"unit {k} has no municipality"))

    cu = inst.settlement_unit[centres]
    for k in np.flatnonzero(labels[cu] != np.arange(p)):
        out.append(Violation("centre", int(k), None, None,
                             f"the centre of unit {uid(k)} ({inst.settlement_names[centres[k]]}) "
                             "is not one of its settlements"))
    for k in np.flatnonzero(~np.isin(centres, inst.candidates)):
        reason = ("lacks a required service (" + ", ".join(c.centre_services) + ")"
                  if not inst.eligible[centres[k]] else "is not an allowed centre "
                  f"({c.centre_candidates.replace('_', ' ')})")
        out.append(Violation("centre_services", int(k), None, None,
                             f"the centre of unit {uid(k)} ({inst.settlement_names[centres[k]]}) "
                             f"{reason}"))

    pop = np.bincount(labels, weights=inst.population, minlength=p)
    if c.min_population is not None:
        has_exempt = np.bincount(labels, weights=inst.exempt, minlength=p) > 0
        for k in np.flatnonzero((pop < c.min_population - 1e-6) & ~has_exempt):
            out.append(Violation("min_population", int(k), float(pop[k]), c.min_population,
                                 f"unit {uid(k)} has {pop[k]:,.0f} inhabitants, "
                                 f"{c.min_population - pop[k]:,.0f} fewer than the minimum"))
    if c.max_population is not None:
        for k in np.flatnonzero(pop > c.max_population + 1e-6):
            out.append(Violation("max_population", int(k), float(pop[k]), c.max_population,
                                 f"unit {uid(k)} has {pop[k]:,.0f} inhabitants, "
                                 f"{pop[k] - c.max_population:,.0f} more than the maximum"))

    s_label = labels[inst.settlement_unit]
    s_centre = centres[s_label]
    for name, M, limit, unit in (("max_minutes", inst.minutes, c.max_minutes, "min"),
                                 ("max_km", inst.km, c.max_km, "km")):
        if limit is None or M is None:
            continue
        t = M[np.arange(len(s_label)), s_centre].astype(float)
        lim = np.full(len(t), float(limit))
        if c.keep_current_access:
            cur = inst.official_centre[inst.settlement_unit]
            now = M[np.arange(len(t)), cur].astype(float)
            lim = np.maximum(lim, np.where(np.isfinite(now), now, lim))
        over = ~(t <= lim + 1e-4)
        worst = np.full(p, -np.inf)
        np.maximum.at(worst, s_label, np.where(over, t - lim, -np.inf))
        for k in np.flatnonzero(worst > 0):
            far = np.flatnonzero((s_label == k) & over)
            shown = ", ".join(str(inst.settlement_names[s]) for s in far[:3])
            out.append(Violation(name, int(k), float(worst[k]), limit,
                                 f"unit {uid(k)}: {len(far)} settlement(s) beyond the limit of "
                                 f"{limit:g} {unit} from the centre (by up to {worst[k]:.0f} "
                                 f"{unit}; e.g. {shown})"))

    if c.contiguity:
        A = sp.coo_matrix(inst.adjacency)
        same = labels[A.row] == labels[A.col]
        G = sp.csr_matrix((np.ones(same.sum()), (A.row[same], A.col[same])),
                          shape=(inst.n, inst.n))
        _ncomp, comp = connected_components(G, directed=False)
        parts = pd.Series(comp).groupby(labels).nunique().reindex(range(p), fill_value=0)
        for k in np.flatnonzero(parts.to_numpy() > 1):
            out.append(Violation("contiguity", int(k), float(parts[k]), 1,
                                 f"unit {uid(k)} consists of {parts[k]} separate territories"))

    if c.stay_within != "none":
        ok = inst.group_ok(inst.group, inst.group[cu][labels])
        for u in np.flatnonzero(~ok):
            k = labels[u]
            out.append(Violation("stay_within", int(k), None, None,
                                 f"{inst.unit_names[u]} ({inst.group_names[inst.group[u]]}) is "
                                 f"joined to a centre in {inst.group_names[inst.group[cu[k]]]}"))

    for a, b in inst.must_merge:
        if labels[a] != labels[b]:
            out.append(Violation("must_merge", int(labels[a]), None, None,
                                 f"{inst.units[a]} and {inst.units[b]} must be merged but are "
                                 f"in units {labels[a]} and {labels[b]}"))
    for a, b in inst.must_not_merge:
        if labels[a] == labels[b]:
            out.append(Violation("must_not_merge", int(labels[a]), None, None,
                                 f"{inst.units[a]} and {inst.units[b]} must not be merged but "
                                 f"share unit {labels[a]}"))
    if c.max_units is not None and p > c.max_units:
        out.append(Violation("max_units", None, float(p), float(c.max_units),
                             f"the plan has {p} units, {p - c.max_units} more than the cap"))
    return out


def is_valid(inst: Instance, plan: Plan) -> bool:
    return not check_plan(inst, plan)


def violations_frame(violations: list[Violation]) -> pd.DataFrame:
    return pd.DataFrame([v.__dict__ for v in violations],
                        columns=["criterion", "unit", "value", "limit", "message"])
