"""The independent validity check: does a plan satisfy every hard criterion, and if not, where.

This module recomputes everything from the instance's settlement-level arrays and the raw
adjacency, without the solvers' derived matrices, so that it can vouch for their output.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from aimak.i18n import N_, get_language, say
from aimak.plans.criteria import Criteria
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


@dataclass
class PlanFacts:
    """What every criterion's check reads of a plan, computed once."""

    inst: Instance
    labels: np.ndarray
    centres: np.ndarray
    unit_ids: np.ndarray | None

    @property
    def p(self) -> int:
        return len(self.centres)

    def uid(self, k: int) -> str:
        """A unit's given id (e.g. of an official plan), else its index."""
        ids = self.unit_ids
        return str(ids[k] if ids is not None and len(ids) == self.p else k)

    @cached_property
    def population(self) -> np.ndarray:
        return np.bincount(self.labels, weights=self.inst.population, minlength=self.p)

    @cached_property
    def centre_unit(self) -> np.ndarray:
        """The municipality of each unit's centre."""
        return self.inst.settlement_unit[self.centres]


def _structure(f: PlanFacts) -> list[Violation]:
    size = np.bincount(f.labels, minlength=f.p)
    return [Violation("structure", int(k), 0, 1, N_("unit {unit} has no municipality"),
                      {"unit": str(k)}) for k in np.flatnonzero(size == 0)]


def _centre(f: PlanFacts) -> list[Violation]:
    return [Violation("centre", int(k), None, None,
                      N_("the centre of unit {unit} ({centre}) is not one of its settlements"),
                      {"unit": f.uid(k), "centre": f.inst.settlement_names[f.centres[k]]})
            for k in np.flatnonzero(f.labels[f.centre_unit] != np.arange(f.p))]


def _centre_services(f: PlanFacts) -> list[Violation]:
    inst, c, out = f.inst, f.inst.criteria, []
    for k in np.flatnonzero(~np.isin(f.centres, inst.candidates)):
        eligible = inst.eligible[f.centres[k]]
        template = (N_("the centre of unit {unit} ({centre}) is not an allowed centre "
                       "({services})") if eligible else
                    N_("the centre of unit {unit} ({centre}) lacks a required service "
                       "({services})"))
        out.append(Violation("centre_services", int(k), None, None, template, {
            "unit": f.uid(k), "centre": inst.settlement_names[f.centres[k]],
            "services": c.centre_candidates.replace("_", " ") if eligible
            else ", ".join(c.centre_services)}))
    return out


def _min_population(f: PlanFacts) -> list[Violation]:
    c, pop = f.inst.criteria, f.population
    has_exempt = np.bincount(f.labels, weights=f.inst.exempt, minlength=f.p) > 0
    return [Violation("min_population", int(k), float(pop[k]), c.min_population,
                      N_("unit {unit} has {population} inhabitants, {gap} fewer than the "
                         "minimum"),
                      {"unit": f.uid(k), "population": round(pop[k]),
                       "gap": round(c.min_population - pop[k])})
            for k in np.flatnonzero((pop < c.min_population - 1e-6) & ~has_exempt)]


def _max_population(f: PlanFacts) -> list[Violation]:
    c, pop = f.inst.criteria, f.population
    return [Violation("max_population", int(k), float(pop[k]), c.max_population,
                      N_("unit {unit} has {population} inhabitants, {gap} more than the "
                         "maximum"),
                      {"unit": f.uid(k), "population": round(pop[k]),
                       "gap": round(pop[k] - c.max_population)})
            for k in np.flatnonzero(pop > c.max_population + 1e-6)]


BEYOND = {"max_minutes": N_("unit {unit}: {n} settlement(s) beyond the limit of {limit} min "
                            "from the centre (by up to {excess} min; e.g. {names})"),
          "max_km": N_("unit {unit}: {n} settlement(s) beyond the limit of {limit} km from "
                       "the centre (by up to {excess} km; e.g. {names})")}


def _travel(name: str) -> Callable[[PlanFacts], list[Violation]]:
    """The check of ``max_minutes`` or ``max_km`` (with ``keep_current_access``)."""

    def check(f: PlanFacts) -> list[Violation]:
        inst, c = f.inst, f.inst.criteria
        M, limit = (inst.minutes, c.max_minutes) if name == "max_minutes" else (inst.km,
                                                                                 c.max_km)
        if M is None:
            return []
        s_label = f.labels[inst.settlement_unit]
        t = M[np.arange(len(s_label)), f.centres[s_label]].astype(float)
        lim = np.full(len(t), float(limit))
        if c.keep_current_access:
            now = M[np.arange(len(t)), inst.official_centre[inst.settlement_unit]].astype(float)
            lim = np.maximum(lim, np.where(np.isfinite(now), now, lim))
        over = ~(t <= lim + 1e-4)
        worst = np.full(f.p, -np.inf)
        np.maximum.at(worst, s_label, np.where(over, t - lim, -np.inf))
        out = []
        for k in np.flatnonzero(worst > 0):
            far = np.flatnonzero((s_label == k) & over)
            shown = ", ".join(str(inst.settlement_names[s]) for s in far[:3])
            out.append(Violation(name, int(k), float(worst[k]), limit, BEYOND[name],
                                 {"unit": f.uid(k), "n": len(far), "limit": limit,
                                  "excess": round(worst[k]), "names": shown}))
        return out

    return check


def _contiguity(f: PlanFacts) -> list[Violation]:
    inst = f.inst
    A = sp.coo_matrix(inst.adjacency)
    same = f.labels[A.row] == f.labels[A.col]
    G = sp.csr_matrix((np.ones(same.sum()), (A.row[same], A.col[same])),
                      shape=(inst.n, inst.n))
    _ncomp, comp = connected_components(G, directed=False)
    parts = pd.Series(comp).groupby(f.labels).nunique().reindex(range(f.p), fill_value=0)
    return [Violation("contiguity", int(k), float(parts[k]), 1,
                      N_("unit {unit} consists of {parts} separate territories"),
                      {"unit": f.uid(k), "parts": int(parts[k])})
            for k in np.flatnonzero(parts.to_numpy() > 1)]


def _stay_within(f: PlanFacts) -> list[Violation]:
    inst = f.inst
    ok = inst.group_ok(inst.group, inst.group[f.centre_unit][f.labels])
    return [Violation("stay_within", int(f.labels[u]), None, None,
                      N_("{municipality} ({area}) is joined to a centre in {other}"),
                      {"municipality": inst.unit_names[u],
                       "area": inst.group_names[inst.group[u]],
                       "other": inst.group_names[inst.group[f.centre_unit[f.labels[u]]]]})
            for u in np.flatnonzero(~ok)]


def _must_merge(f: PlanFacts) -> list[Violation]:
    inst, lab = f.inst, f.labels
    return [Violation("must_merge", int(lab[a]), None, None,
                      N_("{a} and {b} must be merged but are in units {unit_a} and {unit_b}"),
                      {"a": inst.units[a], "b": inst.units[b], "unit_a": f.uid(lab[a]),
                       "unit_b": f.uid(lab[b])})
            for a, b in inst.must_merge if lab[a] != lab[b]]


def _must_not_merge(f: PlanFacts) -> list[Violation]:
    inst, lab = f.inst, f.labels
    return [Violation("must_not_merge", int(lab[a]), None, None,
                      N_("{a} and {b} must not be merged but share unit {unit}"),
                      {"a": inst.units[a], "b": inst.units[b], "unit": f.uid(lab[a])})
            for a, b in inst.must_not_merge if lab[a] == lab[b]]


def _max_units(f: PlanFacts) -> list[Violation]:
    cap = f.inst.criteria.max_units
    if f.p <= cap:
        return []
    return [Violation("max_units", None, float(f.p), float(cap),
                      N_("the plan has {p} units, {excess} more than the cap"),
                      {"p": f.p, "excess": f.p - cap})]


#: The check of each hard criterion, and when it applies: one entry per criterion, so a new
#: criterion is one function and one row.
CHECKS: list[tuple[str, Callable[[Criteria], bool], Callable[[PlanFacts], list[Violation]]]] = [
    ("structure", lambda c: True, _structure),
    ("centre", lambda c: True, _centre),
    ("centre_services", lambda c: True, _centre_services),
    ("min_population", lambda c: c.min_population is not None, _min_population),
    ("max_population", lambda c: c.max_population is not None, _max_population),
    ("max_minutes", lambda c: c.max_minutes is not None, _travel("max_minutes")),
    ("max_km", lambda c: c.max_km is not None, _travel("max_km")),
    ("contiguity", lambda c: c.contiguity, _contiguity),
    ("stay_within", lambda c: c.stay_within != "none", _stay_within),
    ("must_merge", lambda c: bool(c.must_merge), _must_merge),
    ("must_not_merge", lambda c: bool(c.must_not_merge), _must_not_merge),
    ("max_units", lambda c: c.max_units is not None, _max_units),
]


def check_plan(inst: Instance, plan: Plan) -> list[Violation]:
    """Return every violation of the instance's hard criteria by ``plan`` (empty if valid)."""
    labels, centres = plan.labels, plan.centres
    p = len(centres)
    if labels.shape != (inst.n,):
        return [Violation("structure", None, len(labels), inst.n,
                          N_("the plan assigns {given} municipalities; the instance has {n}"),
                          {"given": len(labels), "n": inst.n})]
    if labels.min(initial=0) < 0 or labels.max(initial=-1) >= p:
        return [Violation("structure", None, None, None,
                          N_("a municipality is assigned to a unit without a centre"))]
    facts = PlanFacts(inst, labels, centres, plan.unit_ids)
    return [v for _name, applies, check in CHECKS if applies(inst.criteria)
            for v in check(facts)]


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
