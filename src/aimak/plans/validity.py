"""The independent validity check: does a plan satisfy every hard criterion, and if not, where.

This module recomputes everything from the instance's settlement-level arrays and the raw
adjacency, without the solvers' derived matrices, so that it can vouch for their output.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from aimak.i18n import N_, get_language, say
from aimak.plans.instance import Instance, Plan


@dataclass(frozen=True)
class Violation:
    """One unmet criterion: which new unit, the value found and the limit it breaks.

    ``template`` is an English message id of ``aimak.i18n`` and ``params`` its values (numbers
    are written as the language writes them): ``message`` is the English sentence (logs, CLI,
    CSV files), ``text(lang)`` the sentence in a user's language (the platform's pages).
    """

    criterion: str
    unit: int | None
    value: float | None
    limit: float | None
    template: str
    params: dict[str, object] = field(default_factory=dict, hash=False)

    @property
    def message(self) -> str:
        return self.text("en")

    def text(self, lang: str | None = None) -> str:
        """The sentence in ``lang`` (default: the current language of ``aimak.i18n``)."""
        return say(self.template, self.params, lang or get_language())


def check_plan(inst: Instance, plan: Plan) -> list[Violation]:
    """Return every violation of the instance's hard criteria by ``plan`` (empty if valid)."""
    c = inst.criteria
    out: list[Violation] = []
    labels, centres = plan.labels, plan.centres
    p = len(centres)
    if labels.shape != (inst.n,):
        return [Violation("structure", None, len(labels), inst.n,
                          N_("the plan assigns {given} municipalities; the instance has {n}"),
                          {"given": len(labels), "n": inst.n})]
    if labels.min(initial=0) < 0 or labels.max(initial=-1) >= p:
        return [Violation("structure", None, None, None,
                          N_("a municipality is assigned to a unit without a centre"))]
    ids = plan.unit_ids

    def uid(k: int) -> str:  # a unit's given id (e.g. of an official plan), else its index
        return str(ids[k] if ids is not None and len(ids) == p else k)

    size = np.bincount(labels, minlength=p)
    for k in np.flatnonzero(size == 0):
        out.append(Violation("structure", int(k), 0, 1, N_("unit {unit} has no municipality"),
                             {"unit": str(k)}))

    cu = inst.settlement_unit[centres]
    for k in np.flatnonzero(labels[cu] != np.arange(p)):
        out.append(Violation("centre", int(k), None, None,
                             N_("the centre of unit {unit} ({centre}) is not one of its "
                                "settlements"),
                             {"unit": uid(k), "centre": inst.settlement_names[centres[k]]}))
    for k in np.flatnonzero(~np.isin(centres, inst.candidates)):
        if not inst.eligible[centres[k]]:
            template = N_("the centre of unit {unit} ({centre}) lacks a required service "
                          "({services})")
        else:
            template = N_("the centre of unit {unit} ({centre}) is not an allowed centre "
                          "({services})")
        out.append(Violation("centre_services", int(k), None, None, template, {
            "unit": uid(k), "centre": inst.settlement_names[centres[k]],
            "services": ", ".join(c.centre_services) if not inst.eligible[centres[k]]
            else c.centre_candidates.replace("_", " ")}))

    pop = np.bincount(labels, weights=inst.population, minlength=p)
    if c.min_population is not None:
        has_exempt = np.bincount(labels, weights=inst.exempt, minlength=p) > 0
        for k in np.flatnonzero((pop < c.min_population - 1e-6) & ~has_exempt):
            out.append(Violation("min_population", int(k), float(pop[k]), c.min_population,
                                 N_("unit {unit} has {population} inhabitants, {gap} fewer than "
                                    "the minimum"),
                                 {"unit": uid(k), "population": round(pop[k]),
                                  "gap": round(c.min_population - pop[k])}))
    if c.max_population is not None:
        for k in np.flatnonzero(pop > c.max_population + 1e-6):
            out.append(Violation("max_population", int(k), float(pop[k]), c.max_population,
                                 N_("unit {unit} has {population} inhabitants, {gap} more than "
                                    "the maximum"),
                                 {"unit": uid(k), "population": round(pop[k]),
                                  "gap": round(pop[k] - c.max_population)}))

    s_label = labels[inst.settlement_unit]
    s_centre = centres[s_label]
    beyond = {"max_minutes": N_("unit {unit}: {n} settlement(s) beyond the limit of {limit} min "
                                "from the centre (by up to {excess} min; e.g. {names})"),
              "max_km": N_("unit {unit}: {n} settlement(s) beyond the limit of {limit} km from "
                           "the centre (by up to {excess} km; e.g. {names})")}
    for name, M, limit in (("max_minutes", inst.minutes, c.max_minutes),
                           ("max_km", inst.km, c.max_km)):
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
            out.append(Violation(name, int(k), float(worst[k]), limit, beyond[name],
                                 {"unit": uid(k), "n": len(far), "limit": limit,
                                  "excess": round(worst[k]), "names": shown}))

    if c.contiguity:
        A = sp.coo_matrix(inst.adjacency)
        same = labels[A.row] == labels[A.col]
        G = sp.csr_matrix((np.ones(same.sum()), (A.row[same], A.col[same])),
                          shape=(inst.n, inst.n))
        _ncomp, comp = connected_components(G, directed=False)
        parts = pd.Series(comp).groupby(labels).nunique().reindex(range(p), fill_value=0)
        for k in np.flatnonzero(parts.to_numpy() > 1):
            out.append(Violation("contiguity", int(k), float(parts[k]), 1,
                                 N_("unit {unit} consists of {parts} separate territories"),
                                 {"unit": uid(k), "parts": int(parts[k])}))

    if c.stay_within != "none":
        ok = inst.group_ok(inst.group, inst.group[cu][labels])
        for u in np.flatnonzero(~ok):
            k = labels[u]
            out.append(Violation("stay_within", int(k), None, None,
                                 N_("{municipality} ({area}) is joined to a centre in {other}"),
                                 {"municipality": inst.unit_names[u],
                                  "area": inst.group_names[inst.group[u]],
                                  "other": inst.group_names[inst.group[cu[k]]]}))

    for a, b in inst.must_merge:
        if labels[a] != labels[b]:
            out.append(Violation("must_merge", int(labels[a]), None, None,
                                 N_("{a} and {b} must be merged but are in units {unit_a} and "
                                    "{unit_b}"),
                                 {"a": inst.units[a], "b": inst.units[b],
                                  "unit_a": uid(labels[a]), "unit_b": uid(labels[b])}))
    for a, b in inst.must_not_merge:
        if labels[a] == labels[b]:
            out.append(Violation("must_not_merge", int(labels[a]), None, None,
                                 N_("{a} and {b} must not be merged but share unit {unit}"),
                                 {"a": inst.units[a], "b": inst.units[b],
                                  "unit": uid(labels[a])}))
    if c.max_units is not None and p > c.max_units:
        out.append(Violation("max_units", None, float(p), float(c.max_units),
                             N_("the plan has {p} units, {excess} more than the cap"),
                             {"p": p, "excess": p - c.max_units}))
    return out


def assert_valid(inst: Instance, plan: Plan, who: str, kept: set[int] = frozenset()) -> None:
    """Solvers never return a plan this independent check rejects (that would be a bug);
    units kept as given (``kept``) may still break what they broke before."""
    bad = [v for v in check_plan(inst, plan) if v.unit is None or v.unit not in kept]
    if bad:
        raise RuntimeError(f"internal error: the {who} solver produced an invalid plan: "
                           + "; ".join(v.message for v in bad[:5]))


def check_solved(inst: Instance, plan: Plan, solved: np.ndarray) -> list[Violation]:
    """Violations of ``plan`` on the ``solved`` municipalities only (a boolean per
    municipality): parts left unsolved keep today's municipalities, which break the criteria;
    that is their diagnosis, not a solver's fault."""
    if solved.all():
        return check_plan(inst, plan)
    keep = np.flatnonzero(solved)
    used, relabel = np.unique(plan.labels[keep], return_inverse=True)
    S = np.flatnonzero(np.isin(inst.settlement_unit, keep))
    smap = np.full(len(inst.settlement_unit), -1)
    smap[S] = np.arange(len(S))
    return check_plan(inst.subset(keep), Plan(relabel, smap[plan.centres[used]]))


def is_valid(inst: Instance, plan: Plan) -> bool:
    return not check_plan(inst, plan)


def violations_frame(violations: list[Violation]) -> pd.DataFrame:
    return pd.DataFrame([(v.criterion, v.unit, v.value, v.limit, v.message) for v in violations],
                        columns=["criterion", "unit", "value", "limit", "message"])
