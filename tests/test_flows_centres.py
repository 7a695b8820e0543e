"""Central places: snapping, Davies index, head/tail levels (synthetic data)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimak.crs import KYRGYZSTAN_LAEA
from aimak.flows.centres import CentralPlaces, head_tail_levels


def _layers():
    # settlements 10 km apart on a line (metric CRS, converted to WGS84 as stored)
    s = gpd.GeoDataFrame(
        {"id": ["a", "b", "c"], "name_en": ["A", "B", "C"], "population": [5000.0, 800.0, 300.0]},
        geometry=gpd.points_from_xy([0, 10_000, 20_000], [0, 0, 0]),
        crs=KYRGYZSTAN_LAEA,
    ).to_crs(4326)
    f = gpd.GeoDataFrame(
        {
            "id": ["h", "s1", "s2", "m", "far"],
            "type": ["hospital", "school", "school", "market", "school"],
        },
        geometry=gpd.points_from_xy([100, 300, 10_050, 0, 5_000], [0, 200, 0, -500, 0]),
        crs=KYRGYZSTAN_LAEA,
    ).to_crs(4326)
    return s, f


def test_known_answer_davies_index():
    s, f = _layers()
    cp = CentralPlaces(max_distance=1000).fit(s, f)
    assert list(cp.unassigned_["facility_id"]) == ["far"]
    assert cp.unassigned_["distance_m"].iloc[0] == pytest.approx(5000, abs=1)
    assert cp.counts_.loc["a", "school"] == 1 and cp.counts_.loc["b", "school"] == 1
    # one hospital (100 points), one market (100), two schools (50 each)
    assert cp.points_["hospital"] == 100 and cp.points_["school"] == 50
    assert cp.index_.tolist() == [250.0, 50.0, 0.0]
    assert cp.table_.set_index("id").loc["a", "functions"] == "hospital;school;market"
    # two positive values: the head (250) would be half of them, not a minority: one level
    assert cp.level_.tolist() == [1, 1, 0]


def test_custom_weights():
    s, f = _layers()
    cp = CentralPlaces(max_distance=1000, weights={"school": 1.0}).fit(s, f)
    assert cp.index_.tolist() == [1.0, 1.0, 0.0]
    with pytest.raises(ValueError, match="unknown facility types"):
        CentralPlaces(weights={"casino": 1}).fit(s, f)


def test_head_tail_levels_known_answer():
    values = np.array([0, 1, 1, 1, 1, 2, 2, 10, 50])
    # positives: mean 8.5 -> head {10, 50} (2 of 8); mean 30 -> head {50} (1 of 2, > 40%): stop
    assert head_tail_levels(values).tolist() == [0, 1, 1, 1, 1, 1, 1, 2, 2]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 1e4), min_size=0, max_size=60))
def test_levels_are_monotone_in_the_index(values):
    v = np.array(values)
    level = head_tail_levels(v)
    assert level.shape == v.shape
    assert np.all((level == 0) == (v <= 0))
    order = np.argsort(v, kind="stable")
    assert np.all(np.diff(level[order]) >= 0)
