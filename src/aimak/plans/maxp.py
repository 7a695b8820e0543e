"""Max-p regionalisation: as many contiguous regions as possible, each reaching a threshold,
then as homogeneous as possible.

This is the problem PySAL spopt's ``MaxPHeuristic`` solves (Duque, Anselin and Rey 2012; Wei,
Rey and Knaap 2020), stated on plain arrays so that the two can be compared on the same input:

1. **Construction** (maximise p): aimak's amalgamation heuristic
   (:class:`aimak.plans.heuristic.HeuristicSolver`) with the objective "as many units as
   possible", from the units on their own plus ``starts`` randomised max-p style growths; the
   plan with most regions is kept.
2. **Local improvement** (minimise heterogeneity, p fixed): tabu search over moves of one
   boundary unit to an adjacent region that keep both regions contiguous and the donor at the
   threshold. Heterogeneity is spopt's: the sum, over regions, of the city-block distances
   between the attribute vectors of every pair of units in the region. Each iteration takes
   the best improving non-tabu move; when none improves, the least bad non-tabu move (the unit
   then may not move back for ``tenure`` iterations); the best partition seen is returned.

The region-to-unit sums of distances are kept in an n x p matrix updated in O(n) per move, so
the score of every candidate move is one vectorised lookup.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp
from scipy.spatial.distance import cdist
from sklearn.base import BaseEstimator

from aimak.errors import fail
from aimak.plans.criteria import Criteria, Weights
from aimak.plans.heuristic import HeuristicSolver
from aimak.plans.instance import Instance


def heterogeneity(labels: np.ndarray, attributes: np.ndarray) -> float:
    """Sum over regions of the city-block distances between all pairs of their units."""
    X = np.asarray(attributes, float).reshape(len(labels), -1)
    total = 0.0
    for k in np.unique(labels):
        sub = X[labels == k]
        total += cdist(sub, sub, "cityblock").sum() / 2.0
    return float(total)


class MaxPRegions(BaseEstimator):
    """Max-p regions with a heterogeneity-lowering local search.

    Parameters: ``threshold`` (each region's minimum total of ``population``), ``starts``
    randomised constructions besides the plain one (None: 20,000 / units, between 10 and
    100, so that the construction costs about the same on small and large inputs),
    ``restarts`` perturbed tabu descents after the first, ``time_limit`` seconds for the whole fit,
    ``max_no_improve`` tabu iterations without a new best before stopping (None: the number
    of units, as spopt's annealing), ``tenure``, ``seed``.

    After ``fit``: ``labels_`` (region 0..p-1 of each unit), ``p_``, ``heterogeneity_``,
    ``construction_heterogeneity_`` (before the local search), ``moves_``, ``seconds_`` and
    ``history_``: (seconds since the start, p, heterogeneity) at every new best partition.
    """

    def __init__(self, threshold: float, starts: int | None = None, restarts: int = 100,
                 time_limit: float = 60.0, max_no_improve: int | None = None, tenure: int = 10,
                 seed: int = 0):
        self.threshold = threshold
        self.starts = starts
        self.restarts = restarts
        self.time_limit = time_limit
        self.max_no_improve = max_no_improve
        self.tenure = tenure
        self.seed = seed

    def fit(self, adjacency: np.ndarray | sp.spmatrix, population: np.ndarray,
            attributes: np.ndarray) -> MaxPRegions:
        """Regionalise units with the given adjacency, population and attributes (rows)."""
        t0 = time.perf_counter()
        pop = np.asarray(population, float)
        n = len(pop)
        X = np.asarray(attributes, float).reshape(n, -1)
        A = sp.csr_matrix(adjacency, dtype=bool)
        if A.shape != (n, n):
            raise fail(f"max-p: the adjacency is {A.shape[0]}x{A.shape[1]}, expected "
                             f"{n}x{n} (one row and column per unit)")
        if not np.isfinite(X).all() or not np.isfinite(pop).all():
            raise fail("max-p: population and attributes must be finite numbers")
        A = ((A + A.T) > 0).tocsr()
        A.setdiag(False)
        A.eliminate_zeros()
        crit = Criteria(min_population=float(self.threshold), stay_within="none",
                        weights=Weights(travel=0.0, units=-1.0))
        inst = Instance.from_arrays(pop, np.arange(n), A, np.zeros((n, n), np.float32), crit)
        starts = self.starts if self.starts is not None else min(100, max(10, 20_000 // n))
        plan = HeuristicSolver(time_limit=self.time_limit, local_search=False,
                               starts=starts, seed=self.seed).fit(inst).plan_
        labels = plan.labels.copy()
        self.construction_heterogeneity_ = heterogeneity(labels, X)
        self.history_ = [(time.perf_counter() - t0, plan.n_units,
                          self.construction_heterogeneity_)]
        self.moves_ = 0
        rng = np.random.default_rng(self.seed)
        best, best_het = labels, self.construction_heterogeneity_
        for restart in range(self.restarts + 1):
            if time.perf_counter() - t0 >= self.time_limit:
                break
            start = best if restart == 0 else self._kick(best, A, pop, rng)
            found = self._improve(start, A, pop, X, t0, best_het)
            het = heterogeneity(found, X)
            if het < best_het - 1e-9:
                best, best_het = found, het
        labels = best
        self.labels_ = labels
        self.p_ = int(labels.max()) + 1
        self.heterogeneity_ = heterogeneity(labels, X)
        self.seconds_ = time.perf_counter() - t0
        return self

    # ------------------------------------------------------------------ local search
    def _kick(self, labels: np.ndarray, A: sp.csr_matrix, pop: np.ndarray, rng
              ) -> np.ndarray:
        """A copy of ``labels`` after random feasible boundary moves (about 5% of the units),
        so that the next descent starts elsewhere."""
        labels = labels.copy()
        n, p = len(labels), int(labels.max()) + 1
        rpop = np.bincount(labels, weights=pop, minlength=p)
        nbrs = [A.indices[A.indptr[u]:A.indptr[u + 1]] for u in range(n)]
        members = [set(np.flatnonzero(labels == k).tolist()) for k in range(p)]
        for _ in range(max(2, n // 20)):
            for u in rng.permutation(n).tolist():
                a = int(labels[u])
                targets = sorted({int(labels[v]) for v in nbrs[u].tolist()} - {a})
                if (not targets or rpop[a] - pop[u] < float(self.threshold) - 1e-9
                        or len(members[a]) == 1 or not _connected_without(members[a], u, nbrs)):
                    continue
                b = targets[int(rng.integers(len(targets)))]
                labels[u] = b
                members[a].discard(u)
                members[b].add(u)
                rpop[a] -= pop[u]
                rpop[b] += pop[u]
                break
        return labels

    def _improve(self, labels: np.ndarray, A: sp.csr_matrix, pop: np.ndarray, X: np.ndarray,
                 t0: float, record: float) -> np.ndarray:
        """Tabu descent from ``labels``; appends to ``history_`` whenever the best partition
        beats ``record`` (the best heterogeneity of the whole fit so far)."""
        labels = labels.copy()
        n, p = len(labels), int(labels.max()) + 1
        D = cdist(X, X, "cityblock")
        onehot = np.zeros((n, p))
        onehot[np.arange(n), labels] = 1.0
        S = D @ onehot  # S[u, k]: sum of distances from u to the units of region k
        rpop = np.bincount(labels, weights=pop, minlength=p)
        nbrs = [A.indices[A.indptr[u]:A.indptr[u + 1]] for u in range(n)]
        eu, ev = np.repeat(np.arange(n), np.diff(A.indptr)), A.indices
        members = [set(np.flatnonzero(labels == k).tolist()) for k in range(p)]
        current = best = float((S * onehot).sum() / 2.0)
        best_labels = labels.copy()
        tabu_until = np.zeros(n, np.int64)
        limit = self.max_no_improve if self.max_no_improve is not None else n
        stall = it = 0
        threshold = float(self.threshold) - 1e-9
        while stall < limit and time.perf_counter() - t0 < self.time_limit:
            it += 1
            cross = labels[eu] != labels[ev]
            u_all, b_all = eu[cross], labels[ev[cross]]
            pair = np.unique(u_all * p + b_all)
            u_c, b_c = pair // p, pair % p
            a_c = labels[u_c]
            ok = rpop[a_c] - pop[u_c] >= threshold
            u_c, b_c, a_c = u_c[ok], b_c[ok], a_c[ok]
            delta = S[u_c, b_c] - S[u_c, a_c]
            free = tabu_until[u_c] <= it
            aspire = current + delta < best - 1e-9
            allowed = free | aspire
            order = np.argsort(np.where(allowed, delta, np.inf), kind="stable")
            chosen = None
            for i in order.tolist():
                if not allowed[i]:
                    break
                u, a = int(u_c[i]), int(a_c[i])
                if len(members[a]) > 1 and _connected_without(members[a], u, nbrs):
                    chosen = i
                    break
            if chosen is None:
                break
            u, a, b, d = int(u_c[chosen]), int(a_c[chosen]), int(b_c[chosen]), delta[chosen]
            labels[u] = b
            members[a].discard(u)
            members[b].add(u)
            rpop[a] -= pop[u]
            rpop[b] += pop[u]
            S[:, a] -= D[:, u]
            S[:, b] += D[:, u]
            current += float(d)
            self.moves_ += 1
            if d >= 0:
                tabu_until[u] = it + self.tenure
            if current < best - 1e-9:
                best, best_labels = current, labels.copy()
                if best < record - 1e-9:
                    record = best
                    self.history_.append((time.perf_counter() - t0, p, best))
                stall = 0
            else:
                stall += 1
        return best_labels


def _connected_without(region: set[int], u: int, nbrs: list[np.ndarray]) -> bool:
    """Whether ``region`` minus unit ``u`` is still connected."""
    rest = region - {u}
    start = next(iter(rest))
    seen, stack = {start}, [start]
    while stack:
        v = stack.pop()
        for w in nbrs[v].tolist():
            if w in rest and w not in seen:
                seen.add(w)
                stack.append(w)
    return len(seen) == len(rest)
