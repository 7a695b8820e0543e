"""Max-p regionalisation against PySAL spopt, and ReCom ensembles against GerryChain.

**Max-p.** Both solve the same problem on the same arrays: as many contiguous regions as
possible, each with at least ``threshold`` inhabitants, then the lowest heterogeneity (spopt's:
the sum over regions of the city-block attribute distances of every pair of units; the
attribute here is the population, as both libraries' examples do). spopt runs
``MaxPHeuristic`` at its own defaults (construction and annealing effort); aimak runs
``aimak.plans.maxp.MaxPRegions`` at its defaults. Repetitions are interleaved (aimak seed r,
then spopt seed r). Printed per run: wall and CPU seconds, regions (higher is better),
heterogeneity (lower is better), both plans checked valid here; then aimak's time to equal
quality: the first moment its best partition had at least spopt's regions and no more than
spopt's heterogeneity (from ``history_``). Instances: Jalal-Abad's municipalities and three
SYNTHETIC lattices (12x12, 20x20, 45x45), all run in full (spopt's annealing included).

**ReCom.** The standard balanced-districting setting: a SYNTHETIC lattice split into k
districts within +-5% of the ideal population, started from GerryChain's
``recursive_tree_part``; aimak's ``ReComEnsemble`` against GerryChain's ``recom`` proposal
(its defaults) for the same number of accepted plans. Quality: both chains sample the same
distribution, so the mean number of cut edges over the plans must agree.

Jalal-Abad: the municipalities of $AIMAK_DATASET, else built from $AIMAK_SOURCE (default
``../shared/data/kyrgyzstan``, the shared copy or a download).
"""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from aimak.plans.criteria import Criteria, Weights
from aimak.plans.instance import Instance
from aimak.plans.maxp import MaxPRegions, heterogeneity
from aimak.plans.synthetic import lattice_adjacency, lattice_instance


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _valid(labels: np.ndarray, A: sp.csr_matrix, pop: np.ndarray, threshold: float) -> bool:
    """Every region contiguous and at the threshold (checked here, for both libraries)."""
    for k in np.unique(labels):
        idx = np.flatnonzero(labels == k)
        if pop[idx].sum() < threshold - 1e-6:
            return False
        if connected_components(A[idx][:, idx], directed=False)[0] != 1:
            return False
    return True


def _spopt(A, pop, geoms, threshold: float, seed: int) -> dict | None:
    try:
        import geopandas as gpd
        from libpysal.weights import W
        from spopt.region import MaxPHeuristic
    except ImportError:
        print("  spopt is not installed (pip install spopt); baseline skipped")
        return None
    rows = sp.lil_matrix(A).rows
    w = W({i: [int(j) for j in rows[i]] for i in range(len(pop))}, silence_warnings=True)
    gdf = gpd.GeoDataFrame({"pop": pop, "attr": pop}, geometry=list(geoms))
    np.random.seed(seed)  # spopt draws from numpy's global generator
    (t, c) = _clock()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = MaxPHeuristic(gdf, w, ["attr"], "pop", threshold)
        model.solve()
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    labels = np.asarray(model.labels_)
    return {"wall": wall, "cpu": cpu, "p": int(model.p), "het": heterogeneity(labels, pop),
            "valid": _valid(labels, A, pop, threshold)}


def _aimak(A, pop, threshold: float, seed: int, **params) -> dict:
    (t, c) = _clock()
    m = MaxPRegions(threshold, seed=seed, **params).fit(A, pop, pop)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    return {"wall": wall, "cpu": cpu, "p": m.p_, "het": m.heterogeneity_,
            "valid": _valid(m.labels_, A, pop, threshold), "history": m.history_}


def _line(who: str, r: dict) -> str:
    het = f", heterogeneity {r['het']:.4g}"
    ok = ", valid" if r["valid"] else ", INVALID"
    return f"    {who:<6} wall {r['wall']:7.2f} s, CPU {r['cpu']:7.2f} s, {r['p']} regions{het}{ok}"


def _to_quality(history, p: int, het: float) -> float | None:
    for seconds, hp, hh in history:
        if hp >= p and hh <= het + 1e-9:
            return seconds
    return None


def maxp_full(name: str, A, pop, geoms, threshold: float, repeats: int) -> None:
    print(f"  max-p, {name}: {len(pop)} units, threshold {threshold:,.0f}; both at their "
          f"defaults, {repeats} interleaved run(s)")
    rows = []
    for seed in range(repeats):
        a = _aimak(A, pop, threshold, seed)
        s = _spopt(A, pop, geoms, threshold, seed)
        print(f"   run {seed}:")
        print(_line("aimak", a))
        if s is None:
            continue
        print(_line("spopt", s))
        ttq = _to_quality(a["history"], s["p"], s["het"])
        print("    aimak reached spopt's quality (regions >=, heterogeneity <=) after "
              + (f"{ttq:.2f} s wall" if ttq is not None else "- never within its time limit"))
        rows.append((a, s, ttq))
    if rows:
        wa = np.median([r[0]["wall"] for r in rows])
        ws = np.median([r[1]["wall"] for r in rows])
        ca = np.median([r[0]["cpu"] for r in rows])
        cs = np.median([r[1]["cpu"] for r in rows])
        print(f"   medians: wall spopt/aimak {ws / wa:.1f}x, CPU {cs / ca:.1f}x; regions "
              f"aimak - spopt per run {[r[0]['p'] - r[1]['p'] for r in rows]}; heterogeneity "
              f"aimak/spopt per run {[round(r[0]['het'] / r[1]['het'], 2) for r in rows]}")


_DATASETS: dict[str, object] = {}


def _maxp_criteria(threshold: float) -> Criteria:
    return Criteria(min_population=threshold, stay_within="none",
                    weights=Weights(travel=0.01, units=-1.0))


def jalal_abad(criteria: Criteria) -> tuple[Instance, object] | None:
    import pandas as pd

    from aimak.dataset import Dataset
    from aimak.plans.instance import read_times_file

    ds = _DATASETS.get("ja")
    if ds is None:
        path = os.environ.get("AIMAK_DATASET")
        if path:
            ds = Dataset.read(path)
        else:  # build it from the sources (../shared/data/kyrgyzstan or their download)
            from aimak.kyrgyzstan.build import build_kyrgyzstan
            from aimak.kyrgyzstan.download import resolve_source

            source = resolve_source(os.environ.get("AIMAK_SOURCE"))
            ds = build_kyrgyzstan(source, "jalal-abad").dataset
        _DATASETS["ja"] = ds
    times_path = os.environ.get("AIMAK_TIMES")
    if times_path and Path(times_path).exists():
        times = read_times_file(times_path)
    else:
        pts = ds.to_metric("settlements").geometry
        xy = np.c_[pts.x, pts.y]
        km = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1)) / 1000.0
        ids = ds.settlements["id"].to_numpy()
        o, d = np.meshgrid(np.arange(len(ids)), np.arange(len(ids)), indexing="ij")
        times = pd.DataFrame({"origin": ids[o.ravel()], "destination": ids[d.ravel()],
                              "minutes": km.ravel() * 2.0, "km": km.ravel(),
                              "mode": "straight"})
    inst = Instance.from_dataset(ds, times, criteria)
    return inst, ds.municipalities.geometry.values


def recom(side: int, k: int, n_plans: int, eps: float = 0.05) -> None:
    """aimak ReComEnsemble against GerryChain recom on a SYNTHETIC lattice, same start."""
    try:
        import networkx as nx
        from gerrychain import Graph, MarkovChain, Partition
        from gerrychain.constraints import within_percent_of_ideal_population
        from gerrychain.partition import recursive_tree_part
        from gerrychain.proposals import recom as gc_recom
        from gerrychain.updaters import Tally, cut_edges
    except ImportError:
        print("  gerrychain is not installed (pip install gerrychain); ReCom baseline skipped")
        return
    from functools import partial

    from aimak.plans.ensemble import ReComEnsemble
    from aimak.plans.instance import Instance, Plan

    rng = np.random.default_rng(0)
    n = side * side
    pop = np.round(rng.lognormal(7.0, 0.5, n))
    ideal = pop.sum() / k
    A = lattice_adjacency(side, side)
    nxg = nx.Graph()
    nxg.add_nodes_from((i, {"population": float(pop[i])}) for i in range(n))
    coo = sp.triu(A, 1).tocoo()
    nxg.add_edges_from(zip(coo.row.tolist(), coo.col.tolist(), strict=True))
    g = Graph.from_networkx(nxg)
    start = recursive_tree_part(g, range(k), ideal, "population", eps / 2, rng=0)
    labels0 = np.array([start[i] for i in range(n)])
    crit = Criteria(min_population=ideal * (1 - eps), max_population=ideal * (1 + eps),
                    stay_within="none", centre_candidates="all_settlements",
                    weights=Weights(travel=1.0))
    xy = np.c_[np.arange(n) % side, np.arange(n) // side].astype(float)
    minutes = np.abs(xy[:, None] - xy[None]).sum(-1).astype(np.float32)
    inst = Instance.from_arrays(pop, np.arange(n), A, minutes, crit)
    centres = np.array([int(np.flatnonzero(labels0 == j)[0]) for j in range(k)])
    eu, ev = coo.row, coo.col
    print(f"  ReCom, SYNTHETIC {side}x{side} lattice, {k} districts within +-{eps:.0%} of the "
          f"ideal population, {n_plans} accepted plans, same start (GerryChain "
          "recursive_tree_part); GerryChain recom at its defaults with pair_selection="
          "'cut_edges', as aimak picks the pair")
    for rep in range(2):
        t, c = _clock()
        ens = ReComEnsemble(n_plans=n_plans, seed=rep).fit(inst, Plan(labels0, centres))
        wa, ca = time.perf_counter() - t, time.process_time() - c
        cut_a = float(np.mean([(row[eu] != row[ev]).sum() for row in ens.labels_]))
        initial = Partition(g, start, updaters={"population": Tally("population"),
                                                "cut_edges": cut_edges})
        proposal = partial(gc_recom, pop_col="population", pop_target=ideal, epsilon=eps,
                           pair_selection="cut_edges")
        chain = MarkovChain(proposal, within_percent_of_ideal_population(initial, eps),
                            initial_partition=initial, total_steps=n_plans + 1, rng=rep)
        t, c = _clock()
        cuts = [len(part["cut_edges"]) for i, part in enumerate(chain) if i > 0]
        wg, cg = time.perf_counter() - t, time.process_time() - c
        print(f"   run {rep}: aimak  wall {wa:6.2f} s, CPU {ca:6.2f} s, {len(ens.labels_)} plans "
              f"({ens.attempts_} proposals), mean cut edges {cut_a:.1f}")
        print(f"          GerryChain wall {wg:6.2f} s, CPU {cg:6.2f} s, {len(cuts)} plans, "
              f"mean cut edges {np.mean(cuts):.1f}; wall GerryChain/aimak {wg / wa:.1f}x, "
              f"CPU {cg / ca:.1f}x")


def run(quick: bool = False) -> None:
    import shapely

    threshold = 20_000.0
    ja = jalal_abad(_maxp_criteria(threshold))
    if ja is not None:
        inst, geoms = ja
        maxp_full("Jalal-Abad municipalities (population: official and estimated)",
                  inst.adjacency, inst.population, geoms, threshold, repeats=2 if quick else 3)
    for side in (12, 20, 45):
        if quick and side > 12:
            continue
        lat = lattice_instance(side, side, _maxp_criteria(5000.0), seed=0, per_unit=1,
                               flows=False)
        geoms = [shapely.box(i % side, i // side, i % side + 1, i // side + 1)
                 for i in range(lat.n)]
        maxp_full(f"SYNTHETIC lattice {side}x{side}", lat.adjacency, lat.population, geoms,
                  5000.0, repeats=1)
    recom(10 if quick else 20, 5 if quick else 10, 200 if quick else 1000)


if __name__ == "__main__":
    run()
