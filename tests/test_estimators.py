"""One estimator check run over every aimak estimator (scikit-learn conventions).

For each: the parameters survive ``get_params`` / ``clone``; nothing fitted exists before
``fit``; ``fit`` returns the estimator; after ``fit`` every public attribute is either a
parameter or ends with ``_`` (no working state, no copy of the input); a refit gives the same
fitted attributes as a fresh fit (timings excepted); using a fitted model does not change it.
All inputs are SYNTHETIC.
"""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone

from access_fixtures import cell_points, flat_grid, write_osm
from aimak.access import RoadModel, StraightLineModel, TerrainModel
from aimak.flows.centres import CentralPlaces
from aimak.flows.gravity import HuffModel
from aimak.forecast.choose import ChosenForecast
from aimak.forecast.panel import Combination, GMMEffectsAR, LastValue, PooledAR
from aimak.plans.chains import ChainEnsemble
from aimak.plans.criteria import Criteria, Weights
from aimak.plans.ensemble import ReComEnsemble
from aimak.plans.exact import ExactSolver
from aimak.plans.heuristic import HeuristicSolver
from aimak.plans.maxp import MaxPRegions
from aimak.plans.synthetic import lattice_adjacency, lattice_instance
from aimak.zones.flowmatrix import FlowMatrix
from aimak.zones.intramax import Intramax
from aimak.zones.leiden import LeidenZones
from aimak.zones.lma import LabourMarketAreas
from aimak.zones.nodal import NodalRegions

#: Fitted attributes that measure time, which no two runs share.
TIMINGS = ("seconds_", "history_")
#: Estimators that answer queries after fit (``matrix``, ``nearest``, ``forecast``) keep
#: private state for it.
QUERIED = ("StraightLineModel", "TerrainModel", "RoadModel", "ChosenForecast")


def _flows() -> FlowMatrix:
    rng = np.random.default_rng(3)
    T = rng.integers(0, 30, (8, 8)).astype(float)
    T[np.arange(8), np.arange(8)] += 200
    return FlowMatrix.from_arrays([f"s{i}" for i in range(8)], sp.csr_matrix(T))


def _times() -> pd.DataFrame:
    ids = ["a", "b", "c"]
    minutes = np.array([[0, 10, 30], [10, 0, 15], [30, 15, 0.0]])
    o, d = np.meshgrid(range(3), range(3), indexing="ij")
    return pd.DataFrame({"origin": np.array(ids)[o.ravel()],
                         "destination": np.array(ids)[d.ravel()],
                         "minutes": minutes.ravel()})


def _places():
    pts = gpd.GeoDataFrame({"id": ["a", "b", "c"]}, crs=4326,
                           geometry=gpd.points_from_xy([72.0, 72.01, 72.3], [41.0, 41.0, 41.1]))
    fac = gpd.GeoDataFrame({"id": ["f0", "f1", "f2"], "type": ["school", "hospital", "school"]},
                           crs=4326,
                           geometry=gpd.points_from_xy([72.0, 72.0, 72.3], [41.0, 41.0, 41.1]))
    return pts, fac


def _plans():
    crit = Criteria(min_population=3000, stay_within="none",
                    weights=Weights(travel=1.0, units=0.2))
    inst = lattice_instance(3, 3, crit, seed=1)
    start = HeuristicSolver(time_limit=5).fit(inst).plan_
    return inst, start


def _cases():
    inst, start = _plans()
    flows = _flows()
    rng = np.random.default_rng(0)
    A = lattice_adjacency(4, 4)
    pop = rng.integers(1, 5, 16).astype(float)
    pts, fac = _places()
    grid_pts = cell_points([(2, 2), (5, 12), (8, 3)])
    return [
        ("HeuristicSolver", HeuristicSolver(time_limit=5, seed=1), (inst,)),
        ("ExactSolver", ExactSolver(time_limit=20, workers=1), (inst,)),
        ("ReComEnsemble", ReComEnsemble(n_plans=20, seed=2), (inst, start)),
        ("ChainEnsemble", ChainEnsemble(n_plans=20, n_chains=3, seed=2), (inst, start)),
        ("MaxPRegions", MaxPRegions(5.0, restarts=3), (A, pop, rng.random(16))),
        ("LabourMarketAreas", LabourMarketAreas(min_size=100, target_size=300), (flows,)),
        ("NodalRegions", NodalRegions(), (flows,)),
        ("LeidenZones", LeidenZones(seed=1), (flows,)),
        ("Intramax", Intramax(n_zones=3), (flows,)),
        ("HuffModel", HuffModel(), (_times(), pd.Series({"a": 1.0, "b": 3.0, "c": 2.0}))),
        ("CentralPlaces", CentralPlaces(), (pts, fac)),
        ("StraightLineModel", StraightLineModel(), (pts,)),
        ("TerrainModel", TerrainModel(profile="walk", cell_factor=1, elevation=flat_grid()),
         (grid_pts,)),
        ("GMMEffectsAR", GMMEffectsAR("national"), (_panel(),)),
        ("Combination", Combination((LastValue(), PooledAR())), (_panel(),)),
        ("ChosenForecast", ChosenForecast(horizon=2), (_panel(),)),
    ]


def _panel() -> pd.DataFrame:
    """SYNTHETIC wide panel: 12 entities, 9 years of an AR(1) with entity effects."""
    rng = np.random.default_rng(5)
    effect = rng.normal(size=12)
    y = np.zeros((12, 9))
    y[:, 0] = 2 * effect
    for t in range(1, 9):
        y[:, t] = effect + 0.5 * y[:, t - 1] + rng.normal(scale=0.3, size=12)
    return pd.DataFrame(y, index=[f"e{i}" for i in range(12)], columns=range(2011, 2020))


CASES = _cases()


def _fitted(est) -> dict[str, object]:
    return {k: v for k, v in vars(est).items()
            if k.endswith("_") and not k.startswith("_") and k not in TIMINGS}


def _same(a, b) -> bool:
    if isinstance(a, pd.DataFrame | pd.Series):
        try:
            pd.testing.assert_frame_equal(a, b) if isinstance(a, pd.DataFrame) \
                else pd.testing.assert_series_equal(a, b)
        except AssertionError:
            return False
        return True
    if sp.issparse(a):
        return sp.issparse(b) and a.shape == b.shape and (a != b).nnz == 0
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and bool(
            np.all((a == b) | (pd.isna(a) & pd.isna(b))) if a.dtype != object
            else all(_same(x, y) for x, y in zip(a.ravel(), b.ravel(), strict=True)))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if dataclasses.is_dataclass(a):
        return type(a) is type(b) and _same(vars(a), vars(b))
    if isinstance(a, float) and np.isnan(a):
        return isinstance(b, float) and np.isnan(b)
    if hasattr(a, "params") and hasattr(a, "model"):  # a statsmodels results object
        return _same(np.asarray(a.params), np.asarray(b.params))
    if hasattr(a, "__dict__") and not isinstance(a, type):
        return type(a) is type(b) and _same(vars(a), vars(b))
    return a == b


@pytest.mark.parametrize(("name", "est", "args"), CASES, ids=[c[0] for c in CASES])
def test_estimator_conventions(name, est, args):
    check_estimator(name, est, args)


def test_road_model_conventions(tmp_path):
    roads = write_osm(tmp_path / "roads.osm", {1: (72.0, 41.0), 2: (72.05, 41.0),
                                               3: (72.1, 41.0)},
                      [([1, 2, 3], {"highway": "primary"})])
    pts = gpd.GeoDataFrame({"id": ["a", "b"]}, crs=4326,
                           geometry=gpd.points_from_xy([72.0, 72.1], [41.0, 41.0]))
    check_estimator("RoadModel", RoadModel(roads, elevation=False), (pts,))


def check_estimator(name, est, args):
    est = clone(est)
    params = est.get_params()
    assert clone(est).get_params().keys() == params.keys()
    assert _fitted(est) == {}, f"{name} has fitted attributes before fit"
    assert est.fit(*args) is est
    public = {k for k in vars(est) if not k.startswith("_")}
    stray = public - set(params) - {k for k in public if k.endswith("_")}
    assert not stray, f"{name} keeps working attributes after fit: {sorted(stray)}"
    private = [k for k in vars(est) if k.startswith("_")]
    assert name in QUERIED or not private, f"{name} keeps working state after fit: {private}"
    first = _fitted(est)
    assert first, f"{name} sets no fitted attribute"
    est.fit(*args)
    fresh = clone(est).fit(*args)
    for key, value in first.items():
        assert _same(value, _fitted(est)[key]), f"{name}: refit changed {key}"
        assert _same(value, _fitted(fresh)[key]), f"{name}: fresh fit differs in {key}"
    assert set(_fitted(est)) == set(first) == set(_fitted(fresh))


@pytest.mark.parametrize("model", [StraightLineModel(), TerrainModel(
    profile="walk", cell_factor=1, elevation=flat_grid())], ids=["straight", "terrain"])
def test_using_a_fitted_access_model_leaves_it_unchanged(model):
    pts = cell_points([(2, 2), (5, 12), (8, 3)])
    model.fit(pts)
    before = dict(vars(model))
    model.matrix()
    fac = cell_points([(3, 3)], prefix="f")
    fac["type"] = "school"
    model.nearest(fac)
    assert set(vars(model)) == set(before)
    for key, value in before.items():
        assert _same(value, vars(model)[key]), f"using the model changed {key}"
