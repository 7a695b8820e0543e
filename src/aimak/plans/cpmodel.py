"""The CP-SAT model of an amalgamation instance, built criterion by criterion.

Each municipality u is assigned to one candidate centre c (binary ``x[u, c]``); a centre is
open (``y[c]``) when its own municipality is assigned to it. Every hard criterion and every
objective term is one function below that adds its constraints or terms to an
``AssignmentModel``; ``build`` applies those the criteria ask for. The exact solver
(``aimak.plans.exact``) solves the model and adds contiguity cuts lazily.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from ortools.sat.python import cp_model

from aimak.plans.instance import Instance, Plan

#: Objective coefficients are multiplied by this and rounded (CP-SAT works on integers).
SCALE = 1_000_000


class AssignmentModel:
    """A CP-SAT model of ``inst`` with its assignment variables and objective terms."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.k = len(inst.candidates)
        self.own = inst.cand_unit
        allowed = inst.allowed & inst.allowed[self.own, np.arange(self.k)][None, :]
        self.model = cp_model.CpModel()
        self.x: dict[tuple[int, int], cp_model.IntVar] = {
            (int(u), int(c)): self.model.NewBoolVar(f"x{u}_{c}")
            for u, c in zip(*np.nonzero(allowed), strict=True)}
        self.by_unit: list[list[int]] = [[] for _ in range(inst.n)]
        self.by_cand: list[list[int]] = [[] for _ in range(self.k)]
        for u, c in self.x:
            self.by_unit[u].append(c)
            self.by_cand[c].append(u)
        self.open_c = [c for c in range(self.k) if (int(self.own[c]), c) in self.x]
        self.y = {c: self.x[int(self.own[c]), c] for c in self.open_c}
        self.adj = inst.adjacency.tolil().rows
        self.terms: list = []
        self.coefs: list[int] = []
        #: constant added to the scaled objective to give the instance's objective
        self.offset = 0.0

    def add_term(self, var, coef: float) -> None:
        self.terms.append(var)
        self.coefs.append(round(coef * SCALE))

    def minimise(self) -> None:
        self.model.Minimize(sum(cf * t for cf, t in zip(self.coefs, self.terms, strict=True)))

    def hint(self, plan: Plan) -> None:
        """Start the search from ``plan`` (a valid plan, e.g. the heuristic's)."""
        for (u, c), var in self.x.items():
            cand = self.inst.candidates[c]
            self.model.AddHint(var, int(plan.centres[plan.labels[u]] == cand))

    def assignment(self, solver: cp_model.CpSolver) -> np.ndarray:
        """The candidate each municipality is assigned to in ``solver``'s solution."""
        assign = np.full(self.inst.n, -1)
        for (u, c), var in self.x.items():
            if solver.Value(var):
                assign[u] = c
        return assign

    def cut_off(self, piece: set[int]) -> int:
        """Forbid ``piece`` (municipalities cut off from their centre) to stay with any centre
        outside it unless a neighbour of the piece joins too; returns the cuts added."""
        boundary = set()
        for u in piece:
            boundary.update(v for v in self.adj[u] if v not in piece)
        added = 0
        for c in range(self.k):
            if self.own[c] in piece or not any((u, c) in self.x for u in piece):
                continue
            outer = [self.x[v, c] for v in boundary if (v, c) in self.x]
            for u in piece:
                if (u, c) in self.x:
                    self.model.AddBoolOr([self.x[u, c].Not(), *outer])
                    added += 1
        return added


def one_centre_each(m: AssignmentModel) -> None:
    """Every municipality joins exactly one centre, and only an open one."""
    for u in range(m.inst.n):
        m.model.AddExactlyOne(m.x[u, c] for c in m.by_unit[u])
    for (u, c), var in m.x.items():
        if c in m.y and u != m.own[c]:
            m.model.AddImplication(var, m.y[c])


def min_population(m: AssignmentModel) -> None:
    """An open unit reaches the minimum (a unit holding an exempt municipality always does)."""
    inst, crit = m.inst, m.inst.criteria
    big = math.ceil(crit.min_population)
    pop = np.floor(inst.population).astype(np.int64)
    for c in m.open_c:
        if inst.exempt[m.own[c]]:
            continue
        m.model.Add(sum((big if inst.exempt[u] else int(pop[u])) * m.x[u, c]
                        for u in m.by_cand[c]) >= big * m.y[c])


def max_population(m: AssignmentModel) -> None:
    pop = np.ceil(m.inst.population).astype(np.int64)
    cap = math.floor(m.inst.criteria.max_population)
    for c in m.open_c:
        m.model.Add(sum(int(pop[u]) * m.x[u, c] for u in m.by_cand[c]) <= cap * m.y[c])


def must_merge(m: AssignmentModel) -> None:
    for a, b in m.inst.must_merge:
        for c in set(m.by_unit[a]) | set(m.by_unit[b]):
            va, vb = m.x.get((int(a), c)), m.x.get((int(b), c))
            if va is None or vb is None:
                m.model.Add((va if va is not None else vb) == 0)
            else:
                m.model.Add(va == vb)


def must_not_merge(m: AssignmentModel) -> None:
    for a, b in m.inst.must_not_merge:
        for c in set(m.by_unit[a]) & set(m.by_unit[b]):
            m.model.AddBoolOr([m.x[int(a), c].Not(), m.x[int(b), c].Not()])


def max_units(m: AssignmentModel) -> None:
    m.model.Add(sum(m.y.values()) <= m.inst.criteria.max_units)


def contiguity(m: AssignmentModel) -> None:
    """A municipality joins a centre only with a neighbour that joins it too (a necessary
    condition; the exact solver adds cuts until every unit is one territory)."""
    for (u, c), var in m.x.items():
        if u == m.own[c]:
            continue
        nb = [m.x[v, c] for v in m.adj[u] if (v, c) in m.x]
        if not nb:
            m.model.Add(var == 0)
        else:
            m.model.AddBoolOr([var.Not(), *nb])


def travel_and_units(m: AssignmentModel) -> None:
    """Population-weighted travel time in hours, and the share of units (weights travel and
    units)."""
    inst, w = m.inst, m.inst.criteria.weights
    travel = w.travel * inst.cost / (inst.norm_population * 60.0)
    for (u, c), var in m.x.items():
        m.add_term(var, travel[u, c] + (w.units / inst.norm_units if u == m.own[c] else 0.0))


def balance(m: AssignmentModel) -> None:
    """Sum over units of |value - target| (weight balance), in steps that keep sums within
    about a million steps."""
    inst, w = m.inst, m.inst.criteria.weights
    bu = max(inst.norm_balance / 1e6, 1.0)
    vals = np.round(inst.bal / bu).astype(np.int64)
    target = round(inst.balance_target() / bu)
    coef = w.balance * bu / inst.norm_balance
    for c in m.open_c:
        d = m.model.NewIntVar(0, int(vals.sum()) + target + 1, f"d{c}")
        load = sum(int(vals[u]) * m.x[u, c] for u in m.by_cand[c])
        m.model.Add(d >= load - target * m.y[c])
        m.model.Add(d >= target * m.y[c] - load)
        m.add_term(d, coef)


def coherence(m: AssignmentModel) -> None:
    """Minus the share of flows kept inside units (weight coherence)."""
    inst, w = m.inst, m.inst.criteria.weights
    FN = inst.norm_flow
    F = sp.triu(inst.flows + inst.flows.T, k=1).tocoo()
    for u, v, f in zip(F.row, F.col, F.data, strict=True):
        common = sorted(set(m.by_unit[u]) & set(m.by_unit[v]))
        if not common:
            continue
        same = m.model.NewBoolVar(f"s{u}_{v}")
        m.model.AddBoolOr([same.Not(), *(m.x[int(u), c] for c in common)])
        for c in common:
            m.model.AddBoolOr([same.Not(), m.x[int(u), c].Not(), m.x[int(v), c]])
            m.model.AddBoolOr([same.Not(), m.x[int(v), c].Not(), m.x[int(u), c]])
        m.add_term(same, -w.coherence * f / FN)
    m.offset -= w.coherence * float(inst.flows.diagonal().sum()) / FN


#: What each part of the model needs: a predicate on the instance, and the builder. Travel
#: times and border rules (``max_minutes``, ``max_km``, ``stay_within``) and the service
#: requirement shape the variables themselves (``Instance.allowed``, ``candidates``).
PARTS: list[tuple[Callable[[Instance], bool], Callable[[AssignmentModel], None]]] = [
    (lambda i: True, one_centre_each),
    (lambda i: i.criteria.min_population is not None, min_population),
    (lambda i: i.criteria.max_population is not None, max_population),
    (lambda i: len(i.criteria.must_merge) > 0, must_merge),
    (lambda i: len(i.criteria.must_not_merge) > 0, must_not_merge),
    (lambda i: i.criteria.max_units is not None, max_units),
    (lambda i: i.criteria.contiguity, contiguity),
    (lambda i: True, travel_and_units),
    (lambda i: bool(i.criteria.weights.balance), balance),
    (lambda i: bool(i.criteria.weights.coherence) and i.norm_flow > 0, coherence),
]


def build(inst: Instance) -> AssignmentModel:
    """The model of ``inst``: every part its criteria ask for, and the objective."""
    m = AssignmentModel(inst)
    for wanted, add in PARTS:
        if wanted(inst):
            add(m)
    m.minimise()
    return m
