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
   then may not move back for ``tenure`` iterations).
3. **Pair re-splits**: at a tabu search's end, every pair of adjacent regions of at most
   ``pair_units`` units together is split again in the best way (all two-part splits of their
   units enumerated as bit masks, both parts contiguous and at the threshold), which leaves
   local optima no single move can; then the tabu search again, while that helps.
4. **Restarts**: ``restarts`` times, the best partition perturbed (random allowed moves and
   random pair splits) and steps 2-3 again; the best partition seen is returned.

The region-to-unit sums of distances are kept in a p x n matrix updated in O(n) per move, and
the cost of every allowed move in one array over the adjacency's edges, of which a move
recomputes only the edges of the two regions it changes: choosing a move is one ``argmin``.
Which units may leave a region (cut units of its adjacency, Hopcroft-Tarjan) is recomputed for
the two regions a move changes.
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
    of units, as spopt's annealing), ``tenure``, ``pair_units`` (largest pair of regions that
    is re-split exactly; below 3: no pair re-splits), ``seed``.

    After ``fit``: ``labels_`` (region 0..p-1 of each unit), ``p_``, ``heterogeneity_``,
    ``construction_heterogeneity_`` (before the local search), ``moves_``, ``seconds_`` and
    ``history_``: (seconds since the start, p, heterogeneity) at every new best partition.
    """

    def __init__(self, threshold: float, starts: int | None = None, restarts: int = 100,
                 time_limit: float = 60.0, max_no_improve: int | None = None, tenure: int = 10,
                 pair_units: int = 12, seed: int = 0):
        self.threshold = threshold
        self.starts = starts
        self.restarts = restarts
        self.time_limit = time_limit
        self.max_no_improve = max_no_improve
        self.tenure = tenure
        self.pair_units = pair_units
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
        best = self._search(labels, A, pop, X, t0)
        labels = best
        self.labels_ = labels
        self.p_ = int(labels.max()) + 1
        self.heterogeneity_ = heterogeneity(labels, X)
        self.seconds_ = time.perf_counter() - t0
        return self

    # ------------------------------------------------------------------ local search
    def _search(self, labels: np.ndarray, A: sp.csr_matrix, pop: np.ndarray, X: np.ndarray,
                t0: float) -> np.ndarray:
        """Tabu descents from ``labels``, then from random perturbations of the best
        partition (``restarts`` times); the best partition seen."""
        rng = np.random.default_rng(self.seed)
        state = _Moves(labels, A, pop, cdist(X, X, "cityblock"), float(self.threshold))
        best, best_het = state.labels.copy(), state.het
        limit = self.max_no_improve if self.max_no_improve is not None else len(labels)
        for restart in range(self.restarts + 1):
            if time.perf_counter() - t0 >= self.time_limit:
                break
            if restart:
                state.reset(best)
                state.kick(rng, max(2, len(labels) // 20), self.pair_units)
            found, het, when = state.descend(limit, self.tenure, t0, self.time_limit)
            while self.pair_units >= 3:
                state.reset(found)
                state.pair_descent(self.pair_units, t0, self.time_limit)
                if state.het >= het - 1e-9:
                    break
                found, het, when = state.labels.copy(), state.het, time.perf_counter()
                found, het, when = state.descend(limit, self.tenure, t0, self.time_limit)
            self.moves_ = state.moves
            if het < best_het - 1e-9:
                best, best_het = found, het
                self.history_.append((when - t0, state.p, best_het))
        return best


class _Moves:
    """A partition and the cost of every move of one unit to an adjacent region.

    ``ST[k, u]`` is the sum of the distances from unit ``u`` to the units of region ``k``, so
    moving ``u`` from ``a`` to ``b`` changes the heterogeneity by ``ST[b, u] - ST[a, u]``.
    ``gain[e]`` holds that change for every directed adjacency edge ``e = (u, v)`` (``u`` to
    the region of ``v``), or infinity when the move is not allowed: same region, ``u`` a cut
    unit of its region (its removal would split it), or the donor falling below the threshold.
    A move changes two regions, so only the edges of their members and of their neighbours are
    recomputed.
    """

    def __init__(self, labels: np.ndarray, A: sp.csr_matrix, pop: np.ndarray, D: np.ndarray,
                 threshold: float):
        self.n = len(labels)
        self.p = int(labels.max()) + 1
        self.A, self.pop, self.D, self.threshold = A, pop, D, threshold - 1e-9
        self.indptr, self.indices = A.indptr, A.indices
        self.eu = np.repeat(np.arange(self.n), np.diff(A.indptr))
        self.ev = A.indices
        # the reverse of edge (u, v) is (v, u): the k-th edge in (u, v) order is the reverse
        # of the k-th in (v, u) order (the adjacency is symmetric)
        self.rev = np.empty(len(self.eu), np.int64)
        self.rev[np.lexsort((self.ev, self.eu))] = np.lexsort((self.eu, self.ev))
        self.moves = 0
        self.memo: dict[bytes, tuple[float, np.ndarray] | None] = {}
        self.reset(labels)

    def reset(self, labels: np.ndarray) -> None:
        self.labels = np.asarray(labels, np.int64).copy()
        n, p = self.n, self.p
        onehot = sp.csr_matrix((np.ones(n), (self.labels, np.arange(n))), shape=(p, n))
        self.ST = np.ascontiguousarray(onehot @ self.D)
        self.rpop = np.bincount(self.labels, weights=self.pop, minlength=p)
        self.members = [set() for _ in range(p)]
        for u, k in enumerate(self.labels.tolist()):
            self.members[k].add(u)
        self.het = float(self.ST[self.labels, np.arange(n)].sum() / 2.0)
        self.movable = np.zeros(n, bool)
        for k in range(p):
            self._refresh_region(k)
        self.gain = np.full(len(self.eu), np.inf)
        self._refresh_edges(np.arange(len(self.eu)))

    def _refresh_region(self, k: int) -> None:
        """Which units of region ``k`` may leave it (connected and at the threshold without)."""
        mem = self.members[k]
        idx = np.fromiter(mem, np.int64, len(mem))
        ok = self.rpop[k] - self.pop[idx] >= self.threshold
        if len(mem) > 1 and ok.any():
            cuts = _cut_units(mem, self.indptr, self.indices)
            ok &= np.array([u not in cuts for u in idx.tolist()])
        else:
            ok[:] = False
        self.movable[idx] = ok

    def _refresh_edges(self, e: np.ndarray) -> None:
        u = self.eu[e]
        a, b = self.labels[u], self.labels[self.ev[e]]
        g = self.ST[b, u] - self.ST[a, u]
        g[(a == b) | ~self.movable[u]] = np.inf
        self.gain[e] = g

    def move(self, u: int, b: int) -> None:
        a = int(self.labels[u])
        self.het += float(self.ST[b, u] - self.ST[a, u])
        self.labels[u] = b
        self.members[a].discard(u)
        self.members[b].add(u)
        self.rpop[a] -= self.pop[u]
        self.rpop[b] += self.pop[u]
        self.ST[a] -= self.D[u]
        self.ST[b] += self.D[u]
        self._refresh_region(a)
        self._refresh_region(b)
        units = list(self.members[a] | self.members[b])
        out = np.concatenate([np.arange(self.indptr[w], self.indptr[w + 1]) for w in units])
        self._refresh_edges(np.unique(np.concatenate([out, self.rev[out]])))
        self.moves += 1

    def region_het(self, k: int) -> float:
        idx = list(self.members[k])
        return float(self.ST[k, idx].sum() / 2.0)

    def _splits(self, U: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every way to share the units ``U`` between two connected regions at the threshold:
        a boolean row per split (True: first part, which holds ``U[0]``) and its
        heterogeneity; each split enumerated as a bit mask of the units."""
        s = len(U)
        full = (1 << s) - 1
        masks = (np.arange(1 << (s - 1), dtype=np.int64) << 1) | 1
        masks = masks[masks != full]
        bits = ((masks[:, None] >> np.arange(s)) & 1).astype(bool)
        pu = self.pop[U]
        p1 = bits @ pu
        ok = (p1 >= self.threshold) & (pu.sum() - p1 >= self.threshold)
        masks, bits = masks[ok], bits[ok]
        if len(masks):
            sub = self.A[U][:, U].toarray()
            nb = (sub.astype(np.int64) << np.arange(s)).sum(1)  # neighbour mask of each unit
            ok = _connected_masks(masks, nb, s) & _connected_masks(full & ~masks, nb, s)
            bits = bits[ok]
        DU = self.D[np.ix_(U, U)]
        f = bits.astype(float)
        g = 1.0 - f
        het = 0.5 * (np.einsum("mi,ij,mj->m", f, DU, f) + np.einsum("mi,ij,mj->m", g, DU, g))
        return bits, het

    def best_split(self, a: int, b: int) -> tuple[float, np.ndarray, np.ndarray] | None:
        """The best split of the units of adjacent regions ``a`` and ``b`` (see ``_splits``):
        (change of heterogeneity, units of ``a``, units of ``b``); None when none is allowed.
        Remembered by the set of units, which recurs across restarts."""
        U = np.array(sorted(self.members[a] | self.members[b]), np.int64)
        key = U.tobytes()
        if key not in self.memo:
            bits, het = self._splits(U)
            i = int(np.argmin(het)) if len(het) else -1
            self.memo[key] = (float(het[i]), bits[i]) if i >= 0 else None
        found = self.memo[key]
        if found is None:
            return None
        het, bits = found
        return het - self.region_het(a) - self.region_het(b), U[bits], U[~bits]

    def set_pair(self, a: int, b: int, part_a: np.ndarray, part_b: np.ndarray) -> None:
        """Regions ``a`` and ``b`` become ``part_a`` and ``part_b`` (both connected)."""
        old = self.members[a] | self.members[b]
        self.labels[part_a] = a
        self.labels[part_b] = b
        self.members[a], self.members[b] = set(part_a.tolist()), set(part_b.tolist())
        self.rpop[a], self.rpop[b] = self.pop[part_a].sum(), self.pop[part_b].sum()
        self.ST[a] = self.D[part_a].sum(0)
        self.ST[b] = self.D[part_b].sum(0)
        self.het = float(self.ST[self.labels, np.arange(self.n)].sum() / 2.0)
        self._refresh_region(a)
        self._refresh_region(b)
        units = list(old)
        out = np.concatenate([np.arange(self.indptr[w], self.indptr[w + 1]) for w in units])
        self._refresh_edges(np.unique(np.concatenate([out, self.rev[out]])))
        self.moves += 1

    def pair_descent(self, max_units: int, t0: float, time_limit: float) -> None:
        """Re-split pairs of adjacent regions optimally (pairs of at most ``max_units`` units)
        while one lowers the heterogeneity."""
        version = np.zeros(self.p, np.int64)
        seen: dict[tuple[int, int], tuple[int, int]] = {}
        size = np.array([len(m) for m in self.members])
        improved = True
        while improved and time.perf_counter() - t0 < time_limit:
            improved = False
            la, lb = self.labels[self.eu], self.labels[self.ev]
            pairs = np.unique(np.c_[la, lb][la < lb], axis=0).tolist()
            for a, b in pairs:
                if size[a] + size[b] > max_units or size[a] + size[b] < 3:
                    continue
                if seen.get((a, b)) == (version[a], version[b]):
                    continue
                found = self.best_split(a, b) if self._adjacent(a, b) else None
                if found is not None and found[0] < -1e-9:
                    self.set_pair(a, b, found[1], found[2])
                    version[a] += 1
                    version[b] += 1
                    size[a], size[b] = len(found[1]), len(found[2])
                    improved = True
                seen[(a, b)] = (version[a], version[b])

    def _adjacent(self, a: int, b: int) -> bool:
        for u in self.members[a]:
            if (self.labels[self.indices[self.indptr[u]:self.indptr[u + 1]]] == b).any():
                return True
        return False

    def kick(self, rng: np.random.Generator, count: int, max_units: int) -> None:
        """``count`` random changes, to leave a local optimum: an allowed move of one unit,
        or (every other time, and when no unit may move) a random split of two adjacent
        regions of at most ``max_units`` units."""
        for i in range(count):
            allowed = np.flatnonzero(np.isfinite(self.gain))
            if len(allowed) and (i % 2 == 0 or max_units < 3):
                e = int(allowed[rng.integers(len(allowed))])
                self.move(int(self.eu[e]), int(self.labels[self.ev[e]]))
                continue
            cross = np.flatnonzero(self.labels[self.eu] != self.labels[self.ev])
            for e in rng.permutation(cross)[:20].tolist():
                a, b = int(self.labels[self.eu[e]]), int(self.labels[self.ev[e]])
                U = np.array(sorted(self.members[a] | self.members[b]), np.int64)
                if len(U) > max_units:
                    continue
                bits, _ = self._splits(U)
                if len(bits):
                    pick = bits[int(rng.integers(len(bits)))]
                    self.set_pair(a, b, U[pick], U[~pick])
                    break

    def descend(self, limit: int, tenure: int, t0: float, time_limit: float
                ) -> tuple[np.ndarray, float, float]:
        """Tabu search: the best allowed move each iteration, also when it worsens (then the
        unit may not move for ``tenure`` iterations unless that beats the best); stops after
        ``limit`` iterations without a new best. Returns the best labels, their heterogeneity
        and the ``perf_counter`` time they were found."""
        best, best_labels, when = self.het, self.labels.copy(), time.perf_counter()
        tabu: dict[int, int] = {}
        stall = it = 0
        while stall < limit:
            it += 1
            if it % 256 == 0 and time.perf_counter() - t0 >= time_limit:
                break
            gain = self.gain
            if tabu:
                gain = gain.copy()
                for u, until in list(tabu.items()):
                    if until <= it:
                        del tabu[u]
                        continue
                    sl = gain[self.indptr[u]:self.indptr[u + 1]]
                    sl[self.het + sl >= best - 1e-9] = np.inf  # tabu unless it beats the best
            e = int(np.argmin(gain))
            d = float(gain[e])
            if not np.isfinite(d):
                break
            u = int(self.eu[e])
            self.move(u, int(self.labels[self.ev[e]]))
            if d >= 0:
                tabu[u] = it + tenure
            if self.het < best - 1e-9:
                best, best_labels, stall = self.het, self.labels.copy(), 0
                when = time.perf_counter()
            else:
                stall += 1
        return best_labels, best, when


def _connected_masks(masks: np.ndarray, nb: np.ndarray, s: int) -> np.ndarray:
    """Whether each bit mask of units (of ``s``, neighbour masks ``nb``) is connected."""
    reach = masks & -masks  # the lowest unit of each mask
    bit = np.arange(s)
    for _ in range(s):
        has = ((reach[:, None] >> bit) & 1).astype(bool)
        grown = masks & (reach | np.bitwise_or.reduce(np.where(has, nb, 0), axis=1))
        if (grown == reach).all():
            break
        reach = grown
    return reach == masks


def _cut_units(region: set[int], indptr: np.ndarray, indices: np.ndarray) -> set[int]:
    """The cut units of a connected region: those whose removal disconnects the rest
    (Hopcroft-Tarjan, iterative). Regions are small and change at every move, so this runs on
    the region's members directly rather than building a graph object each time."""
    if len(region) <= 2:
        return set()
    root = next(iter(region))
    disc, low = {root: 0}, {root: 0}
    cuts: set[int] = set()
    root_children = 0
    stack = [(root, -1, iter(indices[indptr[root]:indptr[root + 1]].tolist()))]
    while stack:
        v, parent, nbrs = stack[-1]
        for w in nbrs:
            if w not in region:
                continue
            if w not in disc:
                disc[w] = low[w] = len(disc)
                stack.append((w, v, iter(indices[indptr[w]:indptr[w + 1]].tolist())))
                break
            if w != parent:
                low[v] = min(low[v], disc[w])
        else:
            stack.pop()
            if stack:
                u = stack[-1][0]
                low[u] = min(low[u], low[v])
                if u == root:
                    root_children += 1
                elif low[v] >= disc[u]:
                    cuts.add(u)
    if root_children > 1:
        cuts.add(root)
    return cuts
