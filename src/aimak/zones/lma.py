"""Labour-market areas: the Coombes-Bond travel-to-work-area algorithm as Istat implements it.

Coombes and Bond (2008, *Travel-to-Work Areas: the 2007 review*, ONS) grow zones from flows by
repeatedly dissolving the *least valid* zone and handing its units to the zones they are most
bound to. Franconi, D'Alo' and Ichim (2016, *Istat implementation of the algorithm to develop
Labour Market Areas*) fixed the details that the Eurostat labour-market-area method uses; their R
package ``LabourMarketAreas`` (function ``findClusters``) is the reference this module follows.
The notation below is the R package's: ``minSZ, tarSZ, minSC, tarSC``.

Correspondence with ``findClusters`` (R names in brackets):

* **Units left out** [``zero.list``]: units with no residents, no workers, or whose only flow is
  to themselves are removed first, repeatedly, and never clustered. Here each becomes a zone of
  its own and is listed in ``excluded_``.
* **Order of units**: every order-dependent step follows the R package's order of unit ids:
  by integer value when every id is an integer (``"99"`` before ``"300"``), otherwise as
  character strings compared byte by byte (see ``reference_order``). The estimator permutes the
  flow matrix into that order, runs, and maps the labels back to ``flows.units``.
* **Start**: every unit is its own zone; zone ids follow the reference order of the units.
* **Validity** [``getLeastSelfContained``]: for a zone with residents R (flow leaving its
  units, own-zone flow included), workers W (flow arriving) and internal flow S, the
  self-containment is ``sc = min(S/R, S/W)`` (the smaller of the supply- and demand-side values);
  ``Y = min(sc/tarSC, 1)``; ``size = max((tarSZ - R)/(tarSZ - minSZ), 0)``;
  ``Z = 1 - (1 - minSC/tarSC) * size``; ``validity = Y * Z * tarSC/minSC`` (and exactly 1 when
  ``sc == 1``). This is the trade-off line through (minSZ, tarSC) and (tarSZ, minSC): a zone is
  valid when validity >= 1. Size is measured in residents, as in the R code.
* **Iteration**: the zone with the lowest validity is chosen (ties: the lowest zone id); the
  algorithm stops when it is valid.
* **One-unit zone** [``regroupDissolved``]: the unit goes to the zone with the highest cohesion
  ``L = T_ij^2/(R_i W_j) + T_ji^2/(R_j W_i)`` [``determineCohesion``], ``i`` being the unit and
  ``j`` a candidate zone linked to it by a flow (reserve units are not candidates), *provided*
  the receiving zone's validity does not fall; otherwise (case A) or when no zone is linked
  (case B) the unit goes to the **reserve list**.
* **Several-unit zone** [``regroupDissolved.ncom``]: only the unit with the most flow across
  the zone's boundary (``inflow from outside + residents - flow to itself``, the R
  ``orderRegroup``) leaves; it joins its most cohesive zone under the same rule or goes to the
  reserve (case C); the other units stay together as the same zone. When that unit has no
  linked zone at all (case D) it goes to the reserve, the zone's other units become one-unit
  zones, and ``k-1`` rounds follow, each taking the least valid zone of all (cases E and F, as
  in the R loop, including the R behaviour of sending a whole zone without links to the
  dissolved units to the reserve).
* **Reserve assignment**: after convergence the reserve units, taken from the largest id
  down in the reference order, each join at once their most cohesive zone *unconditionally*
  (zone totals as they stand, units placed earlier in the pass included), in passes until no
  unit can move; units with no link to any zone stay unassigned.

Two R implementation details are reproduced on purpose because they change the partition:
after a several-unit dissolution the R code relabels the remaining units without re-aggregating
its tables, so in the next iteration that zone's validity is evaluated on partial rows (the
minimum over pairs of one member's residents/workers and one internal member-to-member flow),
and a candidate zone in that state must beat all of its partial values. ``r_compat=False``
evaluates the aggregated zone instead. Ties between equally cohesive zones are broken as
``data.table`` orders them in the R code: zones receiving flow from the unit come first, then
by zone id, and the last of equal strength wins.

Deliberate differences (documented in docs/zones.md): units on the reserve list that no zone can
take become zones of their own rather than one "zone 0"; excluded units likewise. Pathological
states the R code does not handle consistently (one-unit zones left over from case D when the
rounds end) keep their own zones and are treated like reserve units at the end.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from aimak.errors import AimakError, fail
from aimak.zones.flowmatrix import FlowMatrix
from aimak.zones.metrics import zone_summary

RESERVE = -1
EXCLUDED = -2


class ParameterError(AimakError, ValueError):
    """An algorithm parameter is outside its allowed range."""


def validity(internal: np.ndarray | float, residents: np.ndarray | float,
             workers: np.ndarray | float, min_size: float, target_size: float, min_sc: float,
             target_sc: float) -> np.ndarray:
    """Coombes-Bond/Istat validity of zones (>= 1 means valid); same operations as the R code."""
    S = np.asarray(internal, dtype=float)
    R = np.asarray(residents, dtype=float)
    W = np.asarray(workers, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        msc = np.minimum(S / R, S / W)
        Y = msc / target_sc
        Y = np.where(Y > 1, 1.0, Y)
        size = (target_size - R) / (target_size - min_size)
        size = np.where(size < 0, 0.0, size)
        Z = 1 - ((1 - (min_sc / target_sc)) * size)
        v = Y * Z * (target_sc / min_sc)
    return np.where(msc == 1, 1.0, v)


_INTEGER = re.compile(r"[+-]?[0-9]+")


def reference_order(units: np.ndarray | list) -> np.ndarray:
    """Positions of ``units`` in the order the R package ``LabourMarketAreas`` processes them.

    The R code keeps unit ids as integers when they are, and every order-dependent step
    (the start zones, ties, the reserve list taken from the largest id down) follows their
    integer value; ids that are not all integers are character strings, compared byte by byte
    (the C locale). Integer ids equal in value (``"7"`` and ``"007"``) follow their text.
    """
    ids = [str(u) for u in units]
    if ids and all(_INTEGER.fullmatch(s) for s in ids):
        keys: list = [(int(s), s.encode("utf-8")) for s in ids]
    else:
        keys = [s.encode("utf-8") for s in ids]
    return np.array(sorted(range(len(ids)), key=keys.__getitem__), dtype=np.int64)


def excluded_units(T: sp.csr_matrix) -> np.ndarray:
    """Mask of units the R code puts on its ``zero.list``, found repeatedly as it does.

    A unit is left out when nobody lives in it (no outflow), nobody works in it (no inflow), or
    all of its flow stays inside it. Removing a unit can leave a neighbour in that state.
    """
    n = T.shape[0]
    keep = np.ones(n, dtype=bool)
    diag = T.diagonal()
    while True:
        D = sp.diags(keep.astype(float))
        Tk = D @ T @ D
        r = np.asarray(Tk.sum(axis=1)).ravel()
        w = np.asarray(Tk.sum(axis=0)).ravel()
        d = np.where(keep, diag, 0.0)
        bad = keep & ((r == 0) | (w == 0) | ((d == r) & (d == w)))
        if not bad.any():
            return ~keep
        keep &= ~bad


class LabourMarketAreas(BaseEstimator):
    """Labour-market areas (Coombes-Bond TTWA algorithm, Istat/Eurostat formulation).

    Parameters
    ----------
    min_size, target_size:
        Minimum and target zone size [``minSZ``, ``tarSZ``], in the flow table's unit (e.g.
        commuters or trips), measured as residents: flow leaving the zone's units.
    min_sc, target_sc:
        Minimum and target self-containment [``minSC``, ``tarSC``], shares in (0, 1].
    r_compat:
        Reproduce the R package's evaluation of a partly dissolved zone on unaggregated rows
        (see the module docstring); ``False`` evaluates the aggregated zone.

    Attributes
    ----------
    labels_: zone (0..k-1) of each unit, aligned with ``flows.units``, numbered by first
        appearance in unit order.
    labels_before_reserve_: the same numbering before the reserve assignment; ``-1`` for units
        on the reserve list.
    reserve_: table ``unit, reason, iteration, validity, zone, assigned``: each unit sent to the
        reserve list, why (R cases A-F), in which iteration, the validity of the zone it left,
        and the zone it finally joined (``assigned`` False: no zone linked, own zone).
    excluded_: ids of units left out before clustering (own zones).
    validity_: validity of each final zone (index = zone number).
    zones_: table ``zone, centre, n_units, residents, workers, internal, sc_supply, sc_demand,
        validity`` of the final zones; like the R output, its totals leave out the flows of
        excluded units.
    n_iter_: number of dissolution iterations before convergence.
    """

    def __init__(self, min_size: float = 1000, target_size: float = 10000,
                 min_sc: float = 0.6667, target_sc: float = 0.75, r_compat: bool = True) -> None:
        self.min_size = min_size
        self.target_size = target_size
        self.min_sc = min_sc
        self.target_sc = target_sc
        self.r_compat = r_compat

    # ------------------------------------------------------------------ parameters and scoring
    def _check(self) -> None:
        if not (self.min_size > 0 and self.target_size > self.min_size):
            raise ParameterError(
                f"the LMA sizes must satisfy 0 < min_size < target_size; got min_size="
                f"{self.min_size} and target_size={self.target_size}")
        if not (0 < self.min_sc < self.target_sc <= 1):
            raise ParameterError(
                f"the LMA self-containments must satisfy 0 < min_sc < target_sc <= 1; got "
                f"min_sc={self.min_sc} and target_sc={self.target_sc}")

    def _v1(self, S: float, R: float, W: float) -> float:
        """Scalar validity with the same floating-point operations as ``validity``."""
        msc = min(S / R, S / W) if R > 0 and W > 0 else float("nan")
        if msc == 1:
            return 1.0
        Y = msc / self.target_sc
        if Y > 1:
            Y = 1.0
        size = (self.target_size - R) / (self.target_size - self.min_size)
        if size < 0:
            size = 0.0
        Z = 1 - ((1 - (self.min_sc / self.target_sc)) * size)
        return Y * Z * (self.target_sc / self.min_sc)

    # ------------------------------------------------------------------ fitting
    def fit(self, flows: FlowMatrix) -> LabourMarketAreas:
        """Build the zones from ``flows`` (origin = residence, destination = workplace)."""
        self._check()
        T = sp.csr_matrix(flows.T, dtype=float)
        T.sum_duplicates()
        if T.nnz and not (np.isfinite(T.data).all() and (T.data >= 0).all()):
            raise fail("flows must be finite numbers, not negative")
        n = flows.n
        # Work in the R package's unit order: position k below is unit ``order[k]``.
        order = reference_order(flows.units)
        T = T[order][:, order].tocsr()
        excluded = excluded_units(T) if n else np.zeros(0, dtype=bool)
        D = sp.diags((~excluded).astype(float))
        T = (D @ T @ D).tocsr()
        T.eliminate_zeros()
        T.sort_indices()
        Tt = T.T.tocsr()
        Tt.sort_indices()
        self._T, self._Tt = T, Tt
        self._r = np.asarray(T.sum(axis=1)).ravel()
        self._w = np.asarray(T.sum(axis=0)).ravel()
        self._diag = T.diagonal()
        self._setup_state(n, excluded)
        self._events: list[tuple[int, str, int, float]] = []
        self._main_loop()
        before = self._assign_reserve()
        self._finish(flows, order, before, excluded)
        for name in [k for k in vars(self) if k.startswith("_")]:
            delattr(self, name)  # the working arrays live only during fit
        return self

    def _setup_state(self, n: int, excluded: np.ndarray) -> None:
        cap = 2 * n + 3  # n zones, room for zones made in case D, two slots never used
        self._lab = np.arange(n, dtype=np.int64)
        self._lab[excluded] = EXCLUDED
        self._S = np.zeros(cap)
        self._R = np.zeros(cap)
        self._W = np.zeros(cap)
        self._S[:n], self._R[:n], self._W[:n] = self._diag, self._r, self._w
        self._alive = np.zeros(cap, dtype=bool)
        self._alive[:n] = ~excluded
        self._neg = np.zeros(cap, dtype=bool)
        self._key = np.zeros(cap, dtype=np.int64)
        self._key[:n] = np.arange(n)
        self._next = n
        self._elig = self._alive.copy()  # zones a unit may join: alive, not being dissolved
        self._flag = np.zeros(cap, dtype=bool)
        self._acc = np.zeros(cap)
        self._val = np.full(cap, np.inf)
        a = self._alive
        self._val[a] = validity(self._S[a], self._R[a], self._W[a], self.min_size,
                                self.target_size, self.min_sc, self.target_sc)
        self._dirty: tuple[int, float, float] | None = None

    def _set(self, c: int, S: float, R: float, W: float) -> None:
        """Store zone ``c``'s totals (its units already labelled ``c``) and its validity."""
        self._S[c], self._R[c], self._W[c] = S, R, W
        self._val[c] = self._zone_validity(S, R, W, np.flatnonzero(self._lab == c))

    def _zone_validity(self, S: float, R: float, W: float, members: np.ndarray) -> float:
        """Validity of a zone from its totals, with the R rule for self-contained zones exact.

        R's tables give a zone without any flow across its boundary S == R == W exactly (one
        row), hence sc == 1 and validity 1. Totals summed here in another order can miss
        that by a rounding error, so a zone within 1e-9 of it is checked on its flows.
        """
        v = self._v1(S, R, W)
        if v != 1.0 and S >= R * (1 - 1e-9) and S >= W * (1 - 1e-9) and self._isolated(members):
            return 1.0
        return v

    def _isolated(self, members: np.ndarray) -> bool:
        """True when no flow links ``members`` with any other unit."""
        inside = np.zeros(len(self._lab), dtype=bool)
        inside[members] = True
        for M in (self._T, self._Tt):
            idx = _ranges(M.indptr[members], M.indptr[members + 1])
            if not inside[M.indices[idx]].all():
                return False
        return True

    def _new_zone(self) -> int:
        """A fresh zone id, growing the state arrays when needed (the last two slots stay
        unused: reserve and excluded units index them)."""
        c = self._next
        if c >= len(self._alive) - 2:
            extra = len(self._alive)
            for name, fill in (("_S", 0.0), ("_R", 0.0), ("_W", 0.0), ("_acc", 0.0),
                               ("_val", np.inf), ("_alive", False), ("_neg", False),
                               ("_elig", False), ("_flag", False), ("_key", 0)):
                old = getattr(self, name)
                setattr(self, name, np.concatenate([old, np.full(extra, fill, dtype=old.dtype)]))
        self._next += 1
        return c

    def _kill(self, c: int) -> None:
        self._alive[c] = False
        self._neg[c] = False
        self._elig[c] = False
        self._val[c] = np.inf
        self._S[c] = self._R[c] = self._W[c] = 0.0

    def _least(self) -> tuple[int, float]:
        """Zone with the lowest validity (ties: lowest zone id in the R order), and the value."""
        val = self._val
        m = float(val.min())
        ties = np.flatnonzero(val == m)
        c = int(ties[0]) if len(ties) == 1 else int(ties[np.argmin(self._key[ties])])
        return c, m

    # ------------------------------------------------------------------ flows of one unit
    def _links(self, d: int, eligible: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Zones linked to unit ``d`` by flow: their ids, flow d -> zone and flow zone -> d.

        ``eligible`` is a mask over zone ids; flows to units outside eligible zones and to
        ``d`` itself are ignored.
        """
        T, Tt, lab = self._T, self._Tt, self._lab
        # Reserve (-1) and excluded (-2) units index the last two slots of ``eligible``, which
        # are never zones; ``d`` itself is never in an eligible zone while it is placed.
        o0, o1 = T.indptr[d], T.indptr[d + 1]
        co = lab[T.indices[o0:o1]]
        mo = eligible[co]
        co, ov = co[mo], T.data[o0:o1][mo]
        i0, i1 = Tt.indptr[d], Tt.indptr[d + 1]
        ci = lab[Tt.indices[i0:i1]]
        mi = eligible[ci]
        ci, iv = ci[mi], Tt.data[i0:i1][mi]
        if len(co) + len(ci) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0)
        # sum per zone in scratch arrays (sorted zone ids, as np.unique would give)
        flag, acc = self._flag, self._acc
        flag[co] = True
        flag[ci] = True
        ids = np.flatnonzero(flag)
        flag[ids] = False
        np.add.at(acc, co, ov)
        t_out = acc[ids]
        acc[ids] = 0.0
        np.add.at(acc, ci, iv)
        t_in = acc[ids]
        acc[ids] = 0.0
        return ids, t_out, t_in

    def _best(self, d: int, ids: np.ndarray, t_out: np.ndarray, t_in: np.ndarray) -> int:
        """Index (into ``ids``) of the most cohesive zone for unit ``d`` [determineCohesion].

        Ties are broken as the R code's data.table ordering does: zones sending flow to ``d``
        come first, each group by zone id, and the last of the highest strength wins.
        """
        # every unit kept and every zone has residents and workers > 0: no division by zero
        Rd, Wd = self._r[d], self._w[d]
        strength = t_out / Rd * t_out / self._W[ids] + t_in / self._R[ids] * t_in / Wd
        top = np.flatnonzero(strength == strength.max())
        if len(top) == 1:
            return int(top[0])
        order = np.lexsort((self._key[ids[top]], t_in[top] <= 0))
        return int(top[order[-1]])

    def _move(self, d: int, c: int, t_out: float, t_in: float) -> None:
        """Put unit ``d`` (not currently in a zone's totals) into zone ``c``."""
        self._lab[d] = c
        self._set(c, self._S[c] + t_out + t_in + self._diag[d], self._R[c] + self._r[d],
                  self._W[c] + self._w[d])

    def _internal(self, members: np.ndarray, c: int) -> np.ndarray:
        """Flows from ``members`` to units of zone ``c`` (own-unit flows included)."""
        T = self._T
        starts, ends = T.indptr[members], T.indptr[members + 1]
        idx = _ranges(starts, ends)
        return T.data[idx][self._lab[T.indices[idx]] == c]

    def _old(self, c: int) -> float:
        """Validity of zone ``c`` at the start of the iteration, as R's acceptance test sees it."""
        if self._dirty is not None and self._dirty[0] == c:
            return self._dirty[2]
        return float(self._val[c])

    def _reserve(self, d: int, reason: str, iteration: int, v: float) -> None:
        self._lab[d] = RESERVE
        self._events.append((d, reason, iteration, v))

    # ------------------------------------------------------------------ the main loop
    def _main_loop(self) -> None:
        it = 0
        while True:
            if self._dirty is not None:
                L0, vmin, _ = self._dirty
                true_v = self._val[L0]
                self._val[L0] = vmin
                L, v = self._least()
                self._val[L0] = true_v
            else:
                L, v = self._least()
            if not v < 1:
                break
            it += 1
            members = np.flatnonzero(self._lab == L)
            if len(members) == 1:
                self._dissolve_one(L, int(members[0]), it, v)
            else:
                self._dissolve_many(L, members, it, v)
        self.n_iter_ = it

    def _try_join(self, d: int, eligible: np.ndarray) -> tuple[int, float, float, float] | None:
        """Most cohesive zone for ``d``: (zone, flow d -> zone, flow zone -> d, new validity)."""
        ids, t_out, t_in = self._links(d, eligible)
        if len(ids) == 0:
            return None
        b = self._best(d, ids, t_out, t_in)
        c = int(ids[b])
        members = np.append(np.flatnonzero(self._lab == c), d)
        v_new = self._zone_validity(self._S[c] + t_out[b] + t_in[b] + self._diag[d],
                                    self._R[c] + self._r[d], self._W[c] + self._w[d], members)
        return c, float(t_out[b]), float(t_in[b]), v_new

    def _dissolve_one(self, L: int, d: int, it: int, v: float) -> None:
        self._kill(L)
        self._lab[d] = RESERVE  # detached while looking for a zone
        join = self._try_join(d, self._elig)
        old = None if join is None else self._old(join[0])
        self._dirty = None
        if join is None:
            self._reserve(d, "B", it, v)
            return
        c, t_out, t_in, v_new = join
        if v_new >= old:
            self._move(d, c, t_out, t_in)
        else:
            self._reserve(d, "A", it, v)

    def _dissolve_many(self, L: int, members: np.ndarray, it: int, v: float) -> None:
        Tt, lab = self._Tt, self._lab
        # order of departure [orderRegroup]: inflow from outside the zone + residents - own flow
        starts, ends = Tt.indptr[members], Tt.indptr[members + 1]
        idx = _ranges(starts, ends)
        owner = np.repeat(np.arange(len(members)), ends - starts)
        outside = lab[Tt.indices[idx]] != L
        inflow_out = np.bincount(owner[outside], weights=Tt.data[idx][outside],
                                 minlength=len(members))
        score = inflow_out + self._r[members] - self._diag[members]
        first = int(members[np.argmax(score)])  # ties: first in reference order (stable)
        rest = members[members != first]
        self._elig[L] = False
        join = self._try_join(first, self._elig)
        self._elig[L] = True
        old = {} if join is None else {join[0]: self._old(join[0])}
        self._dirty = None
        if join is not None:
            c, t_out, t_in, v_new = join
            if v_new >= old[c]:
                self._move(first, c, t_out, t_in)
            else:
                self._reserve(first, "C", it, v)
            inside = self._internal(rest, L)
            self._set(L, float(inside.sum()), float(self._r[rest].sum()),
                      float(self._w[rest].sum()))
            if self.r_compat:
                self._mark_dirty(L, rest, inside)
            return
        # case D: the most connected unit has no zone to go to
        self._reserve(first, "D", it, v)
        self._kill(L)
        for pos, u in enumerate(members):
            if u == first:
                continue
            c = self._new_zone()
            self._alive[c] = True
            self._neg[c] = True
            self._elig[c] = False
            self._key[c] = -(pos + 1)
            lab[u] = c
            self._set(c, self._diag[u], self._r[u], self._w[u])
        for _ in range(len(members) - 1):
            self._round_d(it)

    def _round_d(self, it: int) -> None:
        """One round of the R loop after case D (cases E and F)."""
        c, v = self._least()
        if v > 1 or not np.isfinite(v):
            return  # the R loop picks its dummy zone 0 and changes nothing
        if self._neg[c]:
            (u,) = np.flatnonzero(self._lab == c)
            join = self._try_join(int(u), self._elig)
            self._kill(c)
            if join is None:
                self._reserve(int(u), "F", it, v)
                return
            b, t_out, t_in, v_new = join
            if v_new >= float(self._val[b]):
                self._move(int(u), b, t_out, t_in)
            else:
                self._reserve(int(u), "E", it, v)
            return
        # the least valid zone is an ordinary one: it takes the dissolved units linked to it
        members = np.flatnonzero(self._lab == c)
        linked = self._neg.copy()
        partners: list[int] = []
        for u in members:
            ids, _, _ = self._links(int(u), linked)
            partners.extend(int(x) for x in ids)
        partners = sorted(set(partners))
        if not partners:
            for u in members:
                self._reserve(int(u), "F", it, v)
            self._kill(c)
            return
        only_c = np.zeros(len(self._alive), dtype=bool)
        only_c[c] = True
        for p in partners:
            (u,) = np.flatnonzero(self._lab == p)
            u = int(u)
            self._kill(p)
            self._lab[u] = RESERVE
            _, t_out, t_in = self._links(u, only_c)
            self._move(u, c, float(t_out.sum()), float(t_in.sum()))

    def _mark_dirty(self, L: int, rest: np.ndarray, inside: np.ndarray) -> None:
        """Partial-row validities of zone L as the R code sees them in the next iteration.

        ``inside`` holds the flows between the remaining units ``rest`` of L.
        """
        flows = inside[inside > 0]
        ra, wa = self._r[rest], self._w[rest]
        # min(s/R, s/W) == s/max(R, W) exactly (division is monotone), and only the smallest
        # and largest internal flow matter: validity is monotone in s for a fixed member
        top = np.maximum(ra, wa)
        size = np.maximum((self.target_size - ra) / (self.target_size - self.min_size), 0.0)
        Z = 1 - ((1 - (self.min_sc / self.target_sc)) * size)
        ends = (flows.min(), flows.max()) if len(flows) else (0.0, 0.0)
        parts = []
        for s_end in ends:
            msc = s_end / top
            v = np.minimum(msc / self.target_sc, 1.0) * Z * (self.target_sc / self.min_sc)
            v[msc == 1] = 1.0
            parts.append(v)
        vals = np.concatenate(parts)
        self._dirty = (L, float(vals.min()), float(vals.max()))

    # ------------------------------------------------------------------ reserve assignment
    def _assign_reserve(self) -> np.ndarray:
        """Give reserve units to their most cohesive zones; return the labels from before."""
        lab = self._lab
        left = np.flatnonzero(self._neg[np.maximum(lab, 0)] & (lab >= 0))
        for u in left:  # one-unit zones left over from case D join the reserve
            self._kill(int(lab[u]))
            self._reserve(int(u), "D", self.n_iter_, float("nan"))
        self._dirty = None
        before = lab.copy()
        pending = sorted(np.flatnonzero(lab == RESERVE).tolist(), reverse=True)
        eligible = self._alive
        moved = True
        while moved and pending:
            moved = False
            still = []
            for u in pending:
                ids, t_out, t_in = self._links(u, eligible)
                if len(ids) == 0:
                    still.append(u)
                    continue
                b = self._best(u, ids, t_out, t_in)
                self._move(u, int(ids[b]), float(t_out[b]), float(t_in[b]))
                moved = True
            pending = still
        return before

    # ------------------------------------------------------------------ results
    def _finish(self, flows: FlowMatrix, order: np.ndarray, before: np.ndarray,
                excluded: np.ndarray) -> None:
        """Results in the order of ``flows.units`` (the run worked in ``order``)."""
        n = flows.n
        final = self._lab.copy()
        lone = np.flatnonzero(final < 0)  # unassigned reserve units and excluded units
        final[lone] = self._next + np.arange(len(lone))
        back = np.empty(n, dtype=np.int64)  # back[i]: position of unit i in the run's order
        back[order] = np.arange(n)
        final, before, excluded, lab = final[back], before[back], excluded[back], self._lab[back]
        _, first, inv = np.unique(final, return_index=True, return_inverse=True)
        rank = np.empty(len(first), dtype=np.int64)
        rank[np.argsort(first, kind="stable")] = np.arange(len(first))
        labels = rank[inv.ravel()] if n else np.zeros(0, dtype=np.int64)
        self.labels_ = labels
        lb = labels.copy()
        lb[before == RESERVE] = -1
        self.labels_before_reserve_ = lb
        self.excluded_ = flows.units[excluded]
        self.units_ = flows.units
        # events hold positions in the run's order; sorted by iteration, then that order
        events = sorted(self._events, key=lambda e: (e[2], e[0]))
        units = [int(order[e[0]]) for e in events]
        self.reserve_ = pd.DataFrame({
            "unit": [flows.units[u] for u in units],
            "reason": [e[1] for e in events],
            "iteration": np.array([e[2] for e in events], dtype=np.int64),
            "validity": np.array([e[3] for e in events], dtype=float),
            "zone": np.array([labels[u] for u in units], dtype=np.int64),
            "assigned": np.array([lab[u] >= 0 for u in units], dtype=bool),
        })
        # as in the R output, zone totals leave out the flows of excluded units
        used = FlowMatrix(flows.units, self._T[back][:, back].tocsr())
        self.zones_ = zone_table(used, labels, self.min_size, self.target_size, self.min_sc,
                                 self.target_sc)
        self.validity_ = self.zones_["validity"].to_numpy()
        del self._events


def zone_table(flows: FlowMatrix, labels: np.ndarray, min_size: float, target_size: float,
               min_sc: float, target_sc: float) -> pd.DataFrame:
    """Per zone: units, residents, workers, internal flow, both self-containments, validity."""
    table = zone_summary(flows, labels)
    table["validity"] = validity(table["internal"], table["residents"], table["workers"],
                                 min_size, target_size, min_sc, target_sc)
    return table


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, e)`` for each pair, without a Python loop."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return np.arange(total, dtype=np.int64) + offsets
