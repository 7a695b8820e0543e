"""Scalable amalgamation heuristic: greedy repair merges, then tabu local search.

1. Start from the current municipalities (must-merge pairs joined), each centred on its best
   allowed candidate.
2. Repair: the region furthest from feasibility (too few inhabitants, or no allowed centre)
   merges with the adjacent region that makes the objective worst least; repeat until every
   region is feasible. Then merge while the unit cap is exceeded, and while merging helps.
3. Tabu search: move one boundary municipality to an adjacent unit when the move keeps every
   hard criterion (contiguity of both units, population limits, an allowed centre for both,
   pairs) and lowers the objective; when no move improves, take the least bad non-tabu move
   and keep the best plan seen. Each unit's centre is re-chosen optimally after every move.

Given a start plan, units listed in ``keep`` are left exactly as they are (members and centre):
no municipality leaves or joins them and they merge with nothing, even when they break a
criterion; every other unit is repaired and improved as usual.

Region costs follow ``Instance.region_cost``; plans returned pass ``validity.check_plan``.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Iterable

import numpy as np
from sklearn.base import BaseEstimator

from aimak.i18n import N_, Said
from aimak.plans.feasibility import InfeasibleError, diagnose
from aimak.plans.instance import Instance, Plan
from aimak.plans.validity import assert_valid


class HeuristicSolver(BaseEstimator):
    """Greedy repair plus tabu search for instances of thousands of municipalities.

    Parameters: ``time_limit`` seconds for the search phase, ``max_iter`` tabu iterations
    without improvement before stopping, ``tenure`` iterations a moved municipality stays
    put, ``seed``. After ``fit``: ``plan_``, ``objective_``, ``moves_``, ``seconds_``, and
    ``kept_`` (the labels in ``plan_`` of the units kept from the start plan).
    """

    def __init__(self, time_limit: float = 30.0, max_iter: int = 50, tenure: int = 10,
                 seed: int = 0, local_search: bool = True, starts: int | None = None):
        self.time_limit = time_limit
        self.max_iter = max_iter
        self.tenure = tenure
        self.seed = seed
        self.local_search = local_search
        self.starts = starts

    # ------------------------------------------------------------------ region helpers
    def _setup(self, inst: Instance) -> None:
        self.inst = inst
        self._initial_cache = None
        self._best_cache: dict[tuple[int, ...], tuple[float, int]] = {}
        c = inst.criteria
        self.k_allowed = inst.allowed & inst.allowed[inst.cand_unit,
                                                     np.arange(len(inst.candidates))][None, :]
        self.all_allowed = bool(self.k_allowed.all())
        self.popl = inst.population.tolist()
        self.exempt_list = inst.exempt.tolist()
        self.cands_of_unit: list[list[int]] = [[] for _ in range(inst.n)]
        for j, u in enumerate(inst.cand_unit):
            self.cands_of_unit[int(u)].append(j)
        self.adj = [set(r) for r in inst.adjacency.tolil().rows]
        Fs = (inst.flows + inst.flows.T).tocsr()
        self.Fs = [dict(zip(Fs.indices[Fs.indptr[u]:Fs.indptr[u + 1]].tolist(),
                            Fs.data[Fs.indptr[u]:Fs.indptr[u + 1]].tolist(), strict=True))
                   for u in range(inst.n)]
        self.Fdiag = inst.flows.diagonal()
        self.must_not = [set() for _ in range(inst.n)]
        for a, b in inst.must_not_merge.tolist():
            self.must_not[a].add(b)
            self.must_not[b].add(a)
        self.pinned = np.zeros(inst.n, bool)
        self.pinned[inst.must_merge.ravel()] = True
        self.min_pop = c.min_population if c.min_population is not None else -np.inf
        self.max_pop = c.max_population if c.max_population is not None else np.inf
        w = c.weights
        self.w = w
        self.P = inst.norm_population
        self.NU = inst.norm_units
        self.FN = inst.norm_flow
        self.target = inst.balance_target()
        self.kept: set[int] = set()
        self.kept_centre: dict[int, int] = {}

    def _best(self, members: list[int]) -> tuple[float, int]:
        """(cost, candidate) of the best allowed centre of a region; (inf, -1) if none.

        A region's cost depends on its members only, and the search meets the same regions
        again and again, so results are remembered (``members`` come sorted)."""
        key = tuple(members)
        found = self._best_cache.get(key)
        if found is None:
            found = self._best_cache[key] = self._best_uncached(members)
        return found

    def _best_uncached(self, members: list[int]) -> tuple[float, int]:
        inst, w = self.inst, self.w
        cands = [j for u in members for j in self.cands_of_unit[u]]
        if not cands:
            return np.inf, -1
        R = np.array(members)[:, None]
        C = np.array(cands)
        tc = inst.cost[R, C].sum(axis=0)
        if not self.all_allowed:
            ok = self.k_allowed[R, C].all(axis=0)
            if not ok.any():
                return np.inf, -1
            tc = np.where(ok, tc, np.inf)
        i = int(tc.argmin())
        val = w.travel * tc[i] / (self.P * 60.0) + w.units / self.NU
        if w.balance:
            val += w.balance * abs(inst.bal[members].sum() - self.target) / inst.norm_balance
        if w.coherence and self.FN > 0:
            internal = self.Fdiag[members].sum()
            mset = set(members)
            internal += sum(f for u in members for v, f in self.Fs[u].items() if v in mset) / 2
            val -= w.coherence * internal / self.FN
        return float(val), cands[i]

    def _has_centre(self, members: list[int]) -> bool:
        """Whether some allowed candidate can be the centre of the region."""
        cands = [j for u in members for j in self.cands_of_unit[u]]
        if not cands:
            return False
        if self.all_allowed:
            return True
        return bool(self.k_allowed[np.array(members)[:, None], np.array(cands)].all(axis=0)
                    .any())

    def _connected(self, members: set[int]) -> bool:
        if len(members) <= 1:
            return True
        start = next(iter(members))
        seen = {start}
        stack = [start]
        while stack:
            u = stack.pop()
            for v in self.adj[u]:
                if v in members and v not in seen:
                    seen.add(v)
                    stack.append(v)
        return len(seen) == len(members)

    def _conflict(self, a: set[int], b: set[int]) -> bool:
        small, large = (a, b) if len(a) < len(b) else (b, a)
        return any(self.must_not[u] & large for u in small)

    # ------------------------------------------------------------------ main
    def fit(self, inst: Instance, start: Plan | None = None,
            keep: Iterable[int] = ()) -> HeuristicSolver:
        """Solve ``inst``, from ``start`` when given (its invalid units are repaired).

        ``keep``: labels of ``start``'s units to leave exactly as they are (members and
        centre), e.g. the units a user has locked; the returned plan is valid except for
        whatever those units already broke."""
        keep = sorted({int(k) for k in keep})
        if keep and start is None:
            raise ValueError("units to keep need a start plan")
        if keep and (keep[0] < 0 or keep[-1] >= start.n_units):
            raise ValueError(f"units to keep must be labels 0..{start.n_units - 1} of the start")
        reasons = diagnose(inst)
        if reasons:
            raise InfeasibleError(reasons)
        t0 = time.perf_counter()
        working = set(vars(self))
        self._setup(inst)
        self.kept = set(keep)
        self.kept_centre = {k: int(start.centres[k]) for k in keep}
        try:
            self._fit(inst, start, t0)
        finally:  # the working arrays (and the instance) live only during fit
            for name in set(vars(self)) - working:
                if not name.endswith("_") or name.startswith("_"):
                    delattr(self, name)
        return self

    def _fit(self, inst: Instance, start: Plan | None, t0: float) -> None:
        rng = np.random.default_rng(self.seed)
        if start is not None:
            starts = [{k: set(np.flatnonzero(start.labels == k).tolist())
                       for k in range(start.n_units)}]
        else:
            starts = [self._initial()]
            n_grow = self.starts if self.starts is not None else (
                10 if self.w.units < 0 and np.isfinite(self.min_pop) else 0)
            starts += [self._grow(rng) for _ in range(n_grow)]
        best_state, first_error = None, None
        for regions in starts:
            try:
                label, cost = self._repaired(regions, rng)
            except InfeasibleError as exc:
                first_error = first_error or exc
                continue
            if self.w.units > 0 or self.w.coherence > 0 or self.w.balance > 0:
                self._improving_merges(regions, label, cost)
            total = sum(c[0] for c in cost.values())
            if best_state is None or total < best_state[0]:
                best_state = (total, regions, label, cost)
        if best_state is None and start is None and not self.starts:
            for _ in range(10):  # the greedy repair got stuck: try max-p style growth
                regions = self._grow(rng)
                try:
                    label, cost = self._repaired(regions, rng)
                except InfeasibleError:
                    continue
                best_state = (0.0, regions, label, cost)
                break
        if best_state is None:
            raise first_error
        _, regions, label, cost = best_state
        self.moves_ = 0
        if self.local_search:
            self._tabu(regions, label, cost, rng, t0)
        self.plan_ = self._to_plan(regions, label, cost)
        self.kept_ = sorted({int(self.plan_.labels[min(regions[k])]) for k in self.kept})
        assert_valid(inst, self.plan_, "heuristic", set(self.kept_))
        self.objective_ = inst.objective(self.plan_)
        self.seconds_ = time.perf_counter() - t0

    def _repaired(self, regions: dict[int, set[int]], rng=None
                  ) -> tuple[np.ndarray, dict[int, tuple[float, int]]]:
        """Labels and costs of a start after repair and capping (both edit ``regions``);
        raises InfeasibleError when the start cannot be made valid. When the greedy cap gets
        stuck (every remaining merge breaks a criterion), it is retried with random merges."""
        label = np.empty(self.inst.n, np.int64)
        for k, mem in regions.items():
            label[list(mem)] = k
        cost = {k: (0.0, -1) if k in self.kept else self._best(sorted(mem))
                for k, mem in regions.items()}  # kept units: a constant, never compared
        self._repair(regions, label, cost)
        saved = ({k: set(m) for k, m in regions.items()}, label.copy(), dict(cost))
        try:
            self._cap(regions, label, cost)
        except InfeasibleError:
            if rng is None:
                raise
            for _attempt in range(50):
                regions.clear()
                regions.update({k: set(m) for k, m in saved[0].items()})
                label[:] = saved[1]
                cost.clear()
                cost.update(saved[2])
                try:
                    self._cap(regions, label, cost, rng)
                    break
                except InfeasibleError:
                    continue
            else:
                raise
        return label, cost

    def _initial(self) -> dict[int, set[int]]:
        """The current municipalities as regions, must-merge pairs joined (a fresh copy)."""
        if getattr(self, "_initial_cache", None) is not None:
            return {k: set(m) for k, m in self._initial_cache.items()}
        inst = self.inst
        parent = np.arange(inst.n)

        def find(u: int) -> int:
            while parent[u] != u:
                parent[u] = parent[parent[u]]
                u = parent[u]
            return u

        for a, b in inst.must_merge.tolist():
            parent[find(a)] = find(b)
        roots = np.array([find(u) for u in range(inst.n)])
        _, inverse = np.unique(roots, return_inverse=True)
        out: dict[int, set[int]] = {}
        for u, r in enumerate(inverse.tolist()):
            out.setdefault(r, set()).add(u)
        self._initial_cache = out
        return {k: set(m) for k, m in out.items()}

    def _grow(self, rng) -> dict[int, set[int]]:
        """Max-p style construction: grow regions from random seeds until each reaches the
        minimum population, then attach left-over municipalities to adjacent regions."""
        inst = self.inst
        atoms = self._initial()
        atom_of = np.empty(inst.n, np.int64)
        for a, mem in atoms.items():
            atom_of[list(mem)] = a
        apop = {a: float(inst.population[list(m)].sum()) for a, m in atoms.items()}
        anb = {a: {int(atom_of[v]) for u in m for v in self.adj[u]} - {a}
               for a, m in atoms.items()}
        free = set(atoms)
        regions: dict[int, set[int]] = {}
        left: list[int] = []
        for seed in rng.permutation(list(atoms)).tolist():
            if seed not in free:
                continue
            free.discard(seed)
            members, ratoms, pop = set(atoms[seed]), [seed], apop[seed]
            frontier = anb[seed] & free
            while pop < self.min_pop and frontier:
                opts = sorted(frontier, key=lambda a: (rng.random()))
                done = [a for a in opts if pop + apop[a] >= self.min_pop]
                order = (sorted(done, key=lambda a: apop[a]) if done
                         else sorted(opts, key=lambda a: -apop[a]))
                chosen = None
                for a in order:
                    grown = members | atoms[a]
                    if (pop + apop[a] <= self.max_pop + 1e-6
                            and not self._conflict(members, atoms[a])
                            and self._has_centre(sorted(grown))):
                        chosen = a
                        break
                if chosen is None:
                    break
                members |= atoms[chosen]
                ratoms.append(chosen)
                pop += apop[chosen]
                free.discard(chosen)
                frontier = (frontier | anb[chosen]) & free
            if pop >= self.min_pop - 1e-6 or inst.exempt[list(members)].any():
                regions[len(regions)] = members
            else:
                left.extend(ratoms)
        # left-overs join an adjacent region when the criteria allow, else stay on their own
        label = np.full(inst.n, -1)
        for k, mem in regions.items():
            label[list(mem)] = k
        pending = list(left)
        changed = True
        while pending and changed:
            changed = False
            rest = []
            for a in pending:
                targets = {int(label[v]) for u in atoms[a] for v in self.adj[u]} - {-1}
                best = None
                for k in targets:
                    grown = regions[k] | atoms[a]
                    pop = inst.population[list(grown)].sum()
                    if pop > self.max_pop + 1e-6 or self._conflict(regions[k], atoms[a]):
                        continue
                    c = self._best(sorted(grown))
                    if c[1] >= 0 and (best is None or c[0] < best[0]):
                        best = (c[0], k)
                if best is None:
                    rest.append(a)
                    continue
                regions[best[1]] |= atoms[a]
                label[list(atoms[a])] = best[1]
                changed = True
            pending = rest
        for a in pending:
            regions[len(regions)] = set(atoms[a])
        return regions

    def _feasible(self, mem: set[int], best: tuple[float, int]) -> bool:
        pop = self.inst.population[list(mem)].sum()
        low_ok = pop >= self.min_pop - 1e-6 or self.inst.exempt[list(mem)].any()
        return (best[1] >= 0 and low_ok and pop <= self.max_pop + 1e-6
                and self._connected(mem))

    def _merge_score(self, regions, cost, a: int, b: int) -> tuple[float, tuple[float, int]]:
        if a in self.kept or b in self.kept:
            return np.inf, (np.inf, -1)
        merged = regions[a] | regions[b]
        pop = self.inst.population[list(merged)].sum()
        if pop > self.max_pop + 1e-6 or self._conflict(regions[a], regions[b]):
            return np.inf, (np.inf, -1)
        best = self._best(sorted(merged))
        if best[1] < 0:
            return np.inf, best
        base = sum(cost[r][0] for r in (a, b) if np.isfinite(cost[r][0]))
        score = best[0] - base
        if self.w.units < 0 and np.isfinite(self.min_pop) and self.min_pop > 0:
            score += abs(self.w.units) / self.NU * max(pop - self.min_pop, 0) / self.min_pop
        return score, best

    def _neighbours(self, regions, label, k: int) -> set[int]:
        out = set()
        for u in regions[k]:
            out.update(int(label[v]) for v in self.adj[u])
        out.discard(k)
        return out

    def _do_merge(self, regions, label, cost, a: int, b: int, best) -> None:
        regions[a] |= regions.pop(b)
        label[list(regions[a])] = a
        cost.pop(b)
        cost[a] = best

    def _repair(self, regions, label, cost) -> None:
        inst = self.inst
        heap = [(inst.population[list(m)].sum(), k) for k, m in regions.items()
                if k not in self.kept and not self._feasible(m, cost[k])]
        heapq.heapify(heap)
        steals = 0
        while heap:
            _, k = heapq.heappop(heap)
            if k not in regions or self._feasible(regions[k], cost[k]):
                continue
            options = []
            for j in self._neighbours(regions, label, k):
                score, best = self._merge_score(regions, cost, k, j)
                if np.isfinite(score):
                    options.append((score, inst.population[list(regions[j])].sum(), j, best))
            if not options and steals < 10 * inst.n and self._steal(regions, label, cost, k):
                steals += 1
                if not self._feasible(regions[k], cost[k]):
                    heapq.heappush(heap, (inst.population[list(regions[k])].sum(), k))
                continue
            if not options:
                mem = sorted(regions[k])
                names = ", ".join(str(inst.units[u]) for u in mem[:5])
                pop = inst.population[mem].sum()
                raise InfeasibleError([Said(N_(
                    "the municipalities {codes} ({population} inhabitants) cannot be completed "
                    "into a unit meeting the criteria: every adjacent unit would break the "
                    "maximum population, the travel limit, the border rule or a must-not pair"),
                    codes=names, population=round(float(pop)))],
                    units=tuple(int(u) for u in mem))
            score, _, j, best = min(options, key=lambda t: (t[0], t[1]))
            self._do_merge(regions, label, cost, k, j, best)
            if not self._feasible(regions[k], cost[k]):
                heapq.heappush(heap, (inst.population[list(regions[k])].sum(), k))

    def _steal(self, regions, label, cost, k: int) -> bool:
        """Move one neighbouring municipality into deficient region k, keeping its donor
        region feasible; the best such move by objective. False when none exists."""
        best = None
        for v in {v for u in regions[k] for v in self.adj[u]} - regions[k]:
            j = int(label[v])
            if (j in self.kept or self.pinned[v] or len(regions[j]) == 1
                    or self.must_not[v] & regions[k]):
                continue
            rest = regions[j] - {v}
            cj = self._best(sorted(rest))
            if cj[1] < 0 or not self._feasible(rest, cj):
                continue
            grown = regions[k] | {v}
            if sum(self.popl[u] for u in grown) > self.max_pop + 1e-6:
                continue
            ck = self._best(sorted(grown))
            if ck[1] < 0:
                continue
            delta = cj[0] + ck[0] - cost[j][0] - (cost[k][0] if np.isfinite(cost[k][0]) else 0)
            if best is None or delta < best[0]:
                best = (delta, v, j, cj, ck)
        if best is None:
            return False
        _, v, j, cj, ck = best
        self._apply(regions, label, cost, v, j, k, cj, ck)
        return True

    def _cap(self, regions, label, cost, rng=None) -> None:
        """Merge while the unit cap is exceeded: the best merge, or a random allowed one when
        ``rng`` is given."""
        cap = self.inst.criteria.max_units
        while cap is not None and len(regions) > cap:
            best_pair = None
            for k in list(regions):
                for j in self._neighbours(regions, label, k):
                    if j < k:
                        continue
                    score, best = self._merge_score(regions, cost, k, j)
                    if rng is not None and np.isfinite(score):
                        score = rng.random()
                    if np.isfinite(score) and (best_pair is None or score < best_pair[0]):
                        best_pair = (score, k, j, best)
            if best_pair is None:
                raise InfeasibleError([Said(N_("no further merge is possible, yet the plan "
                                               "has {units} units, above max_units {cap}"),
                                            units=len(regions), cap=cap)])
            _, k, j, best = best_pair
            self._do_merge(regions, label, cost, k, j, best)

    def _improving_merges(self, regions, label, cost) -> None:
        improved = True
        while improved:
            improved = False
            for k in sorted(regions, key=lambda r: len(regions[r])):
                if k not in regions:
                    continue
                best_pair = None
                for j in self._neighbours(regions, label, k):
                    score, best = self._merge_score(regions, cost, k, j)
                    if score < -1e-12 and (best_pair is None or score < best_pair[0]):
                        merged = regions[k] | regions[j]
                        if self._feasible(merged, best):
                            best_pair = (score, j, best)
                if best_pair is not None:
                    self._do_merge(regions, label, cost, k, best_pair[1], best_pair[2])
                    improved = True

    def _move_delta(self, regions, cost, u: int, a: int, b: int):
        """Objective change of moving municipality u from unit a to unit b (inf if invalid)."""
        if (a in self.kept or b in self.kept or self.pinned[u] or len(regions[a]) == 1
                or self.must_not[u] & regions[b]):
            return np.inf, None, None
        rest = regions[a] - {u}
        grow = regions[b] | {u}
        popl = self.popl
        pa = sum(popl[v] for v in rest)
        pb = sum(popl[v] for v in regions[b]) + popl[u]
        exempt = self.exempt_list
        if ((pa < self.min_pop - 1e-6 and not any(exempt[v] for v in rest))
                or pb > self.max_pop + 1e-6):
            return np.inf, None, None
        if not self._connected(rest):
            return np.inf, None, None
        ca = self._best(sorted(rest))
        if ca[1] < 0:
            return np.inf, None, None
        cb = self._best(sorted(grow))
        if cb[1] < 0:
            return np.inf, None, None
        return ca[0] + cb[0] - cost[a][0] - cost[b][0], ca, cb

    def _tabu(self, regions, label, cost, rng, t0) -> None:
        inst = self.inst
        best_obj = sum(c[0] for c in cost.values())
        best_state = ({k: set(m) for k, m in regions.items()}, label.copy(), dict(cost))
        current = best_obj
        tabu_until = np.zeros(inst.n, np.int64)
        stall = 0
        it = 0
        while stall < self.max_iter and time.perf_counter() - t0 < self.time_limit:
            it += 1
            boundary = [u for u in range(inst.n)
                        if any(label[v] != label[u] for v in self.adj[u])]
            rng.shuffle(boundary)
            moved = False
            fallback = None
            for u in boundary:
                a = int(label[u])
                for b in {int(label[v]) for v in self.adj[u]} - {a}:
                    delta, ca, cb = self._move_delta(regions, cost, u, a, b)
                    if not np.isfinite(delta):
                        continue
                    is_tabu = tabu_until[u] > it
                    if delta < -1e-12 and (not is_tabu or current + delta < best_obj - 1e-12):
                        self._apply(regions, label, cost, u, a, b, ca, cb)
                        current += delta
                        moved = True
                        self.moves_ += 1
                        break
                    if not is_tabu and (fallback is None or delta < fallback[0]):
                        fallback = (delta, u, a, b, ca, cb)
                if time.perf_counter() - t0 > self.time_limit:
                    break
            if moved:
                if current < best_obj - 1e-12:
                    best_obj = current
                    best_state = ({k: set(m) for k, m in regions.items()}, label.copy(),
                                  dict(cost))
                    stall = 0
                continue
            if fallback is None:
                break
            delta, u, a, b, ca, cb = fallback
            self._apply(regions, label, cost, u, a, b, ca, cb)
            tabu_until[u] = it + self.tenure
            current += delta
            stall += 1
            self.moves_ += 1
        regions.clear()
        regions.update(best_state[0])
        label[:] = best_state[1]
        cost.clear()
        cost.update(best_state[2])

    def _apply(self, regions, label, cost, u, a, b, ca, cb) -> None:
        regions[a].discard(u)
        regions[b].add(u)
        label[u] = b
        cost[a] = ca
        cost[b] = cb

    def _to_plan(self, regions, label, cost) -> Plan:
        keys = sorted(regions)
        remap = {k: i for i, k in enumerate(keys)}
        labels = np.array([remap[int(k)] for k in label])
        centres = np.array([self.kept_centre[k] if k in self.kept
                            else self.inst.candidates[cost[k][1]] for k in keys], np.int64)
        return Plan(labels, centres, name="heuristic", status="heuristic").canonical()
