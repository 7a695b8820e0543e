"""End-to-end runs of ``aimak zones`` on small SYNTHETIC flow tables and a synthetic dataset."""

from __future__ import annotations

import importlib

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from aimak.cli.main import cli
from aimak.crs import WGS84
from aimak.dataset import Dataset

# The hand-traced case of test_zones_lma: C joins A (cohesion 0.0202 against 0.0077 for B).
FLOWS = [("syn:A", "syn:A", 100), ("syn:B", "syn:B", 100), ("syn:C", "syn:C", 10),
         ("syn:C", "syn:A", 6), ("syn:C", "syn:B", 4), ("syn:A", "syn:C", 2)]
LMA = ["--min-size", "10", "--target-size", "100", "--min-sc", "0.5", "--target-sc", "0.75"]


@pytest.fixture
def flows_csv(tmp_path):
    path = tmp_path / "flows.csv"
    pd.DataFrame(FLOWS, columns=["origin", "destination", "flow"]).to_csv(path, index=False)
    return path


def _run(args):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def test_lma_writes_units_and_zones_and_prints_metrics(tmp_path, flows_csv):
    out = tmp_path / "zones.csv"
    muni = tmp_path / "map.csv"
    pd.DataFrame({"unit": ["syn:A", "syn:B", "syn:C"],
                  "municipality": ["m1", "m1", "m2"]}).to_csv(muni, index=False)
    result = _run(["zones", "--flows", str(flows_csv), "--method", "lma", *LMA, "--out",
                   str(out), "--municipalities", str(muni)])
    assert result.exit_code == 0, result.output
    zones = pd.read_csv(out)
    assert list(zones.columns) == ["unit", "zone"]
    assert list(zones["unit"]) == ["syn:A", "syn:B", "syn:C"]
    assert list(zones["zone"]) == [0, 1, 0]
    summary = pd.read_csv(tmp_path / "zones_summary.csv")
    assert list(summary["n_units"]) == [2, 1]
    assert summary["validity"].tolist() == pytest.approx([1.5, 1.5])
    assert set(summary["source"]) == {"modelled"}
    assert (tmp_path / "zones_reserve.csv").exists()
    # municipality m1 = {A, B} is split between zones 0 and 1
    split = pd.read_csv(tmp_path / "zones_split.csv")
    assert list(split["municipality"]) == ["m1"]
    assert "Adjusted Rand index" in result.output
    assert "Modularity" in result.output


def _dataset(path):
    """Two synthetic municipalities: m1 holds A and B, m2 holds C."""
    places = [("syn:A", 73.00, 41.00, "m1"), ("syn:B", 73.05, 41.00, "m1"),
              ("syn:C", 73.20, 41.00, "m2")]
    mun = gpd.GeoDataFrame({
        "code": ["m1", "m2"], "name_ru": ["Один", "Два"], "name_ky": [None, None],
        "name_en": ["One", "Two"], "kind": ["ayil_aimak"] * 2, "rayon": ["Synthetic"] * 2,
        "oblast": ["Synthetic"] * 2, "centre_id": ["syn:A", "syn:C"],
        "population": [300.0, 100.0], "territory_source": ["approximate"] * 2,
    }, geometry=[shapely.box(72.95, 40.9, 73.1, 41.1), shapely.box(73.1, 40.9, 73.3, 41.1)],
        crs=WGS84)
    st = gpd.GeoDataFrame({
        "id": [p[0] for p in places], "name_ru": ["А", "Б", "В"], "name_ky": [None] * 3,
        "name_en": ["A", "B", "C"], "kind": ["village"] * 3, "population": [200.0, 100.0, 100.0],
        "population_year": [2020] * 3, "population_source": ["estimated"] * 3,
        "municipality_code": [p[3] for p in places], "rayon": ["Synthetic"] * 3,
        "oblast": ["Synthetic"] * 3, "is_municipal_centre": [True, False, True],
    }, geometry=gpd.points_from_xy([p[1] for p in places], [p[2] for p in places]), crs=WGS84)
    whole = shapely.box(72.95, 40.9, 73.3, 41.1)
    rayons = gpd.GeoDataFrame({"code": ["r1"], "name_ru": ["Р"], "name_ky": [None],
                               "name_en": ["Synthetic"], "kind": ["rayon"],
                               "oblast": ["Synthetic"]}, geometry=[whole], crs=WGS84)
    oblasts = gpd.GeoDataFrame({"code": ["o1"], "name_ru": ["О"], "name_ky": [None],
                                "name_en": ["Synthetic"]}, geometry=[whole], crs=WGS84)
    facilities = gpd.GeoDataFrame({"id": ["f1"], "type": ["school"], "name": [None],
                                   "source": ["synthetic"]},
                                  geometry=gpd.points_from_xy([73.0], [41.0]), crs=WGS84)
    Dataset(settlements=st, municipalities=mun, rayons=rayons, oblasts=oblasts,
            facilities=facilities).write(path)


def test_lma_compares_with_dataset_municipalities(tmp_path, flows_csv):
    gpkg = tmp_path / "synthetic.gpkg"
    _dataset(gpkg)
    out = tmp_path / "zones.parquet"
    result = _run(["zones", "--flows", str(flows_csv), *LMA, "--out", str(out),
                   "--dataset", str(gpkg)])
    assert result.exit_code == 0, result.output
    assert list(pd.read_parquet(out)["zone"]) == [0, 1, 0]
    split = pd.read_parquet(tmp_path / "zones_split.parquet")
    assert list(split["municipality"]) == ["m1"]
    assert list(split["name"]) == ["One"]
    assert "Municipalities split across zones" in result.output


@pytest.mark.parametrize(("method", "module", "extra"), [
    ("nodal", "aimak.zones.nodal", []),
    ("leiden", "aimak.zones.leiden", ["--resolution", "1.0"]),
    ("intramax", "aimak.zones.intramax", ["--n-zones", "2"]),
])
def test_other_methods_write_one_zone_per_unit(tmp_path, flows_csv, method, module, extra):
    importlib.import_module(module)  # a broken import must fail, not skip
    out = tmp_path / "zones.csv"
    result = _run(["zones", "--flows", str(flows_csv), "--method", method, *extra, "--out",
                   str(out)])
    assert result.exit_code == 0, result.output
    zones = pd.read_csv(out)
    assert list(zones["unit"]) == ["syn:A", "syn:B", "syn:C"]
    assert zones["zone"].notna().all()
    if method == "intramax":
        assert zones["zone"].nunique() == 2


def test_bad_flow_row_is_reported_with_file_row_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("origin,destination,flow\nsyn:A,syn:B,5\nsyn:B,syn:A,-3\n", encoding="utf-8")
    result = _run(["zones", "--flows", str(path), "--out", str(tmp_path / "z.csv")])
    assert result.exit_code == 2
    assert "bad.csv" in result.output and "row 2" in result.output
    assert "flow" in result.output
    assert not (tmp_path / "z.csv").exists()


def test_bad_lma_parameters_are_reported(tmp_path, flows_csv):
    result = _run(["zones", "--flows", str(flows_csv), "--min-size", "500", "--target-size",
                   "100", "--out", str(tmp_path / "z.csv")])
    assert result.exit_code == 2
    assert "option --target-size: --target-size (100) is below --min-size (500)" in result.output


def test_conflicting_municipal_map_is_reported(tmp_path, flows_csv):
    muni = tmp_path / "map.csv"
    muni.write_text("unit,municipality\nsyn:A,m1\nsyn:A,m2\n", encoding="utf-8")
    result = _run(["zones", "--flows", str(flows_csv), *LMA, "--out", str(tmp_path / "z.csv"),
                   "--municipalities", str(muni)])
    assert result.exit_code == 2
    assert "map.csv" in result.output and "row 2" in result.output


def test_service_option_picks_one_service(tmp_path):
    path = tmp_path / "services.csv"
    rows = [(o, d, f, "school") for o, d, f in FLOWS] + [("syn:C", "syn:B", 500, "market")]
    pd.DataFrame(rows, columns=["origin", "destination", "flow", "service"]).to_csv(
        path, index=False)
    out = tmp_path / "zones.csv"
    result = _run(["zones", "--flows", str(path), *LMA, "--service", "school", "--out",
                   str(out)])
    assert result.exit_code == 0, result.output
    assert list(pd.read_csv(out)["zone"]) == [0, 1, 0]
    result = _run(["zones", "--flows", str(path), *LMA, "--service", "bank", "--out",
                   str(out)])
    assert result.exit_code == 2
    assert "no flows for the service 'bank'" in result.output


def test_make_estimator_fills_in_defaults():
    from aimak.errors import AimakError
    from aimak.zones import make_estimator

    lma = make_estimator("lma", min_size=500)
    assert (lma.min_size, lma.target_size) == (500, 10000.0)  # ZoneParams' default
    with pytest.raises(AimakError, match="unknown zoning method"):
        make_estimator("kmeans")
