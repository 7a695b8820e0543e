"""Straight-line fallback: known answers and its 'approximated' label (SYNTHETIC points)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimak.access import StraightLineModel
from aimak.errors import AimakError


def pts(lonlat: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": [f"p{i}" for i in range(len(lonlat))]}, crs=4326,
                            geometry=gpd.points_from_xy(*zip(*lonlat, strict=True)))


def test_one_degree_of_latitude():
    """One degree of latitude near 41 N is about 111.05 km on the WGS84 ellipsoid."""
    m = StraightLineModel(circuity=1.5, speed_kmh=50).fit(pts([(72.0, 40.5), (72.0, 41.5)]))
    t = m.matrix().set_index(["origin", "destination"])
    km = t.loc[("p0", "p1"), "km"]
    assert km == pytest.approx(1.5 * 111.05, rel=2e-3)
    assert t.loc[("p0", "p1"), "minutes"] == pytest.approx(km / 50 * 60)
    assert set(t["mode"]) == {"straight"} and set(t["provenance"]) == {"approximated"}


def test_bad_parameters():
    with pytest.raises(AimakError, match="circuity"):
        StraightLineModel(circuity=0.8).fit(pts([(72, 41), (72.1, 41)]))
    with pytest.raises(AimakError, match="speed"):
        StraightLineModel(speed_kmh=0).fit(pts([(72, 41), (72.1, 41)]))


def test_nearest_and_cutoff():
    m = StraightLineModel().fit(pts([(72.0, 41.0), (73.0, 41.0)]))
    fac = gpd.GeoDataFrame({"id": ["a", "b"], "type": ["bank", "bank"]}, crs=4326,
                           geometry=gpd.points_from_xy([72.1, 72.9], [41.0, 41.0]))
    near = m.nearest(fac).set_index("origin")["destination"].to_dict()
    assert near == {"p0": "a", "p1": "b"}
    frame = m.matrix(cutoff=60)
    assert len(frame) == 2 and frame.attrs["unreachable"] == 2


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(70, 80), st.floats(39.5, 43)), min_size=2, max_size=6,
                unique=True))
def test_property_metric_and_symmetric(lonlat):
    m = StraightLineModel().fit(pts(lonlat))
    f = m.matrix()
    n = len(lonlat)
    t = np.zeros((n, n))
    t[f.origin.str[1:].astype(int), f.destination.str[1:].astype(int)] = f.minutes
    assert (t >= 0).all() and np.allclose(t, t.T)
    assert (t[:, None, :] <= t[:, :, None] + t[None, :, :] + 1e-6).all()


def test_times_of_an_approximately_placed_village_are_marked() -> None:
    """Issue 26: a classifier village without a point sits at its municipality's centre
    (location_source = approximate); its 0 minutes to that centre is not a measurement, so
    every time touching it says so (the other times keep their provenance)."""
    from access_fixtures import cell_points, dataset
    from aimak.access import StraightLineModel
    from aimak.access.base import APPROXIMATE_LOCATION

    pts = cell_points([(5, 2), (5, 12), (5, 2)])  # s2 placed at the centre s0
    ds = dataset(pts)
    ds.settlements["location_source"] = ["geonames", "geonames", "approximate"]
    model = StraightLineModel().fit(ds)
    assert model.approximate_.tolist() == ["s2"]
    t = model.matrix().set_index(["origin", "destination"])
    assert t.loc[("s2", "s0"), "minutes"] == 0  # the centre's own place: why it is marked
    touching = [k for k in t.index if "s2" in k]
    assert (t.loc[touching, "provenance"] == APPROXIMATE_LOCATION).all() and len(touching) == 5
    rest = t.drop(touching)
    assert (rest["provenance"] == "approximated").all() and len(rest) == 4
    # a dataset without the column: nothing is marked
    assert StraightLineModel().fit(dataset(pts.iloc[:2])).approximate_.tolist() == []
