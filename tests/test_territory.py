"""Approximate territories partition each region: valid, non-overlapping, complete."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from aimak.territory import coverage_gap, overlap_area, voronoi_territories


def _regions() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": ["west", "east"]},
                            geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)],
                            crs=3857)


def test_known_answer_two_points_split_the_square_in_half() -> None:
    pts = gpd.GeoDataFrame({"muni": ["a", "b"], "code": ["west", "west"]},
                           geometry=[shapely.Point(2, 5), shapely.Point(8, 5)], crs=3857)
    out = voronoi_territories(pts, "muni", _regions().iloc[:1], "code").set_index("muni")
    assert out.geometry["a"].equals_exact(shapely.box(0, 0, 5, 10).normalize(), 1e-9) or \
        abs(out.geometry["a"].area - 50) < 1e-9
    assert abs(out.geometry["b"].area - 50) < 1e-9
    assert out.geometry["a"].bounds == (0.0, 0.0, 5.0, 10.0)


def test_single_point_gets_the_whole_region_and_cells_stay_in_their_region() -> None:
    pts = gpd.GeoDataFrame({"muni": ["a", "b", "c"], "code": ["west", "east", "east"]},
                           geometry=[shapely.Point(9, 5), shapely.Point(11, 5),
                                     shapely.Point(19, 9)], crs=3857)
    out = voronoi_territories(pts, "muni", _regions(), "code").set_index("muni")
    assert abs(out.geometry["a"].area - 100) < 1e-9
    assert out.geometry["b"].within(shapely.box(10, 0, 20, 10).buffer(1e-9))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0.1, 19.9), st.floats(0.1, 9.9), st.sampled_from("abc")),
                min_size=1, max_size=25))
def test_partition_property(points: list[tuple[float, float, str]]) -> None:
    xy = np.array([(x, y) for x, y, _ in points])
    pts = gpd.GeoDataFrame({"muni": [m for *_, m in points],
                            "code": np.where(xy[:, 0] < 10, "west", "east")},
                           geometry=shapely.points(xy), crs=3857)
    regions = _regions()
    regions = regions[regions["code"].isin(pts["code"])]
    out = voronoi_territories(pts, "muni", regions, "code")
    assert out.is_valid.all()
    # points at one location share one cell, which goes to the first of them
    firsts = pts.loc[~pd.Series([tuple(p) for p in np.round(xy, 3)]).duplicated(), "muni"]
    assert set(out["muni"]) == set(firsts)
    assert overlap_area(out.geometry) < 1e-6
    assert coverage_gap(out.geometry, shapely.union_all(regions.geometry.values)) < 1e-6
    # every point lies in the territory of its own label
    owner = gpd.sjoin(pts.loc[firsts.index], out.rename(columns={"muni": "owner"}),
                      predicate="intersects")
    assert (owner.groupby(level=0).apply(lambda g: (g["muni"] == g["owner"]).any())).all()
