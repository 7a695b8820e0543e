"""The one flow representation every zoning algorithm shares: a sparse origin x destination matrix.

Units are the union of origins and destinations, sorted as strings so that the same table always
gives the same unit order (algorithms that break ties by unit order are then reproducible).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from aimak.errors import InputError, Problem
from aimak.schema import FLOWS, SOURCE_ROW, validate


@dataclass(frozen=True)
class FlowMatrix:
    """Flows T[i, j] from unit i (residence/origin) to unit j (workplace/destination).

    ``units`` holds the unit ids (strings); ``T`` is a CSR matrix of float64 flows with the
    diagonal holding flows within a unit. Duplicate (origin, destination) pairs are summed.
    """

    units: np.ndarray
    T: sp.csr_matrix

    @classmethod
    def from_frame(cls, flows: pd.DataFrame, file: str | None = None,
                   units: list[str] | None = None, known: set[str] | None = None) -> FlowMatrix:
        """Build from a table with ``origin``, ``destination`` and ``flow`` columns.

        ``units`` fixes the unit list (flows naming other units are an error); ``known`` only
        restricts which ids may appear (e.g. the dataset's settlement ids).
        """
        checks = {}
        if known is not None:
            checks = {"origin": known, "destination": known}
        frame = flows if SOURCE_ROW in flows.columns else flows.assign(
            **{SOURCE_ROW: np.arange(1, len(flows) + 1)})
        clean = validate(frame, FLOWS, file=file, known=checks)
        if units is None:
            ids = np.array(sorted(set(clean["origin"]) | set(clean["destination"])), dtype=object)
        else:
            ids = np.asarray(units, dtype=object)
            extra = (set(clean["origin"]) | set(clean["destination"])) - set(ids)
            if extra:
                raise InputError([Problem(f"flows name units not in the unit list: "
                                          f"{', '.join(sorted(extra)[:10])}", file)])
        index = pd.Index(ids)
        i = index.get_indexer(clean["origin"])
        j = index.get_indexer(clean["destination"])
        n = len(ids)
        T = sp.coo_matrix((clean["flow"].to_numpy(float), (i, j)), shape=(n, n)).tocsr()
        T.sum_duplicates()
        return cls(ids, T)

    @classmethod
    def from_arrays(cls, units: list[str] | np.ndarray, T: np.ndarray | sp.spmatrix
                    ) -> FlowMatrix:
        """Build from a unit list and a dense or sparse square matrix."""
        M = sp.csr_matrix(T, dtype=float)
        if M.shape != (len(units), len(units)):
            raise ValueError(f"matrix shape {M.shape} does not match {len(units)} units")
        return cls(np.asarray(units, dtype=object), M)

    @property
    def n(self) -> int:
        return len(self.units)

    def outflow(self) -> np.ndarray:
        """Total flow leaving each unit, own-unit flow included (residents, supply side)."""
        return np.asarray(self.T.sum(axis=1)).ravel()

    def inflow(self) -> np.ndarray:
        """Total flow arriving in each unit, own-unit flow included (jobs, demand side)."""
        return np.asarray(self.T.sum(axis=0)).ravel()

    def aggregate(self, labels: np.ndarray) -> sp.csr_matrix:
        """Zone x zone flows for integer zone labels 0..k-1 of the units."""
        labels = np.asarray(labels)
        k = int(labels.max()) + 1 if len(labels) else 0
        A = sp.csr_matrix((np.ones(self.n), (np.arange(self.n), labels)), shape=(self.n, k))
        return (A.T @ self.T @ A).tocsr()

    def to_frame(self) -> pd.DataFrame:
        """Long table ``origin, destination, flow`` of the non-zero flows."""
        C = self.T.tocoo()
        return pd.DataFrame({"origin": self.units[C.row], "destination": self.units[C.col],
                             "flow": C.data})
