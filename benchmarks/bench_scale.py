"""Scale: a SYNTHETIC large country's travel-time matrix and a ReCom ensemble on 1, 2, 4 workers.

The single-process run (no Dask) is the baseline every Dask run is compared with, measured in
the same benchmark run. Each configuration runs in a fresh child process so that its peak
memory is its own: the driver's peak RSS and the largest Dask worker's peak RSS are reported
(both from ``getrusage``). The matrix is written in chunks of origins to Parquet with a
cut-off, never held whole; each run's result digest shows that 1, 2 and 4 workers give the
same matrix (bit for bit) and the same ensemble (same seed).

Full case: about 30,000 settlements on 2,000 x 2,000 = 4 million cells, 180-minute cut-off,
100,000 plans. ``--quick``: 1,500 settlements on 300 x 300 cells, 60 minutes, 2,000 plans.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

FULL = {"rows": 2000, "cols": 2000, "settlements": 30000, "cutoff": 180.0, "plans": 100_000,
        "lattice": 20}
QUICK = {"rows": 300, "cols": 300, "settlements": 1500, "cutoff": 60.0, "plans": 2000,
         "lattice": 8}
WORKERS = (1, 2, 4)
CHAINS = 8  # fixed, so that every worker count samples the very same ensemble


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _workers_peak_mb(client) -> float:
    if client is None:
        return float("nan")
    peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return max(peaks.values())


def _child(task: str, workers: int, case: dict, folder: Path) -> dict:
    from aimak.compute import compute_client

    out: dict = {"task": task, "workers": workers}
    if task == "matrix":
        import geopandas as gpd

        from aimak.access import TerrainModel
        from aimak.access.chunked import write_matrix
        from aimak.access.elevation import ElevationGrid

        data = np.load(folder / "grid.npz")
        grid = ElevationGrid(data["z"], data["lat"], data["lon"], "SYNTHETIC")
        pts = gpd.read_parquet(folder / "settlements.parquet")
        model = TerrainModel(cell_factor=1, area=None, elevation=grid).fit(pts)
        with compute_client(workers) as client:
            t0 = time.perf_counter()
            res = write_matrix(model, folder / f"times-{workers}", cutoff=case["cutoff"],
                               client=client)
            out["seconds"] = time.perf_counter() - t0
            out["worker_peak_mb"] = _workers_peak_mb(client)
        h = hashlib.sha256()
        for part in sorted(res.path.glob("part-*.parquet")):
            import pandas as pd

            f = pd.read_parquet(part, columns=["origin", "destination", "minutes", "km"])
            h.update(f["origin"].to_numpy(str).tobytes())
            h.update(f["destination"].to_numpy(str).tobytes())
            h.update(f["minutes"].to_numpy().tobytes())
            h.update(f["km"].to_numpy().tobytes())
        out.update(rows=res.rows, digest=h.hexdigest()[:12])
    else:
        from aimak.plans.chains import ChainEnsemble
        from aimak.plans.criteria import Criteria, Weights
        from aimak.plans.heuristic import HeuristicSolver
        from aimak.plans.synthetic import lattice_instance

        n = case["lattice"]
        crit = Criteria(min_population=4000, max_minutes=60, stay_within="none",
                        weights=Weights(travel=1.0, units=0.2))
        inst = lattice_instance(n, n, crit, seed=7)
        start = HeuristicSolver(time_limit=5, seed=0).fit(inst).plan_
        with compute_client(workers) as client:
            t0 = time.perf_counter()
            ens = ChainEnsemble(n_plans=case["plans"], n_chains=CHAINS, seed=0,
                                client=client).fit(inst, start)
            out["seconds"] = time.perf_counter() - t0
            out["worker_peak_mb"] = _workers_peak_mb(client)
        out.update(rows=len(ens.metrics_),
                   digest=hashlib.sha256(ens.labels_.tobytes()).hexdigest()[:12])
    out["driver_peak_mb"] = _peak_mb()
    return out


def run(quick: bool = False) -> None:
    case = QUICK if quick else FULL
    from benchmarks.synthetic_country import make_country

    with tempfile.TemporaryDirectory(prefix="aimak-scale-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        country = make_country(case["rows"], case["cols"], case["settlements"])
        g = country.grid
        np.savez(folder / "grid.npz", z=g.z, lat=g.lat, lon=g.lon)
        country.settlements.to_parquet(folder / "settlements.parquet")
        print(f"SYNTHETIC country: {case['rows']:,} x {case['cols']:,} = "
              f"{case['rows'] * case['cols']:,} cells, {len(country.settlements):,} "
              f"settlements, {country.settlements['municipality'].nunique():,} municipalities "
              f"(made in {time.perf_counter() - t0:.1f} s); matrix cut-off {case['cutoff']:g} "
              f"min; ensemble of {case['plans']:,} plans in {CHAINS} chains on a "
              f"{case['lattice']}x{case['lattice']} SYNTHETIC lattice")
        rows = []
        for task in ("matrix", "ensemble"):
            for w in WORKERS:
                cmd = [sys.executable, "-m", "benchmarks.bench_scale", "--child", task,
                       "--workers", str(w), "--folder", str(folder),
                       "--case", json.dumps(case)]
                done = subprocess.run(cmd, capture_output=True, text=True, check=False)
                if done.returncode:
                    print(done.stderr[-2000:])
                    raise SystemExit(f"the {task} run on {w} worker(s) failed")
                rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"{'task':9} {'workers':>7} {'seconds':>9} {'speed-up':>9} {'driver MB':>10} "
              f"{'worker MB':>10} {'rows':>12}  result")
        for r in rows:
            base = next(b for b in rows if b["task"] == r["task"] and b["workers"] == 1)
            same = "same as 1" if r["digest"] == base["digest"] else "DIFFERENT"
            wmb = "-" if r["worker_peak_mb"] != r["worker_peak_mb"] else (
                f"{r['worker_peak_mb']:.0f}")
            print(f"{r['task']:9} {r['workers']:>7} {r['seconds']:>9.1f} "
                  f"{base['seconds'] / r['seconds']:>8.2f}x {r['driver_peak_mb']:>10.0f} "
                  f"{wmb:>10} {r['rows']:>12,}  {r['digest']} {same}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--case")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.workers, json.loads(args.case), args.folder)))
    else:
        run(quick=args.quick)


if __name__ == "__main__":
    main()
