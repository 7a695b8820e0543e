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


def test_aimak_access_hybrid_on_the_command_line(tmp_path, monkeypatch) -> None:
    """Reachable by a user: ``aimak access --mode hybrid --roads FILE`` writes the table and
    prints the licence's attribution; without --roads it says what is missing."""
    from click.testing import CliRunner

    from access_fixtures import dataset, write_netcdf
    from aimak.access.elevation import ELEVATION_ENV
    from aimak.cli.main import cli

    monkeypatch.setenv(ELEVATION_ENV, str(write_netcdf(flat_grid(), tmp_path / "grid.nc")))
    dataset(cell_points([(5, 2), (5, 12), (8, 2)])).write(tmp_path / "synthetic.gpkg")
    _road().to_file(tmp_path / "roads.geojson", driver="GeoJSON")
    out = tmp_path / "times.csv"
    args = ["access", "--dataset", str(tmp_path / "synthetic.gpkg"), "--mode", "hybrid",
            "--cell-factor", "1", "--out", str(out)]
    res = CliRunner().invoke(cli, [*args, "--roads", str(tmp_path / "roads.geojson")])
    assert res.exit_code == 0, res.output
    assert "Global Map Kyrgyz" in res.output and "non-commercial" in res.output
    import pandas as pd

    times = pd.read_csv(out)
    assert set(times["mode"]) == {"hybrid"} and len(times) == 9
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2 and "--mode hybrid needs a main-road layer" in res.output


@pytest.mark.parametrize("lang,credit", [("en", "non-commercial use"),
                                         ("ru", "некоммерческое использование"),
                                         ("ky", "коммерциялык эмес")])
def test_config_access_mode_hybrid_credits_the_roads_in_the_methods(tmp_path, lang,
                                                                   credit) -> None:
    """``[access] mode = "hybrid"`` in an analysis config runs the hybrid model, and the
    methods text of the report carries the licence's attribution in the report's language."""
    from access_fixtures import dataset, write_netcdf
    from aimak.params import HybridParams
    from aimak.pipeline import Cache, Config, _times

    write_netcdf(flat_grid(), tmp_path / "grid.nc")
    ds = dataset(cell_points([(5, 2), (5, 12), (8, 2)]))
    ds.write(tmp_path / "synthetic.gpkg")
    _road().to_file(tmp_path / "roads.geojson", driver="GeoJSON")
    (tmp_path / "analysis.toml").write_text(f"""
out = "out"
lang = "{lang}"
dataset = "synthetic.gpkg"
title = "Synthetic"

[access]
mode = "hybrid"
roads = "roads.geojson"
elevation = "grid.nc"
cell_factor = 1
profile = "walk"
""", encoding="utf-8")
    config = Config.read(tmp_path / "analysis.toml")
    assert isinstance(config.access, HybridParams)
    methods: dict[str, str] = {}
    (tmp_path / "cache").mkdir()
    times, _ = _times(config, ds, "synthetic", Cache(tmp_path / "cache"), methods)
    assert set(times["mode"]) == {"hybrid"}
    assert "ISCGM" in methods["travel"] and credit in methods["travel"]
