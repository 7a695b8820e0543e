"""The hybrid mode: terrain off-road, main-road speeds on the roads (SYNTHETIC grid and road)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from access_fixtures import CELL, LAT0, LON0, cell_points, flat_grid
from aimak.access import HybridModel, TerrainModel, make_model
from aimak.access.hybrid import ATTRIBUTION, compare_with_terrain, road_speed

GEOD = Geod(ellps="WGS84")


def _road(kind: str = "Primary", surface: str = "Paved") -> gpd.GeoDataFrame:
    """A road along row 5 from column 2 to column 12, through the cell centres."""
    lat = LAT0 + 5 * CELL
    line = shapely.LineString([(LON0 + 2 * CELL, lat), (LON0 + 12 * CELL, lat)])
    return gpd.GeoDataFrame({"route_type": [kind], "surface": [surface]}, geometry=[line],
                            crs="EPSG:4326")


def test_known_answer_along_a_paved_primary_road() -> None:
    g = flat_grid()
    pts = cell_points([(5, 2), (5, 12), (8, 2)])
    roads = _road().assign(speed_kmh=65.0)
    frame = HybridModel(roads, profile="walk", cell_factor=1, elevation=g).fit(pts).matrix()
    row = frame[(frame.origin == "s0") & (frame.destination == "s1")].iloc[0]
    lat = LAT0 + 5 * CELL
    _, _, step = GEOD.inv(LON0, lat, LON0 + CELL, lat)
    assert row["minutes"] == pytest.approx(10 * step / 1000 / 65.0 * 60, rel=1e-9)
    assert row["mode"] == "hybrid"
    terrain = TerrainModel(profile="walk", cell_factor=1, elevation=g).fit(pts).matrix()
    t = terrain.set_index(["origin", "destination"])["minutes"]
    h = frame.set_index(["origin", "destination"])["minutes"]
    assert (h <= t + 1e-9).all()  # a road never makes a trip slower
    # s2 is three cells off the road: it walks to the road, then drives
    assert h[("s2", "s1")] < t[("s2", "s1")]


def test_speeds_by_class_and_surface_are_stated() -> None:
    assert road_speed("Primary", "Paved") > road_speed("Primary", "Not Paved")
    assert road_speed("Secondary", "Paved") > road_speed("Secondary", "Unknown")
    assert "ISCGM" in ATTRIBUTION and "non-commercial" in ATTRIBUTION


def test_compare_reports_the_median_and_the_pairs_that_change_most(tmp_path) -> None:
    from access_fixtures import dataset

    g = flat_grid()
    ds = dataset(cell_points([(5, 2), (5, 12), (8, 2), (2, 18)]))
    path = tmp_path / "roads.geojson"
    _road().to_file(path, driver="GeoJSON")
    summary, top = compare_with_terrain(ds, path, top=3, profile="walk", cell_factor=1,
                                        elevation=g, area=None)
    assert summary["pairs"] == 12 and summary["median_change_min"] < 0
    assert len(top) == 3 and (np.diff(top["change_min"].abs()) <= 0).all()
    assert top.iloc[0][["origin", "destination"]].tolist() in (["s0", "s1"], ["s1", "s0"])


def test_make_model_needs_the_road_layer() -> None:
    from aimak.errors import AimakError

    with pytest.raises(AimakError, match="hybrid mode needs"):
        make_model("hybrid")
