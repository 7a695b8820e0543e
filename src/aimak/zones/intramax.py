"""Intramax hierarchical regionalisation (Masser & Brown 1975).

Starting from one zone per unit, Intramax repeatedly merges the two zones i, j with the largest
interaction relative to their sizes,

    I_ij = T_ij / (O_i D_j) + T_ji / (O_j D_i),

where O is the total outflow and D the total inflow of a zone (flows within a zone included), and
adds up their rows and columns. Dividing by O_i D_j removes the effect of the zones' sizes, so the
merges follow the strength of the links rather than the size of the places (Masser & Brown,
"Hierarchical aggregation procedures for interaction data", Environment and Planning A 7, 1975).
Only pairs with some flow between them are merged; with ``adjacency`` only adjacent zones are.

The zone x zone matrix is dense (a few hundred units: a 600 x 600 float matrix is 3 MB); after a
merge only the row and column of the merged zone change, so each step costs O(k) updates plus one
vectorised arg-max over the k x k objective matrix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from aimak.zones.flowmatrix import FlowMatrix
from aimak.zones.nodal import _first_appearance


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.zeros_like(num, dtype=float)
    np.divide(num, den, out=out, where=den > 0)
    return out


class Intramax(BaseEstimator):
    """Intramax hierarchical aggregation of units into zones.

    Parameters
    ----------
    n_zones: stop when this many zones remain (None: merge as far as flows allow and cut the
        hierarchy later with ``labels_for``).
    adjacency: optional boolean unit x unit contiguity matrix; only adjacent zones are merged.

    Attributes
    ----------
    labels_: zone number (0..k-1) of each unit after the last merge performed.
    merges_: table of the merges in order: ``step, kept, absorbed, kept_unit, absorbed_unit,
        objective, n_zones`` (``kept``/``absorbed`` are the unit indices representing the two
        zones; ``n_zones`` is the number of zones after the merge).
    n_zones_: number of zones in ``labels_`` (more than ``n_zones`` when the remaining zones have
        no flows, or no adjacency, between them).
    """

    def __init__(
        self, n_zones: int | None = None, adjacency: sp.spmatrix | np.ndarray | None = None
    ) -> None:
        self.n_zones = n_zones
        self.adjacency = adjacency

    def fit(self, flows: FlowMatrix) -> Intramax:
        """Merge zones until ``n_zones`` remain or no pair has any flow between them."""
        n = flows.n
        if self.n_zones is not None and not 1 <= self.n_zones <= max(n, 1):
            raise ValueError(
                f"n_zones must be between 1 and the number of units ({n}), not {self.n_zones}"
            )
        T = flows.T.toarray().astype(float)
        if self.adjacency is not None:
            allowed = sp.csr_matrix(self.adjacency, dtype=bool).toarray()
            if allowed.shape != (n, n):
                raise ValueError(f"adjacency has shape {allowed.shape}; expected ({n}, {n})")
            allowed = allowed | allowed.T
        else:
            allowed = np.ones((n, n), dtype=bool)
        out_total = T.sum(axis=1)
        in_total = T.sum(axis=0)
        S = _ratio(T, np.outer(out_total, in_total))
        objective = S + S.T
        linked = (T + T.T) > 0
        score = np.where(linked & allowed, objective, -np.inf)
        np.fill_diagonal(score, -np.inf)
        active = np.ones(n, dtype=bool)
        target = 1 if self.n_zones is None else self.n_zones
        rows: list[tuple[int, int, float, int]] = []
        k = n
        while k > target:
            flat = int(np.argmax(score))
            i, j = divmod(flat, n)
            best = score[i, j]
            if not np.isfinite(best):
                break
            if j < i:
                i, j = j, i  # the zone with the lower unit index keeps its number
            T[i, :] += T[j, :]
            T[:, i] += T[:, j]
            T[j, :] = 0.0
            T[:, j] = 0.0
            allowed[i, :] |= allowed[j, :]
            allowed[:, i] |= allowed[:, j]
            active[j] = False
            k -= 1
            rows.append((i, j, float(best), k))
            out_total[i] = T[i, :].sum()
            in_total[i] = T[:, i].sum()
            out_total[j] = in_total[j] = 0.0
            row = _ratio(T[i, :], out_total[i] * in_total) + _ratio(
                T[:, i], out_total * in_total[i]
            )
            ok = active & allowed[i, :] & ((T[i, :] + T[:, i]) > 0)
            ok[i] = False
            new = np.where(ok, row, -np.inf)
            score[i, :] = new
            score[:, i] = new
            score[j, :] = -np.inf
            score[:, j] = -np.inf
        self.units_ = flows.units
        self.merges_ = pd.DataFrame(rows, columns=["kept", "absorbed", "objective", "n_zones"])
        self.merges_.insert(0, "step", np.arange(1, len(rows) + 1))
        self.merges_["kept_unit"] = flows.units[self.merges_["kept"].to_numpy(int)]
        self.merges_["absorbed_unit"] = flows.units[self.merges_["absorbed"].to_numpy(int)]
        self.labels_ = self.labels_for(None)
        self.n_zones_ = int(self.labels_.max()) + 1 if n else 0
        return self

    def labels_for(self, n_zones: int | None) -> np.ndarray:
        """Zone labels after replaying the merges down to ``n_zones`` (None: every merge)."""
        n = len(self.units_)
        rep = np.arange(n)
        steps = self.merges_
        if n_zones is not None:
            steps = steps[steps["n_zones"] >= n_zones]
        for kept, absorbed in zip(
            steps["kept"].to_numpy(int), steps["absorbed"].to_numpy(int), strict=True
        ):
            rep[rep == absorbed] = kept
        return _first_appearance(rep)
