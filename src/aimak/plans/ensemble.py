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
from scipy.sparse.csgraph import breadth_first_order, minimum_spanning_tree

from aimak.plans.exact import canonical
from aimak.plans.instance import Instance, Plan, objective_terms

METRICS = ["units", "mean_minutes_to_centre", "outside_flow_share", "imbalance",
           "smallest_population", "largest_population", "objective"]


class ReComEnsemble:
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
        self.adj = inst.adjacency.tocsr()
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
        return self

    def _best_centre(self, members: np.ndarray) -> int:
        inst = self.inst
        cands = np.flatnonzero(np.isin(inst.cand_unit, members))
        if not len(cands):
            return -1
        ok = self.k_allowed[np.ix_(members, cands)].all(axis=0)
        if not ok.any():
            return -1
        cands = cands[ok]
        cost = inst.cost[np.ix_(members, cands)].sum(axis=0)
        return int(inst.candidates[cands[np.argmin(cost)]])

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
        inst = self.inst
        M = np.flatnonzero((labels == a) | (labels == b))
        sub = self.adj[M][:, M].tocoo()
        keep = sub.row < sub.col
        w = rng.random(keep.sum()) + 1e-9
        G = sp.csr_matrix((w, (sub.row[keep], sub.col[keep])), shape=(len(M), len(M)))
        T = minimum_spanning_tree(G)
        T = T + T.T
        order, pred = breadth_first_order(T, 0, directed=False)
        if len(order) != len(M):
            return None
        pop = inst.population[M]
        sub_pop = pop.copy()
        sub_ex = inst.exempt[M].astype(int)
        desc = [1 << i for i in range(len(M))]
        for v in order[:0:-1]:
            p = pred[v]
            sub_pop[p] += sub_pop[v]
            sub_ex[p] += sub_ex[v]
            desc[p] |= desc[v]
        total, total_ex = pop.sum(), sub_ex[order[0]]
        edges = order[1:]
        ok = (((sub_pop[edges] >= self.lo - 1e-6) | (sub_ex[edges] > 0))
              & (sub_pop[edges] <= self.hi + 1e-6)
              & ((total - sub_pop[edges] >= self.lo - 1e-6) | (total_ex - sub_ex[edges] > 0))
              & (total - sub_pop[edges] <= self.hi + 1e-6))
        edges = edges[ok]
        rng.shuffle(edges)
        for v in edges:
            mask = np.array([(desc[v] >> i) & 1 for i in range(len(M))], bool)
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

    def frame(self) -> pd.DataFrame:
        """Metrics with the assignment of each plan (list of unit labels per municipality)."""
        df = self.metrics_.copy()
        df.insert(0, "plan", np.arange(len(df)))
        df["labels"] = list(self.labels_)
        df["centres"] = [self.inst.settlement_ids[c].tolist() for c in self.centres_]
        return df

    def place(self, plan: Plan) -> dict[str, float]:
        """For each metric, the share of ensemble plans with a value at most the plan's."""
        m = _metrics(self.inst, plan)
        return {k: float((self.metrics_[k] <= m[k] + 1e-12).mean()) for k in METRICS}


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
    """Rebuild a plan from a row of ``ReComEnsemble.frame()``."""
    sid = pd.Index(inst.settlement_ids)
    return canonical(Plan(np.asarray(row["labels"]), sid.get_indexer(list(row["centres"]))))
