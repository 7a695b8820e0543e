"""Ensembles of valid plans by recombination (ReCom), to place any plan among the possible ones.

Each step of the Markov chain picks a random pair of adjacent units (through a random cut
edge), merges them, draws a random spanning tree of the merged territory (random edge weights,
minimum spanning tree) and cuts one tree edge whose two sides both satisfy every hard
criterion, each side getting its best allowed centre. Tree cuts keep both sides contiguous, so
every recorded plan is valid. The number of units stays that of the starting plan. A step with
no valid cut is rejected and not recorded. After DeFord, Duchin & Solomon, "Recombination: a
family of Markov chains for redistricting" (2021).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from aimak.plans.instance import Instance, Plan, objective_terms

METRICS = ["units", "mean_minutes_to_centre", "outside_flow_share", "imbalance",
           "smallest_population", "largest_population", "objective"]


class ReComEnsemble(BaseEstimator):
    """Sample ``n_plans`` valid plans by ReCom from a valid start plan.

    After ``fit``: ``labels_`` (n_plans x municipalities, int16), ``centres_`` (list of
    settlement index arrays), ``metrics_`` (DataFrame, one row per plan), ``attempts_``,
    ``seconds_``.
    """

    def __init__(self, n_plans: int = 1000, seed: int = 0, max_attempts: int | None = None):
        self.n_plans = n_plans
        self.seed = seed
        self.max_attempts = max_attempts

    def fit(self, inst: Instance, start: Plan) -> ReComEnsemble:
        """Run the chain on ``inst`` from the valid plan ``start``."""
        working = set(vars(self))
        try:
            self._fit(inst, start)
        finally:  # the working arrays (and the instance) live only during fit
            for name in set(vars(self)) - working:
                if not name.endswith("_") or name.startswith("_"):
                    delattr(self, name)
        return self

    def _fit(self, inst: Instance, start: Plan) -> None:
        t0 = time.perf_counter()
        rng = np.random.default_rng(self.seed)
        self.inst = inst
        c = inst.criteria
        self.lo = c.min_population if c.min_population is not None else -np.inf
        self.hi = c.max_population if c.max_population is not None else np.inf
        self.k_allowed = inst.allowed & inst.allowed[inst.cand_unit,
                                                     np.arange(len(inst.candidates))][None, :]
        A = sp.triu(inst.adjacency, k=1).tocoo()
        self.eu, self.ev = A.row, A.col
        self.adjl = [list(r) for r in inst.adjacency.tolil().rows]
        self.popl = inst.population.tolist()
        self.exl = inst.exempt.tolist()
        self.cands_of_unit: list[list[int]] = [[] for _ in range(inst.n)]
        for j, u in enumerate(inst.cand_unit.tolist()):
            self.cands_of_unit[u].append(j)
        self.must = inst.must_merge
        self.must_not = inst.must_not_merge
        labels = start.labels.copy()
        centres = list(start.centres)
        n_max = self.max_attempts or 50 * self.n_plans
        out_labels = np.empty((self.n_plans, inst.n), np.int16)
        out_centres = []
        rows = []
        attempts = 0
        while len(rows) < self.n_plans and attempts < n_max:
            attempts += 1
            cut = np.flatnonzero(labels[self.eu] != labels[self.ev])
            if not len(cut):
                break
            e = cut[rng.integers(len(cut))]
            a, b = int(labels[self.eu[e]]), int(labels[self.ev[e]])
            res = self._recombine(labels, a, b, rng)
            if res is None:
                continue
            part_a, part_b, ca, cb = res
            labels[part_a] = a
            labels[part_b] = b
            centres[a], centres[b] = ca, cb
            plan = Plan(labels, np.array(centres))
            out_labels[len(rows)] = labels
            out_centres.append(np.array(centres))
            rows.append(_metrics(inst, plan))
        self.labels_ = out_labels[: len(rows)]
        self.centres_ = out_centres
        self.metrics_ = pd.DataFrame(rows, columns=METRICS)
        self.attempts_ = attempts
        self.seconds_ = time.perf_counter() - t0

    def _best_centre(self, members: np.ndarray) -> int:
        inst = self.inst
        cands = [j for u in members.tolist() for j in self.cands_of_unit[u]]
        if not cands:
            return -1
        R, C = members[:, None], np.array(cands)
        ok = self.k_allowed[R, C].all(axis=0)
        if not ok.any():
            return -1
        cost = np.where(ok, inst.cost[R, C].sum(axis=0), np.inf)
        return int(inst.candidates[C[int(cost.argmin())]])

    def _pairs_ok(self, part: np.ndarray, other: np.ndarray) -> bool:
        if len(self.must):
            ina = np.isin(self.must, part)
            inb = np.isin(self.must, other)
            if np.any(ina[:, 0] & inb[:, 1]) or np.any(inb[:, 0] & ina[:, 1]):
                return False
        if len(self.must_not):
            for side in (part, other):
                if np.any(np.isin(self.must_not, side).all(axis=1)):
                    return False
        return True

    def _recombine(self, labels: np.ndarray, a: int, b: int, rng):
        """Merge units a and b, draw a random spanning tree (Kruskal on random edge order),
        and return a valid split (two member arrays and their centres) or None."""
        M = np.flatnonzero((labels == a) | (labels == b))
        Ml = M.tolist()
        index = {u: i for i, u in enumerate(Ml)}
        edges = [(i, index[v]) for i, u in enumerate(Ml) for v in self.adjl[u]
                 if v > u and v in index]
        parent = list(range(len(Ml)))

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        tree: list[list[int]] = [[] for _ in Ml]
        used = 0
        for e in rng.permutation(len(edges)).tolist():
            i, j = edges[e]
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[ri] = rj
                tree[i].append(j)
                tree[j].append(i)
                used += 1
        if used != len(Ml) - 1:
            return None
        order, pred = [0], [-1] * len(Ml)
        seen = [False] * len(Ml)
        seen[0] = True
        for v in order:
            for w in tree[v]:
                if not seen[w]:
                    seen[w] = True
                    pred[w] = v
                    order.append(w)
        sub_pop = [self.popl[u] for u in Ml]
        sub_ex = [int(self.exl[u]) for u in Ml]
        desc = [1 << i for i in range(len(Ml))]
        for v in order[:0:-1]:
            p = pred[v]
            sub_pop[p] += sub_pop[v]
            sub_ex[p] += sub_ex[v]
            desc[p] |= desc[v]
        total, total_ex = sub_pop[0], sub_ex[0]
        lo, hi = self.lo - 1e-6, self.hi + 1e-6
        edges_ok = [v for v in order[1:]
                    if (sub_pop[v] >= lo or sub_ex[v] > 0) and sub_pop[v] <= hi
                    and (total - sub_pop[v] >= lo or total_ex - sub_ex[v] > 0)
                    and total - sub_pop[v] <= hi]
        rng.shuffle(edges_ok)
        bits = np.arange(len(Ml))
        for v in edges_ok:
            mask = ((desc[v] >> bits) & 1).astype(bool) if len(Ml) < 63 else np.array(
                [(desc[v] >> i) & 1 for i in range(len(Ml))], bool)
            part_a, part_b = M[mask], M[~mask]
            if not self._pairs_ok(part_a, part_b):
                continue
            ca = self._best_centre(part_a)
            if ca < 0:
                continue
            cb = self._best_centre(part_b)
            if cb < 0:
                continue
            return part_a, part_b, ca, cb
        return None

    def frame(self, inst: Instance) -> pd.DataFrame:
        """Metrics with the assignment of each plan (list of unit labels per municipality);
        ``inst`` is the instance the ensemble was fitted on (for the centres' ids)."""
        df = self.metrics_.copy()
        df.insert(0, "plan", np.arange(len(df)))
        df["labels"] = list(self.labels_)
        df["centres"] = [inst.settlement_ids[c].tolist() for c in self.centres_]
        return df

    def place(self, inst: Instance, plan: Plan) -> dict[str, float]:
        """For each metric, the share of ensemble plans with a value at most the plan's
        (``plan`` of ``inst``, the instance the ensemble was fitted on)."""
        m = _metrics(inst, plan)
        return {k: float((self.metrics_[k] <= m[k] + 1e-12).mean()) for k in METRICS}


def plan_metrics(inst: Instance, plan: Plan) -> dict[str, float]:
    """The ensemble's metrics (``METRICS``) of one plan, to place it among the sampled ones."""
    return _metrics(inst, plan)


def _metrics(inst: Instance, plan: Plan) -> dict[str, float]:
    terms = objective_terms(inst, plan)
    pop = np.bincount(plan.labels, weights=inst.population, minlength=plan.n_units)
    w = inst.criteria.weights
    return {"units": plan.n_units,
            "mean_minutes_to_centre": terms["travel_hours"] * 60.0,
            "outside_flow_share": terms["outside_flow_share"],
            "imbalance": terms["imbalance"],
            "smallest_population": float(pop.min()),
            "largest_population": float(pop.max()),
            "objective": (w.travel * terms["travel_hours"]
                          + w.coherence * terms["outside_flow_share"]
                          + w.balance * terms["imbalance"] + w.units * terms["unit_share"])}


def plan_from_row(inst: Instance, row: pd.Series) -> Plan:
    """Rebuild a plan from a row of ``ReComEnsemble.frame(inst)``."""
    sid = pd.Index(inst.settlement_ids)
    return Plan(np.asarray(row["labels"]), sid.get_indexer(list(row["centres"]))).canonical()
