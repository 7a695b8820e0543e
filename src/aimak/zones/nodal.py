"""Nystuen-Dacey dominant-flow nodal regions.

Nystuen & Dacey (1961, "A graph theory interpretation of nodal regions", Papers of the Regional
Science Association 7) call a unit *subordinate* to the unit receiving its largest outflow when
that unit is larger than itself, size being the total inflow. A unit whose largest outflow goes
to a smaller (or equal) unit, or which sends nothing to other units, is a *terminal* point (a
centre). Following the chain of largest flows from any unit ends at exactly one terminal point:
the nodal region of a terminal point is every unit whose chain ends there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from aimak.zones.flowmatrix import FlowMatrix


def _largest_outflow(T: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the column of the largest off-diagonal flow (lowest index on ties) and its size."""
    off = (T - sp.diags(T.diagonal())).tocsr()
    off.eliminate_zeros()
    off.sort_indices()  # arg-max returns the first stored maximum: make that the lowest column
    value = off.max(axis=1).toarray().ravel()
    target = np.asarray(off.argmax(axis=1)).ravel()
    return target, value


class NodalRegions(BaseEstimator):
    """Dominant-flow nodal regions (Nystuen & Dacey 1961).

    Parameters
    ----------
    size:
        Size of each unit deciding who is subordinate to whom: ``"inflow"`` (total flow
        arriving, own-unit flow included, the original definition) or an array aligned with the
        flow units (e.g. population).

    Attributes
    ----------
    labels_: zone number (0..k-1) of each unit, numbered in order of the units' first appearance.
    dominant_: index of the unit each unit is directly subordinate to (itself for terminal points).
    terminal_: boolean mask of the terminal points (the centres of the nodal regions).
    centres_: unit id of the terminal point of each unit's zone.
    level_: steps along the chain of dominant flows from each unit to its terminal point (0 at
        terminal points).
    hierarchy_: table ``unit, dominant, centre, level, largest_flow, size, zone``.
    """

    def __init__(self, size: str | np.ndarray = "inflow") -> None:
        self.size = size

    def fit(self, flows: FlowMatrix) -> NodalRegions:
        """Find each unit's dominant flow and follow the chains to the terminal points."""
        n = flows.n
        if isinstance(self.size, str):
            if self.size != "inflow":
                raise ValueError(f"size must be 'inflow' or an array, not '{self.size}'")
            size = flows.inflow()
        else:
            size = np.asarray(self.size, dtype=float)
            if size.shape != (n,):
                raise ValueError(f"size has shape {size.shape}; expected ({n},), one per unit")
        target, value = _largest_outflow(flows.T)
        idx = np.arange(n)
        subordinate = (value > 0) & (size[target] > size)
        dominant = np.where(subordinate, target, idx)
        # Sizes strictly increase along a chain, so there are no cycles and pointer jumping
        # (each unit jumps to its pointer's pointer, adding up the steps) ends in log(depth) rounds.
        root = dominant.copy()
        level = subordinate.astype(int)
        while True:
            nxt = root[root]
            if np.array_equal(nxt, root):
                break
            level = level + level[root]
            root = nxt
        _, labels = np.unique(root, return_inverse=True)
        labels = _first_appearance(labels)
        self.labels_ = labels
        self.dominant_ = dominant
        self.terminal_ = ~subordinate
        self.centres_ = flows.units[root]
        self.level_ = level
        self.size_ = size
        self.hierarchy_ = pd.DataFrame(
            {
                "unit": flows.units,
                "dominant": flows.units[dominant],
                "centre": flows.units[root],
                "level": level,
                "largest_flow": value,
                "size": size,
                "zone": labels,
            }
        )
        return self


def _first_appearance(labels: np.ndarray) -> np.ndarray:
    """Renumber labels 0..k-1 in the order in which they first appear."""
    labels = np.asarray(labels)
    if labels.size == 0:
        return labels.astype(int)
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))
    return order[inverse].astype(int)
