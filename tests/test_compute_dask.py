"""Dask for the heavy steps: the same results on 1 process and on a 2-worker local cluster.

Inputs are SYNTHETIC (the access fixtures' analytic terrain, the plans' lattice instance).
One 2-worker local cluster of worker processes (so that the model, the instance and the
results really travel through Dask's serialisation) serves every test of the module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from access_fixtures import grid
from aimak.access import TerrainModel
from aimak.access.chunked import chunk_origins, read_matrix, write_matrix
from aimak.compute import compute_client
from aimak.errors import AimakError
from aimak.plans.chains import ChainEnsemble
from aimak.plans.criteria import Criteria, Weights
from aimak.plans.ensemble import ReComEnsemble
from aimak.plans.heuristic import HeuristicSolver
from aimak.plans.synthetic import lattice_instance
from aimak.plans.validity import check_plan


@pytest.fixture(scope="module")
def client():
    with compute_client(workers=2) as c:
        assert len(c.scheduler_info()["workers"]) == 2
        yield c


@pytest.fixture(scope="module")
def model():
    import geopandas as gpd

    rng = np.random.default_rng(3)
    g = grid(ny=24, nx=30, hill_m=700, seed=5, rough_m=120)
    rows, cols = rng.integers(0, 24, 23), rng.integers(0, 30, 23)
    pts = gpd.GeoDataFrame({"id": [f"s{i:02d}" for i in range(23)]},
                           geometry=gpd.points_from_xy(g.lon[cols], g.lat[rows]), crs=4326)
    return TerrainModel(cell_factor=1, elevation=g).fit(pts)


def test_chunks_cover_every_origin_once():
    ids = np.array([f"s{i}" for i in range(10)], object)
    parts = chunk_origins(ids, 4)
    assert [len(p) for p in parts] == [4, 4, 2]
    assert list(np.concatenate(parts)) == list(ids)
    with pytest.raises(AimakError):
        chunk_origins(ids, 0)


def test_chunked_matrix_bit_identical_on_one_and_two_workers(model, client, tmp_path):
    whole = model.matrix(cutoff=25.0)
    left_whole = whole.attrs["unreachable"]
    one = write_matrix(model, tmp_path / "one", cutoff=25.0, chunk=5)
    two = write_matrix(model, tmp_path / "two", cutoff=25.0, chunk=5, client=client)
    assert one.chunks == two.chunks == 5
    a, b = read_matrix(one.path), read_matrix(two.path)
    # same rows in the same order, every float equal to the last bit
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    pd.testing.assert_frame_equal(a, whole, check_exact=True)
    assert one.rows == two.rows == len(whole)
    assert one.unreachable == two.unreachable == left_whole > 0  # the cut-off left pairs out
    assert (a["minutes"] <= 25.0).all()
    assert not (tmp_path / "two.partial").exists()


def test_failed_chunked_run_leaves_nothing(model, tmp_path):
    with pytest.raises(AimakError):
        write_matrix(model, tmp_path / "bad", cutoff=-1.0)
    assert not (tmp_path / "bad").exists() and not (tmp_path / "bad.partial").exists()


def _lattice():
    crit = Criteria(min_population=4000, max_minutes=50, stay_within="none",
                    weights=Weights(travel=1.0, units=0.2))
    inst = lattice_instance(4, 4, crit, seed=7)
    return inst, HeuristicSolver(time_limit=2).fit(inst).plan_


def test_chain_ensemble_reproducible_across_workers(client):
    inst, start = _lattice()
    one = ChainEnsemble(n_plans=30, n_chains=3, seed=11).fit(inst, start)
    two = ChainEnsemble(n_plans=30, n_chains=3, seed=11, client=client).fit(inst, start)
    assert np.array_equal(one.labels_, two.labels_)
    pd.testing.assert_frame_equal(one.metrics_, two.metrics_, check_exact=True)
    assert list(one.metrics_["chain"]) == [0] * 10 + [1] * 10 + [2] * 10
    # chain k is exactly a ReComEnsemble seeded with the k-th spawned seed (independent oracle
    # of the split: the single-chain class run by hand)
    seeds = np.random.SeedSequence(11).spawn(3)
    first = ReComEnsemble(n_plans=10, seed=seeds[1]).fit(inst, start)
    assert np.array_equal(one.labels_[10:20], first.labels_)
    # another seed gives another ensemble; every plan is valid
    other = ChainEnsemble(n_plans=30, n_chains=3, seed=12).fit(inst, start)
    assert not np.array_equal(one.labels_, other.labels_)
    from aimak.plans.instance import Plan

    for row, centres in zip(two.labels_[::7], two.centres_[::7], strict=True):
        assert check_plan(inst, Plan(row, centres)) == []


def test_chain_split_gives_earlier_chains_the_remainder():
    jobs = ChainEnsemble(n_plans=10, n_chains=4).jobs()
    assert [n for _, n, _ in jobs] == [3, 3, 2, 2]
    assert len(ChainEnsemble(n_plans=2, n_chains=4).jobs()) == 2
