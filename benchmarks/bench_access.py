"""Terrain travel-time matrix of Jalal-Abad: aimak (SciPy Dijkstra) against igraph and NetworkX.

The strongest peer is igraph (compiled Dijkstra): it computes the full cell x cell matrix of
minutes on the same CSR graph in this process, interleaved with aimak's full matrix (which
also sums the km along every fastest path and runs on ``n_jobs`` processes; its CPU time
counts every process). Wall and CPU time are printed separately, and the largest difference
between the two matrices (the quality check).

Uses the dataset at ``$AIMAK_BENCH_DATASET``, or else builds the Jalal-Abad dataset from the
sources (``../shared/data/kyrgyzstan`` or their download); needs the packaged GEBCO grid.
NetworkX runs the same computation (fastest path from each settlement's cell to every
other settlement's cell on the same CSR graph, with the path length in km) for a sample of
sources, and its full-matrix time is extrapolated from the sample's time per source.
"""

from __future__ import annotations

import os
import resource
import time
from itertools import pairwise
from pathlib import Path

import numpy as np

from aimak.access import TerrainModel

ROOT = Path(__file__).resolve().parents[1]
SETTLEMENTS_CSV = ROOT.parent / "shared" / "data" / "kyrgyzstan" / "settlements.csv"


def _points() -> tuple[object, str]:
    """The Jalal-Abad dataset: ``$AIMAK_BENCH_DATASET`` if set, else built from the sources."""
    from aimak.dataset import Dataset

    path = os.environ.get("AIMAK_BENCH_DATASET")
    if path:
        return Dataset.read(path), f"dataset {path}"
    from aimak.kyrgyzstan.build import build_kyrgyzstan
    from aimak.kyrgyzstan.download import resolve_source

    source = resolve_source(os.environ.get("AIMAK_SOURCE"))
    return build_kyrgyzstan(source, "jalal-abad").dataset, "Jalal-Abad dataset"


def _networkx(model: TerrainModel, sources: np.ndarray, targets: np.ndarray
              ) -> tuple[float, dict[int, dict[int, tuple[float, float]]]]:
    import networkx as nx

    coo = model.core_.tocoo()
    km = model._core_edge_km(coo.row.astype(np.int64), coo.col.astype(np.int64))
    graph = nx.DiGraph()
    graph.add_nodes_from(range(model.core_.shape[0]))
    graph.add_edges_from((int(u), int(v), {"weight": float(w), "km": float(k)})
                         for u, v, w, k in zip(coo.row, coo.col, coo.data, km, strict=True))
    t0, c0 = time.perf_counter(), time.process_time()
    out: dict[int, dict[int, tuple[float, float]]] = {}
    for s in sources:
        dist, paths = nx.single_source_dijkstra(graph, int(s), weight="weight")
        row = {}
        for t in targets:
            if t in dist:
                p = paths[t]
                row[int(t)] = (dist[t], sum(graph[a][b]["km"] for a, b in pairwise(p)))
        out[int(s)] = row
    _CPU["networkx"] = (time.process_time() - c0) / len(sources)
    return time.perf_counter() - t0, out


_CPU: dict[str, float] = {}


def _children_cpu() -> float:
    """CPU seconds used by finished child processes (the matrix workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _igraph(model: TerrainModel, cells: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Full minutes matrix between ``cells`` by igraph; (wall, CPU, matrix)."""
    import igraph as ig

    coo = model.core_.tocoo()
    g = ig.Graph(n=model.core_.shape[0], edges=list(zip(coo.row.tolist(), coo.col.tolist(),
                                                        strict=True)), directed=True)
    g.es["weight"] = coo.data.tolist()
    t0, c0 = time.perf_counter(), time.process_time()
    out = np.asarray(g.distances(source=cells.tolist(), target=cells.tolist(),
                                 weights="weight", mode="out"))
    return time.perf_counter() - t0, time.process_time() - c0, out


def run(quick: bool = False) -> None:
    points, label = _points()
    if quick and hasattr(points, "settlements"):
        points = points.settlements.iloc[:150]
    elif quick:
        points = points.iloc[:150]
    jobs = min(2, os.cpu_count() or 1)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start "
          "(other work on the machine slows both sides)")
    t0 = time.perf_counter()
    model = TerrainModel(n_jobs=jobs).fit(points)
    t_fit = time.perf_counter() - t0
    t0, c0, k0 = time.perf_counter(), time.process_time(), _children_cpu()
    frame = model.matrix()
    t_matrix = time.perf_counter() - t0
    cpu = time.process_time() - c0 + _children_cpu() - k0
    nodes = model._legs[0]
    cells = np.unique(nodes[nodes >= 0])
    print(f"input: {label}; {len(model.ids_)} settlements on {len(cells)} distinct cells; "
          f"grid {model.grid_.shape[0]}x{model.grid_.shape[1]} cells "
          f"({int(model.passable_.sum()):,} passable), {model.core_.nnz:,} edges")
    print(f"aimak: fit {t_fit:.2f} s, full matrix {t_matrix:.2f} s with {jobs} process(es) "
          f"({len(frame):,} pairs, {t_matrix / len(cells) * 1000:.1f} ms per source cell)")
    print(f"aimak: {cpu:.2f} CPU seconds for the matrix over all processes "
          f"({cpu / jobs:.2f} s per core if the {jobs} cores were free)")

    from aimak.access.graph import many_to_many

    print("igraph against aimak, interleaved, full matrix between the distinct cells:")
    for rep in range(2):
        t0, c0, k0 = time.perf_counter(), time.process_time(), _children_cpu()
        model.matrix()
        wa = time.perf_counter() - t0
        ca = time.process_time() - c0 + _children_cpu() - k0
        wi, ci, dist = _igraph(model, cells)
        print(f"  run {rep}: aimak wall {wa:.2f} s, CPU {ca:.2f} s ({jobs} processes, minutes "
              f"and km); igraph wall {wi:.2f} s, CPU {ci:.2f} s (1 process, minutes only); "
              f"igraph/aimak wall {wi / wa:.2f}x, CPU {ci / ca:.2f}x")
    check = cells[np.linspace(0, len(cells) - 1, 20).astype(int)]
    mins, _ = many_to_many(model.core_, model._core_edge_km, check, cells)
    rows = np.searchsorted(cells, check)
    both = np.isfinite(mins) & np.isfinite(dist[rows])
    print(f"  largest difference between igraph and aimak on 20 source rows: "
          f"{np.abs(mins[both] - dist[rows][both]).max():.2e} minutes")

    print("NetworkX (pure Python) on a sample of sources, extrapolated:")
    sample = cells[np.linspace(0, len(cells) - 1, 3 if quick else 8).astype(int)]
    t_nx, nx_rows = _networkx(model, sample, cells)
    per_nx = t_nx / len(sample)
    full_nx = per_nx * len(cells)
    print(f"networkx: {per_nx * 1000:.0f} ms per source cell over {len(sample)} sources; "
          f"full matrix extrapolated {full_nx:.1f} s")
    print(f"ratio networkx / aimak (full matrix): {full_nx / t_matrix:.1f}x wall time, "
          f"{_CPU['networkx'] * len(cells) / cpu:.1f}x CPU time "
          f"(networkx {_CPU['networkx'] * 1000:.0f} CPU ms per source)")

    # the two computations agree: compare the sampled rows with aimak's core distances
    mins, kms = many_to_many(model.core_, model._core_edge_km, sample, cells)
    worst = 0.0
    for i, s in enumerate(sample):
        for j, t in enumerate(cells):
            if int(t) in nx_rows[int(s)]:
                m, k = nx_rows[int(s)][int(t)]
                worst = max(worst, abs(m - mins[i, j]), abs(k - kms[i, j]))
    print(f"largest difference between networkx and aimak on the sample: {worst:.2e} "
          "(minutes or km)")
