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

import math
import time

import numpy as np
import scipy.sparse as sp
from ortools.sat.python import cp_model
from scipy.sparse.csgraph import connected_components
from sklearn.base import BaseEstimator

from aimak.i18n import N_, Said
from aimak.plans.feasibility import InfeasibleError, diagnose
from aimak.plans.instance import Instance, Plan

#: Objective coefficients are multiplied by this and rounded (CP-SAT works on integers).
SCALE = 1_000_000


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
        plan = _combine(inst, parts_out)
        if hint is not None and inst.objective(hint) < inst.objective(plan) - 1e-12:
            from aimak.plans.validity import check_plan

            if not check_plan(inst, hint):
                plan = canonical(Plan(hint.labels, hint.centres))
        self.status_ = "optimal" if all(s == "optimal" for s in statuses) else "feasible"
        self.objective_ = inst.objective(plan)
        self.bound_ = min(bound, self.objective_) if self.status_ == "optimal" else bound
        denom = max(abs(self.objective_), 1e-9)
        self.gap_ = 0.0 if self.status_ == "optimal" else max(
            0.0, (self.objective_ - self.bound_) / denom)
        plan.status = self.status_
        plan.name = "exact"
        from aimak.plans.heuristic import _assert_valid

        _assert_valid(inst, plan, "exact")
        self.plan_ = plan
        self.seconds_ = time.perf_counter() - start
        return self

    def _solve(self, inst: Instance, time_limit: float, hint: Plan | None
               ) -> tuple[Plan, str, float, float]:
        """Solve one part; return plan, status, raw bound and the objective offset."""
        crit = inst.criteria
        w = crit.weights
        n, k = inst.n, len(inst.candidates)
        own = inst.cand_unit
        allowed = inst.allowed & inst.allowed[own, np.arange(k)][None, :]
        P = inst.norm_population
        NU = inst.norm_units
        FN = inst.norm_flow

        m = cp_model.CpModel()
        x: dict[tuple[int, int], cp_model.IntVar] = {}
        for u, c in zip(*np.nonzero(allowed), strict=True):
            x[int(u), int(c)] = m.NewBoolVar(f"x{u}_{c}")
        by_unit: list[list[int]] = [[] for _ in range(n)]
        by_cand: list[list[int]] = [[] for _ in range(k)]
        for u, c in x:
            by_unit[u].append(c)
            by_cand[c].append(u)
        open_c = [c for c in range(k) if (int(own[c]), c) in x]
        y = {c: x[int(own[c]), c] for c in open_c}
        for u in range(n):
            m.AddExactlyOne(x[u, c] for c in by_unit[u])
        for (u, c), var in x.items():
            if c in y and u != own[c]:
                m.AddImplication(var, y[c])
        pop_lo = np.floor(inst.population).astype(np.int64)
        pop_hi = np.ceil(inst.population).astype(np.int64)
        for c in open_c:
            us = by_cand[c]
            if crit.min_population is not None and not inst.exempt[own[c]]:
                big = math.ceil(crit.min_population)
                m.Add(sum((big if inst.exempt[u] else int(pop_lo[u])) * x[u, c] for u in us)
                      >= big * y[c])
            if crit.max_population is not None:
                m.Add(sum(int(pop_hi[u]) * x[u, c] for u in us)
                      <= math.floor(crit.max_population) * y[c])
        for a, b in inst.must_merge:
            for c in set(by_unit[a]) | set(by_unit[b]):
                va, vb = x.get((int(a), c)), x.get((int(b), c))
                if va is None or vb is None:
                    m.Add((va if va is not None else vb) == 0)
                else:
                    m.Add(va == vb)
        for a, b in inst.must_not_merge:
            for c in set(by_unit[a]) & set(by_unit[b]):
                m.AddBoolOr([x[int(a), c].Not(), x[int(b), c].Not()])
        if crit.max_units is not None:
            m.Add(sum(y.values()) <= crit.max_units)

        adj = inst.adjacency.tolil().rows
        if crit.contiguity:
            for (u, c), var in x.items():
                if u == own[c]:
                    continue
                nb = [x[v, c] for v in adj[u] if (v, c) in x]
                if not nb:
                    m.Add(var == 0)
                else:
                    m.AddBoolOr([var.Not(), *nb])

        terms: list = []
        coefs: list[int] = []
        travel = w.travel * inst.cost / (P * 60.0)
        for (u, c), var in x.items():
            coef = travel[u, c] + (w.units / NU if u == own[c] else 0.0)
            terms.append(var)
            coefs.append(round(coef * SCALE))
        if w.balance:
            # balanced values in steps of ``bu`` so that sums stay within about a million steps
            bu = max(inst.norm_balance / 1e6, 1.0)
            vals = np.round(inst.bal / bu).astype(np.int64)
            target = round(inst.balance_target() / bu)
            for c in open_c:
                d = m.NewIntVar(0, int(vals.sum()) + target + 1, f"d{c}")
                load = sum(int(vals[u]) * x[u, c] for u in by_cand[c])
                m.Add(d >= load - target * y[c])
                m.Add(d >= target * y[c] - load)
                terms.append(d)
                coefs.append(round(w.balance * bu / inst.norm_balance * SCALE))
        if w.coherence and FN > 0:
            F = sp.triu(inst.flows + inst.flows.T, k=1).tocoo()
            for u, v, f in zip(F.row, F.col, F.data, strict=True):
                common = sorted(set(by_unit[u]) & set(by_unit[v]))
                if not common:
                    continue
                same = m.NewBoolVar(f"s{u}_{v}")
                m.AddBoolOr([same.Not(), *(x[int(u), c] for c in common)])
                for c in common:
                    m.AddBoolOr([same.Not(), x[int(u), c].Not(), x[int(v), c]])
                    m.AddBoolOr([same.Not(), x[int(v), c].Not(), x[int(u), c]])
                terms.append(same)
                coefs.append(-round(w.coherence * f / FN * SCALE))
        m.Minimize(sum(cf * t for cf, t in zip(coefs, terms, strict=True)))
        offset = 0.0
        if w.coherence and FN > 0:
            offset -= w.coherence * float(inst.flows.diagonal().sum()) / FN

        if hint is not None:
            self._add_hint(m, x, inst, hint)

        solver = cp_model.CpSolver()
        solver.parameters.num_workers = self.workers
        solver.parameters.random_seed = self.seed
        solver.parameters.linearization_level = 2
        start = time.perf_counter()
        while True:
            left = time_limit - (time.perf_counter() - start)
            solver.parameters.max_time_in_seconds = max(left, 0.5)
            status = solver.Solve(m)
            self.iterations_ += 1
            if status == cp_model.INFEASIBLE:
                raise InfeasibleError(self._why_infeasible(inst))
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                raise InfeasibleError([Said(N_("the solver found no plan within {seconds} s "
                                               "(try a longer time limit or the heuristic)"),
                                            seconds=time_limit)])
            assign = np.full(n, -1)
            for (u, c), var in x.items():
                if solver.Value(var):
                    assign[u] = c
            cuts = self._cuts(inst, assign, adj) if crit.contiguity else []
            if not cuts:
                plan = _plan_from_assignment(assign, inst)
                break
            for piece, _ in cuts:
                boundary = set()
                for u in piece:
                    boundary.update(v for v in adj[u] if v not in piece)
                for c in range(k):
                    if own[c] in piece or not any((u, c) in x for u in piece):
                        continue
                    outer = [x[v, c] for v in boundary if (v, c) in x]
                    for u in piece:
                        if (u, c) in x:
                            m.AddBoolOr([x[u, c].Not(), *outer])
                            self.cuts_ += 1
            m.ClearHints()
            if time.perf_counter() - start > time_limit:
                raise InfeasibleError([Said(N_("contiguity cuts did not converge within "
                                               "{seconds} s; use the heuristic"),
                                            seconds=time_limit)])
        status_text = "optimal" if status == cp_model.OPTIMAL else "feasible"
        return plan, status_text, solver.BestObjectiveBound() / SCALE, offset

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
        from aimak.plans.feasibility import relaxations

        fixes = relaxations(inst, time_limit=min(10.0, self.time_limit))
        if not fixes:
            return [*out, Said(N_("no single criterion is to blame (at least two conflict)"))]
        return [*out, Said(N_("dropping any one of these criteria would allow one: "
                              "{criteria}"), criteria=", ".join(k for k, _ in fixes))] + [
            Said(N_("a plan without {criterion} breaks it at: {places}"), criterion=k,
                 places=places) for k, places in fixes if places]

    @staticmethod
    def _cuts(inst: Instance, assign: np.ndarray, adj) -> list[tuple[set[int], int]]:
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

    @staticmethod
    def _add_hint(m: cp_model.CpModel, x: dict, inst: Instance, plan: Plan) -> None:
        for (u, c), var in x.items():
            cand = inst.candidates[c]
            m.AddHint(var, int(plan.centres[plan.labels[u]] == cand))


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


def _combine(inst: Instance, parts: list[tuple[np.ndarray, Plan]]) -> Plan:
    """Join sub-plans (municipality index arrays, plans on sub-instances) into one plan."""
    labels = np.empty(inst.n, np.int64)
    centres = []
    for units, plan in parts:
        S = np.flatnonzero(np.isin(inst.settlement_unit, units))
        labels[units] = plan.labels + len(centres)
        centres.extend(S[plan.centres].tolist())
    return canonical(Plan(labels, np.array(centres, np.int64)))


def canonical(plan: Plan) -> Plan:
    """Renumber units in order of their first municipality (a stable plan identity)."""
    _, first = np.unique(plan.labels, return_index=True)
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    ids = None if plan.unit_ids is None else np.asarray(plan.unit_ids, dtype=object)[order]
    return Plan(rank[plan.labels], plan.centres[order], plan.name, plan.status, ids)


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
