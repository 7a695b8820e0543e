"""SYNTHETIC lattice instances for tests and benchmarks only (never real data).

Municipalities are square cells of a rows x cols grid (rook adjacency), each holding a few
settlements at random positions; travel time is straight-line distance at ``speed_kmh``; flows
follow a gravity model. Everything is seeded and labelled synthetic in ``provenance``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from aimak.plans.criteria import Criteria
from aimak.plans.instance import Instance


def lattice_adjacency(rows: int, cols: int) -> sp.csr_matrix:
    """Rook adjacency of a rows x cols grid (cells numbered row by row)."""
    idx = np.arange(rows * cols).reshape(rows, cols)
    a = np.r_[idx[:, :-1].ravel(), idx[:-1, :].ravel()]
    b = np.r_[idx[:, 1:].ravel(), idx[1:, :].ravel()]
    n = rows * cols
    A = sp.csr_matrix((np.ones(len(a), bool), (a, b)), shape=(n, n))
    return ((A + A.T) > 0).tocsr()


def lattice_instance(rows: int, cols: int, criteria: Criteria, per_unit: int = 2,
                     cell_km: float = 8.0, speed_kmh: float = 40.0, seed: int = 0,
                     flows: bool = True, groups: int = 1) -> Instance:
    """A SYNTHETIC instance on a grid; ``groups`` > 1 splits the columns into that many
    'rayons' for the stay_within criterion."""
    rng = np.random.default_rng(seed)
    n = rows * cols
    su = np.repeat(np.arange(n), per_unit)
    r, c = np.divmod(su, cols)
    xy = np.c_[c + rng.uniform(0.1, 0.9, len(su)), r + rng.uniform(0.1, 0.9, len(su))]
    xy *= cell_km
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    minutes = d / speed_kmh * 60.0
    pop = np.round(rng.lognormal(7.0, 0.8, len(su)))
    F = None
    if flows:
        with np.errstate(divide="ignore"):
            g = np.outer(pop, pop) / np.maximum(d, 1.0) ** 2 / 1e3
        g[d > 3 * cell_km] = 0.0
        F = sp.csr_matrix(np.round(g))
    group = (np.arange(n) % cols) * groups // cols
    order = np.lexsort((-pop, su))
    official = order[np.r_[True, su[order][1:] != su[order][:-1]]]
    cands = official if criteria.centre_candidates == "municipal_centres" else None
    inst = Instance.from_arrays(pop, su, lattice_adjacency(rows, cols), minutes, criteria,
                                km=d, candidates=cands, official_centre=official, flows=F,
                                group=group, area_km2=np.full(n, cell_km ** 2))
    inst.provenance = {"data": "synthetic lattice (tests and benchmarks only)"}
    return inst
