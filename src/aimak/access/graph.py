"""Shortest travel times on a sparse graph with SciPy's compiled Dijkstra.

Models that route over a graph (terrain grid, road network) build a *core* graph whose edge
weights are minutes, then attach each point (settlement, facility) as an extra node linked to
one core node by an off-network leg in both directions. Dijkstra runs from many sources at
once, in chunks, optionally in several processes; path lengths in km are recovered from the
predecessor arrays by walking every path back at once (vectorised over all pairs).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import geopandas as gpd
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from aimak.access.base import AccessModel, points_frame

#: Sources per Dijkstra call: bounds the memory of the predecessor array.
CHUNK = 32
#: Bytes the dense distance and predecessor rows of one Dijkstra call may take; large grids
#: (millions of cells) get fewer sources per call so that memory stays bounded.
CHUNK_BYTES = 256 * 2**20


def sources_per_call(n_nodes: int) -> int:
    """Sources per Dijkstra call for a graph of ``n_nodes`` (12 bytes per node and source)."""
    return max(1, min(CHUNK, CHUNK_BYTES // max(12 * n_nodes, 1)))

EdgeKm = Callable[[np.ndarray, np.ndarray], np.ndarray]


def with_points(core: sp.csr_matrix, nodes: np.ndarray, leg_out: np.ndarray,
                leg_in: np.ndarray) -> sp.csr_matrix:
    """``core`` plus one node per point, linked to core node ``nodes[k]``: point -> core costs
    ``leg_out[k]`` minutes and core -> point ``leg_in[k]``. Unlinked points have ``nodes < 0``."""
    n, p = core.shape[0], len(nodes)
    ok = nodes >= 0
    pts = n + np.flatnonzero(ok)
    rows = np.concatenate([pts, nodes[ok]])
    cols = np.concatenate([nodes[ok], pts])
    # a zero-length leg would vanish from the sparse matrix: keep a tiny positive weight
    w = np.maximum(np.concatenate([leg_out[ok], leg_in[ok]]), 1e-9)
    extra = sp.csr_matrix((w, (rows, cols)), shape=(n + p, n + p))
    return (sp.block_diag([core, sp.csr_matrix((p, p))], format="csr") + extra).tocsr()


def path_km(pred: np.ndarray, rows: np.ndarray, ends: np.ndarray, edge_km: EdgeKm,
            reverse: bool = False) -> np.ndarray:
    """Length (km) of the tree path to each ``ends[k]`` in predecessor row ``rows[k]``.

    All paths are walked back together, one step per iteration, over numpy arrays. With
    ``reverse`` the tree was grown on the transposed graph, so each step is the edge
    node -> predecessor rather than predecessor -> node.
    """
    km = np.zeros(len(ends))
    act = np.arange(len(ends))
    r, node = rows, ends
    prev = pred[r, node]
    keep = prev >= 0
    act, r, node, prev = act[keep], r[keep], node[keep], prev[keep]
    while act.size:
        km[act] += edge_km(node, prev) if reverse else edge_km(prev, node)
        nxt = pred[r, prev]
        keep = nxt >= 0
        act, r, node, prev = act[keep], r[keep], prev[keep], nxt[keep]
    return km


_SHARED: dict = {}


def _chunk(args: tuple[np.ndarray, np.ndarray, float | None]) -> tuple[np.ndarray, np.ndarray]:
    src, dst, limit = args
    graph, edge_km = _SHARED["graph"], _SHARED["edge_km"]
    dist, pred = dijkstra(graph, directed=True, indices=src, return_predecessors=True,
                          limit=np.inf if limit is None else limit)
    minutes = dist[:, dst]
    rows = np.repeat(np.arange(len(src)), len(dst))
    ends = np.tile(dst, len(src))
    finite = np.isfinite(minutes).ravel()
    km = np.full(minutes.size, np.inf)
    km[finite] = path_km(pred, rows[finite], ends[finite], edge_km)
    return minutes, km.reshape(minutes.shape)


def many_to_many(graph: sp.csr_matrix, edge_km: EdgeKm, src: np.ndarray, dst: np.ndarray,
                 limit: float | None, n_jobs: int) -> tuple[np.ndarray, np.ndarray]:
    """Minutes and km of the fastest path from each ``src`` node to each ``dst`` node."""
    step = sources_per_call(graph.shape[0])
    chunks = [(src[i:i + step], dst, limit) for i in range(0, len(src), step)]
    if n_jobs == -1:
        n_jobs = os.cpu_count() or 1
    _SHARED.update(graph=graph, edge_km=edge_km)
    try:
        if n_jobs > 1 and len(chunks) > 1 and "fork" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("fork")  # workers inherit the graph, no pickling
            with ProcessPoolExecutor(min(n_jobs, len(chunks)), mp_context=ctx) as pool:
                results = list(pool.map(_chunk, chunks))
        else:
            results = [_chunk(c) for c in chunks]
    finally:
        _SHARED.clear()
    if not results:
        return np.zeros((0, len(dst))), np.zeros((0, len(dst)))
    return (np.vstack([m for m, _ in results]), np.vstack([k for _, k in results]))


class GraphModel(AccessModel):
    """A travel-time model routed over a sparse graph of minutes (see module docstring)."""

    n_jobs: int  # processes for the matrix: each subclass's __init__ sets it (its default, once)

    # --- to be provided by subclasses -------------------------------------------------------
    def _snap(self, points: gpd.GeoDataFrame, what: str
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Core node, minutes out, minutes in and km of each point's leg (node -1: unlinked)."""
        raise NotImplementedError

    def _core_edge_km(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    # --- shared machinery -------------------------------------------------------------------
    def _attach(self, sets: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]
                ) -> tuple[sp.csr_matrix, EdgeKm, list[np.ndarray]]:
        """The core graph with point sets attached, an edge-km function and each set's nodes."""
        nodes = np.concatenate([s[0] for s in sets])
        leg_out = np.concatenate([s[1] for s in sets])
        leg_in = np.concatenate([s[2] for s in sets])
        leg_km = np.concatenate([s[3] for s in sets])
        n = self.core_.shape[0]
        graph = with_points(self.core_, nodes, leg_out, leg_in)
        core_km = self._core_edge_km

        def edge_km(u: np.ndarray, v: np.ndarray) -> np.ndarray:
            out = np.empty(len(u))
            pu, pv = u >= n, v >= n
            out[pu] = leg_km[u[pu] - n]
            out[pv] = leg_km[v[pv] - n]
            core = ~(pu | pv)
            out[core] = core_km(u[core], v[core])
            return out

        starts = np.cumsum([0, *[len(s[0]) for s in sets]])
        return graph, edge_km, [n + np.arange(a, b) for a, b in itertools.pairwise(starts)]

    def _fit_points(self, points: object) -> None:
        frame = points_frame(points)
        self.ids_ = frame["id"].to_numpy(dtype=object)
        self._note_approximate(frame)
        self._legs = self._snap(frame, "settlement")
        self.stranded_ = self.ids_[self._legs[0] < 0]

    def _solve(self, src: np.ndarray, dst: np.ndarray, cutoff: float | None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Route between the distinct core nodes only, then add each point's own legs.

        Points are dead ends of the attached graph, so point -> point equals leg out + core
        path + leg in; settlements sharing a node share one Dijkstra run.
        """
        node, leg_out, leg_in, leg_km = self._legs
        s_node, d_node = node[src], node[dst]
        s_ok, d_ok = s_node >= 0, d_node >= 0
        us, s_inv = np.unique(s_node[s_ok], return_inverse=True)
        ud, d_inv = np.unique(d_node[d_ok], return_inverse=True)
        core_min, core_km = many_to_many(self.core_, self._core_edge_km, us, ud, cutoff,
                                         self.n_jobs)
        minutes = np.full((len(src), len(dst)), np.inf)
        km = np.full((len(src), len(dst)), np.inf)
        block = np.ix_(np.flatnonzero(s_ok), np.flatnonzero(d_ok))
        minutes[block] = (leg_out[src][s_ok][:, None] + core_min[np.ix_(s_inv, d_inv)]
                          + leg_in[dst][d_ok][None, :])
        km[block] = (leg_km[src][s_ok][:, None] + core_km[np.ix_(s_inv, d_inv)]
                     + leg_km[dst][d_ok][None, :])
        same = src[:, None] == dst[None, :]
        minutes[same], km[same] = 0.0, 0.0
        return minutes, km

    def _nearest_one(self, facilities: gpd.GeoDataFrame, cutoff: float | None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        legs = self._snap(facilities, "facility")
        graph, edge_km, (settle, fac) = self._attach([self._legs, legs])
        dist, pred, origin = dijkstra(graph.T.tocsr(), directed=True, indices=fac,
                                      min_only=True, return_predecessors=True,
                                      limit=np.inf if cutoff is None else cutoff)
        minutes = dist[settle]
        which = np.full(len(settle), -1)
        ok = np.isfinite(minutes)
        which[ok] = origin[settle[ok]] - fac[0]
        km = np.full(len(settle), np.inf)
        km[ok] = path_km(pred[None, :], np.zeros(ok.sum(), dtype=np.int64), settle[ok],
                         edge_km, reverse=True)
        return minutes, km, which
