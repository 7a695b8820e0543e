"""Amalgamation solver against PySAL spopt's max-p regionalisation, and ReCom ensemble speed.

Both solve max-p: as many units as possible, each with at least ``threshold`` inhabitants and
contiguous. aimak runs its heuristic with the objective "as many units as possible" (units
weight -1, a small travel weight to choose centres). Instances: the Jalal-Abad municipalities
($AIMAK_DATASET, else built from the sources; travel times from $AIMAK_TIMES, else
straight-line at 30 km/h) and a SYNTHETIC lattice of about 2,000 units.
Printed: both times, both numbers of units (higher is better) and the speed ratio.
"""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

import numpy as np

from aimak.plans.criteria import Criteria, Weights
from aimak.plans.heuristic import HeuristicSolver
from aimak.plans.instance import Instance
from aimak.plans.synthetic import lattice_instance
from aimak.plans.validity import check_plan


def _spopt_maxp(inst: Instance, geoms, threshold: float) -> tuple[float, int] | None:
    try:
        import geopandas as gpd
        from libpysal.weights import W
        from spopt.region import MaxPHeuristic
    except ImportError:
        print("  spopt is not installed (pip install spopt); baseline skipped")
        return None
    rows = inst.adjacency.tolil().rows
    w = W({i: [int(j) for j in rows[i]] for i in range(inst.n)}, silence_warnings=True)
    gdf = gpd.GeoDataFrame({"pop": inst.population, "attr": inst.population}, geometry=geoms)
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = MaxPHeuristic(gdf, w, ["attr"], "pop", threshold, top_n=2,
                              max_iterations_construction=10)
        model.solve()
    return time.perf_counter() - t, int(model.p)


def _aimak(inst: Instance, seed: int = 0) -> tuple[float, int]:
    t = time.perf_counter()
    solver = HeuristicSolver(time_limit=60, max_iter=5, seed=seed).fit(inst)
    seconds = time.perf_counter() - t
    assert not check_plan(inst, solver.plan_), "aimak returned an invalid plan"
    return seconds, solver.plan_.n_units


def _compare(name: str, inst: Instance, geoms, threshold: float, repeats: int = 1) -> None:
    """Median time and best unit count over ``repeats`` runs of each (both are randomised)."""
    runs = [_aimak(inst, seed) for seed in range(repeats)]
    ta, pa = float(np.median([r[0] for r in runs])), max(r[1] for r in runs)
    print(f"  {name}: {inst.n} units, threshold {threshold:,.0f} inhabitants"
          + (f", median of {repeats} runs" if repeats > 1 else ""))
    print(f"    aimak heuristic: {ta:8.2f} s, {pa} units")
    base = [_spopt_maxp(inst, geoms, threshold) for _ in range(repeats)]
    if base[0] is not None:
        ts, ps = float(np.median([b[0] for b in base])), max(b[1] for b in base)
        print(f"    spopt max-p:     {ts:8.2f} s, {ps} units")
        print(f"    speed ratio spopt/aimak: {ts / ta:.1f}x; units aimak - spopt: {pa - ps:+d}")


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

            ds = build_kyrgyzstan(resolve_source(None), "jalal-abad").dataset
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


def run(quick: bool = False) -> None:
    import shapely

    threshold = 20_000.0
    ja = jalal_abad(_maxp_criteria(threshold))
    if ja is not None:
        _compare("Jalal-Abad municipalities", ja[0], ja[1], threshold, repeats=5)
    side = 20 if quick else 45
    lat = lattice_instance(side, side, _maxp_criteria(5000.0), seed=0, per_unit=1, flows=False)
    geoms = [shapely.box(i % side, i // side, i % side + 1, i // side + 1) for i in range(lat.n)]
    _compare(f"SYNTHETIC lattice {side}x{side}", lat, geoms, 5000.0)

    if ja is not None:
        from aimak.plans.ensemble import ReComEnsemble

        crit = Criteria(min_population=10_000, max_minutes=None, stay_within="rayon",
                        weights=Weights(travel=1.0, units=0.2))
        inst, _ = jalal_abad(crit)
        start = HeuristicSolver(time_limit=20).fit(inst).plan_
        n = 1000 if quick else 10_000
        chain = ReComEnsemble(n_plans=n, seed=0).fit(inst, start)
        print(f"  ReCom ensemble, Jalal-Abad: {len(chain.metrics_)} plans in "
              f"{chain.seconds_:.1f} s ({chain.attempts_} proposals)")


if __name__ == "__main__":
    run()
