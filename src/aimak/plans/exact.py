"""Exact amalgamation with OR-Tools CP-SAT: proven optimal plans for a rayon or an oblast.

The model assigns each municipality u to a candidate centre c (binary x[u, c]); a centre is
open when its own municipality is assigned to it. Population, travel-time, border, pair and
count criteria are linear constraints. Contiguity is enforced exactly by cut constraints added
lazily: the model is solved, every disconnected piece S of a unit is cut off with
``x[u, c] <= sum(x[v, c] for v adjacent to S)``, and the model is solved again until every unit
is contiguous. The bound of the last solve is a valid bound of the full problem, so the
reported gap is honest.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import scipy.sparse as sp
from ortools.sat.python import cp_model
from scipy.sparse.csgraph import connected_components
from sklearn.base import BaseEstimator

from aimak.i18n import N_, Said
from aimak.plans.cpmodel import SCALE, build
from aimak.plans.feasibility import InfeasibleError, diagnose
from aimak.plans.instance import Instance, Plan
from aimak.plans.validity import assert_valid, check_plan


class ExactSolver(BaseEstimator):
    """Solve an amalgamation instance to proven optimality (or report the gap).

    Parameters: ``time_limit`` seconds in total, ``workers`` CP-SAT search workers, ``seed``.
    After ``fit``: ``plan_``, ``objective_``, ``bound_``, ``gap_`` (relative), ``status_``
    ('optimal' or 'feasible'), ``iterations_`` (cut rounds) and ``cuts_``.
    """

    def __init__(self, time_limit: float = 60.0, workers: int = 8, seed: int = 0,
                 explain: bool = True):
        self.explain = explain
        self.time_limit = time_limit
        self.workers = workers
        self.seed = seed

    def fit(self, inst: Instance, hint: Plan | None = None) -> ExactSolver:
        """Solve ``inst``; ``hint`` is a valid plan to start from (e.g. the heuristic's)."""
        reasons = diagnose(inst)
        if reasons:
            raise InfeasibleError(reasons)
        start = time.perf_counter()
        self.iterations_ = 0
        self.cuts_ = 0
        parts = independent_parts(inst)
        self.parts_ = len(parts)
        if len(parts) == 1:
            plan, status, raw, offset = self._solve(inst, self.time_limit, hint)
            parts_out = [(np.arange(inst.n), plan)]
            statuses, bound = [status], raw + offset + inst.constant_cost()
        else:
            parts_out, statuses, bound = [], [], inst.constant_cost()
            remaining = inst.n
            for units in sorted(parts, key=len):
                left = self.time_limit - (time.perf_counter() - start)
                sub = inst.subset(units)
                sub_hint = None if hint is None else _sub_plan(hint, units, sub, inst)
                plan, status, raw, offset = self._solve(
                    sub, max(left * len(units) / remaining, 1.0), sub_hint)
                remaining -= len(units)
                parts_out.append((units, plan))
                statuses.append(status)
                bound += raw + offset
        plan = Plan.join(inst, parts_out)
        if (hint is not None and inst.objective(hint) < inst.objective(plan) - 1e-12
                and not check_plan(inst, hint)):
            plan = Plan(hint.labels, hint.centres).canonical()
        self.status_ = "optimal" if all(s == "optimal" for s in statuses) else "feasible"
        self.objective_ = inst.objective(plan)
        self.bound_ = min(bound, self.objective_) if self.status_ == "optimal" else bound
        denom = max(abs(self.objective_), 1e-9)
        self.gap_ = 0.0 if self.status_ == "optimal" else max(
            0.0, (self.objective_ - self.bound_) / denom)
        plan.status = self.status_
        plan.name = "exact"
        assert_valid(inst, plan, "exact")
        self.plan_ = plan
        self.seconds_ = time.perf_counter() - start
        return self

    def _solve(self, inst: Instance, time_limit: float, hint: Plan | None
               ) -> tuple[Plan, str, float, float]:
        """Solve one part; return plan, status, raw bound and the objective offset.

        The model (``aimak.plans.cpmodel.build``) is solved, every piece of a unit cut off from
        its centre is forbidden (``cut_off``), and the model solved again until every unit is
        contiguous."""
        m = build(inst)
        if hint is not None:
            m.hint(hint)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = self.workers
        solver.parameters.random_seed = self.seed
        solver.parameters.linearization_level = 2
        start = time.perf_counter()
        while True:
            left = time_limit - (time.perf_counter() - start)
            solver.parameters.max_time_in_seconds = max(left, 0.5)
            status = solver.Solve(m.model)
            self.iterations_ += 1
            if status == cp_model.INFEASIBLE:
                raise InfeasibleError(self._why_infeasible(inst))
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                raise InfeasibleError([Said(N_("the solver found no plan within {seconds} s "
                                               "(try a longer time limit or the heuristic)"),
                                            seconds=time_limit)])
            assign = m.assignment(solver)
            cuts = _cut_pieces(inst, assign) if inst.criteria.contiguity else []
            if not cuts:
                plan = _plan_from_assignment(assign, inst)
                break
            for piece, _ in cuts:
                self.cuts_ += m.cut_off(piece)
            m.model.ClearHints()
            if time.perf_counter() - start > time_limit:
                raise InfeasibleError([Said(N_("contiguity cuts did not converge within "
                                               "{seconds} s; use the heuristic"),
                                            seconds=time_limit)])
        status_text = "optimal" if status == cp_model.OPTIMAL else "feasible"
        return plan, status_text, solver.BestObjectiveBound() / SCALE, m.offset

    def _why_infeasible(self, inst: Instance) -> list[str]:
        """One sentence that no plan exists (and where), then, when ``explain``, which single
        criterion would allow one and where a plan without it breaks it."""
        if len(inst.group_names) > 1 and len(np.unique(inst.group)) == 1:
            out = [Said(N_("the criteria together admit no plan in {stay_within} {group}"),
                        stay_within=inst.criteria.stay_within,
                        group=inst.group_names[inst.group[0]])]
        else:
            out = [Said(N_("the criteria together admit no plan"))]
        if not self.explain:
            return out
        fixes = relaxations(inst, time_limit=min(10.0, self.time_limit))
        if not fixes:
            return [*out, Said(N_("no single criterion is to blame (at least two conflict)"))]
        return [*out, Said(N_("dropping any one of these criteria would allow one: "
                              "{criteria}"), criteria=", ".join(k for k, _ in fixes))] + [
            Said(N_("a plan without {criterion} breaks it at: {places}"), criterion=k,
                 places=places) for k, places in fixes if places]


#: Criteria tried one at a time by ``relaxations`` and the value that switches each one off.
RELAXABLE = {
    "min_population": None, "max_population": None, "max_minutes": None, "max_km": None,
    "centre_services": (), "stay_within": "none", "contiguity": False, "must_merge": (),
    "must_not_merge": (), "max_units": None,
}


def relaxations(inst: Instance, time_limit: float = 10.0) -> list[tuple[str, str]]:
    """Criteria whose removal alone makes the instance feasible (each tried with the exact
    model for at most ``time_limit`` seconds), each with where the relaxed plan breaks it
    (``(criterion, places)``, places empty when the check names none)."""
    found = []
    for key, off in RELAXABLE.items():
        if getattr(inst.criteria, key) == off:
            continue
        crit = inst.criteria.model_copy(update={key: off})
        if key == "centre_services":
            cand = np.flatnonzero(np.isin(np.arange(len(inst.settlement_unit)),
                                          inst.official_centre))
            sub = dataclasses.replace(inst, criteria=crit, candidates=cand,
                                      eligible=np.ones_like(inst.eligible))
        else:
            sub = dataclasses.replace(inst, criteria=crit)
        try:
            plan = ExactSolver(time_limit=time_limit, explain=False).fit(sub).plan_
        except InfeasibleError:
            continue
        broken = [v for v in check_plan(inst, plan) if v.criterion == key]
        where = []
        for v in broken[:3]:
            if v.unit is not None:
                members = np.flatnonzero(plan.labels == v.unit)
                names = ", ".join(str(inst.unit_names[u]) for u in members[:4])
                where.append(f"{names}" + (f" ({v.value:.0f})" if v.value is not None
                                            else ""))
        found.append((key, "; ".join(where)))
    return found


def _cut_pieces(inst: Instance, assign: np.ndarray) -> list[tuple[set[int], int]]:
    """Pieces of units not connected to their centre's municipality."""
    A = sp.coo_matrix(inst.adjacency)
    same = assign[A.row] == assign[A.col]
    G = sp.csr_matrix((np.ones(same.sum()), (A.row[same], A.col[same])),
                      shape=(inst.n, inst.n))
    _, comp = connected_components(G, directed=False)
    out = []
    for c in np.unique(assign):
        home = comp[inst.cand_unit[c]]
        members = np.flatnonzero(assign == c)
        for piece_id in np.unique(comp[members]):
            if piece_id != home:
                out.append((set(members[comp[members] == piece_id].tolist()), int(c)))
    return out


def independent_parts(inst: Instance) -> list[np.ndarray]:
    """Groups of municipalities that no plan can merge across (different rayons when units
    stay within one, or separate land masses when units must be contiguous); solved apart."""
    c = inst.criteria
    if c.max_units is not None:
        return [np.arange(inst.n)]
    A = sp.coo_matrix(inst.adjacency)
    keep = np.ones(len(A.row), bool)
    if c.stay_within != "none" and not c.cross_border_allowed:
        keep &= inst.group[A.row] == inst.group[A.col]
    elif not c.contiguity:
        return [np.arange(inst.n)]
    if not c.contiguity:
        comp = inst.group
    else:
        G = sp.csr_matrix((np.ones(keep.sum()), (A.row[keep], A.col[keep])),
                          shape=(inst.n, inst.n))
        _, comp = connected_components(G, directed=False)
    return [np.flatnonzero(comp == g) for g in np.unique(comp)]


def _sub_plan(plan: Plan, units: np.ndarray, sub: Instance, inst: Instance) -> Plan | None:
    labels = plan.labels[units]
    ks, new = np.unique(labels, return_inverse=True)
    smap = {int(s): i for i, s in enumerate(np.flatnonzero(np.isin(inst.settlement_unit, units)))}
    try:
        centres = np.array([smap[int(plan.centres[k])] for k in ks])
    except KeyError:
        return None
    return Plan(new, centres)


def _plan_from_assignment(assign: np.ndarray, inst: Instance) -> Plan:
    """Relabel candidate assignments to units 0..p-1 (in order of first municipality)."""
    _, first, labels = np.unique(assign, return_index=True, return_inverse=True)
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    cands = np.unique(assign)
    centres = np.empty(len(cands), np.int64)
    centres[rank] = inst.candidates[cands]
    return Plan(rank[labels], centres)
