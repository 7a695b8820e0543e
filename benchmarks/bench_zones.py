"""LMA zoning speed: aimak's vectorised algorithm against a plain-Python version of the same rules.

The baseline ``naive_lma`` (``tests/oracles/lma.py``, also the tests' oracle) follows the R
package ``LabourMarketAreas`` (``findClusters``) step by step with dictionaries and R-style zone
ids, recomputing every zone total from the flows at each step. It runs on the few-hundred-unit
case, where both must give the same partition. The 8,000-unit case with about a million flows is
timed for aimak alone.

All flow tables here are SYNTHETIC (generated reproducibly below), not observations.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

from aimak.zones.flowmatrix import FlowMatrix
from aimak.zones.lma import LabourMarketAreas


def _load_oracle():
    """``tests/oracles/lma.py`` loaded by its path: the name ``tests`` is taken in the
    environment (a dependency installs a top-level ``tests`` package), so it cannot be imported
    as ``tests.oracles``."""
    path = Path(__file__).resolve().parents[1] / "tests" / "oracles" / "lma.py"
    spec = importlib.util.spec_from_file_location("aimak_lma_oracle", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


naive_lma = _load_oracle().naive_lma


def synthetic_commuting(n_units: int, flows_per_unit: int, seed: int = 0) -> FlowMatrix:
    """SYNTHETIC commuting table: gravity-like flows to the nearest units plus own-unit flows.

    Units are scattered on a 100 x 100 km square with log-normal worker counts; each sends
    integer flows to its ``flows_per_unit - 1`` nearest units, decaying with distance, and keeps
    about 70% of its workers at home.
    """
    rng = np.random.default_rng(seed)
    xy = rng.random((n_units, 2)) * 100.0
    workers = rng.lognormal(5.0, 1.0, n_units)
    k = min(flows_per_unit, n_units)
    dist, idx = cKDTree(xy).query(xy, k=k)
    rows = np.repeat(np.arange(n_units), k)
    cols = idx.ravel()
    scale = 100.0 / np.sqrt(n_units) * 2.0
    values = np.round(workers[rows] * np.exp(-dist.ravel() / scale) * rng.random(rows.size) * 0.3)
    own = rows == cols
    values[own] = np.round(workers * 0.7) + 1
    T = sp.coo_matrix((values, (rows, cols)), shape=(n_units, n_units)).tocsr()
    T.eliminate_zeros()
    return FlowMatrix.from_arrays([f"syn{i:05d}" for i in range(n_units)], T)


# --------------------------------------------------------------------------- baseline
def _as_dict(fm: FlowMatrix) -> dict[tuple[int, int], float]:
    C = fm.T.tocoo()
    return {(int(i), int(j)): float(v) for i, j, v in zip(C.row, C.col, C.data, strict=True)}


# --------------------------------------------------------------------------- runner
def run(quick: bool = False) -> None:
    """Time aimak against the plain-Python baseline, then the large synthetic case alone."""
    params = {"min_size": 1000, "target_size": 5000, "min_sc": 0.6, "target_sc": 0.7}
    n_small = 150 if quick else 400
    small = synthetic_commuting(n_small, 28, seed=1)
    t0 = time.perf_counter()
    model = LabourMarketAreas(**params).fit(small)
    t_aimak = time.perf_counter() - t0
    flows = _as_dict(small)
    t0 = time.perf_counter()
    base = naive_lma(small.n, flows, **params)
    t_base = time.perf_counter() - t0
    same = list(model.labels_) == base
    print(f"SYNTHETIC {small.n} units, {small.T.nnz} flows: aimak {t_aimak:.3f} s "
          f"({model.labels_.max() + 1} zones, {model.n_iter_} iterations), plain Python "
          f"{t_base:.3f} s, ratio {t_base / t_aimak:.1f}x, same partition: {same}")
    n_big, per = (2000, 60) if quick else (8000, 160)
    big = synthetic_commuting(n_big, per, seed=2)
    params_big = {"min_size": 3000, "target_size": 20000, "min_sc": 0.6, "target_sc": 0.7}
    t0, c0 = time.perf_counter(), time.process_time()
    model = LabourMarketAreas(**params_big).fit(big)
    t_big, c_big = time.perf_counter() - t0, time.process_time() - c0
    print(f"SYNTHETIC {big.n} units, {big.T.nnz} flows: aimak {t_big:.2f} s wall, "
          f"{c_big:.2f} s CPU ({model.labels_.max() + 1} zones, {model.n_iter_} iterations, "
          f"{len(model.reserve_)} reserve units)")
    _cli_stages(big, model.labels_, c_big)


def _cli_stages(fm: FlowMatrix, labels: np.ndarray, fit_cpu: float) -> None:
    """What 'aimak zones' spends besides the fit: reading the flow CSV and the metrics (the
    same library functions the command calls), on the table just fitted."""
    import tempfile
    from pathlib import Path

    import pandas as pd

    from aimak.cli.zones import read_flow_matrix
    from aimak.zones import metrics

    C = fm.T.tocoo()
    units = np.asarray(fm.units, dtype=object)
    frame = pd.DataFrame({"origin": units[C.row], "destination": units[C.col], "flow": C.data})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "flows.csv"
        frame.to_csv(path, index=False)
        c0 = time.process_time()
        read = read_flow_matrix(path)
        c_read = time.process_time() - c0
    c0 = time.process_time()
    metrics.zone_summary(read, labels)
    metrics.summary(read, labels)
    c_metrics = time.process_time() - c0
    print(f"  'aimak zones' stages on that table, CPU: reading the CSV {c_read:.2f} s, fit "
          f"{fit_cpu:.2f} s, metrics {c_metrics:.2f} s")
