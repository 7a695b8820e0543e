"""End to end: the whole pipeline on a small SYNTHETIC fixture, outputs and caching."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely
from click.testing import CliRunner

from access_fixtures import write_netcdf
from aimak.access.elevation import ElevationGrid
from aimak.cli.main import cli
from aimak.config import Config
from aimak.dataset import Dataset
from aimak.pipeline import run
from browser import CHROMIUM, Browser

LON0, LAT0, CELL = 72.0, 41.0, 1 / 240
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CRITERIA = """
[about]
title = "Synthetic test criteria"

[criteria]
min_population = 1500
max_minutes = 120.0
contiguity = true
stay_within = "rayon"

[objective]
travel = 1.0
units = 0.5
"""


def _grid() -> ElevationGrid:
    """Synthetic terrain: a ridge across the middle of a plain (not real data)."""
    ny, nx = 48, 64
    lat, lon = LAT0 + CELL * np.arange(ny), LON0 + CELL * np.arange(nx)
    _, xx = np.meshgrid(np.linspace(-1, 1, ny), np.linspace(-1, 1, nx), indexing="ij")
    z = 800 + 600 * np.exp(-(xx**2) / 0.05)
    return ElevationGrid(z.astype(np.float32), lat, lon, "synthetic test grid")


def synthetic_dataset() -> Dataset:
    """3 x 2 synthetic municipalities, each with a centre and two villages (not real data)."""
    rows, cols = 2, 3
    w, h = 64 * CELL / cols, 48 * CELL / rows
    settlements, munis = [], []
    rng = np.random.default_rng(7)
    for r in range(rows):
        for c in range(cols):
            code = f"41703999{r}{c}0000"
            x0, y0 = LON0 + c * w, LAT0 + r * h
            poly = shapely.box(x0, y0, x0 + w, y0 + h)
            ids = []
            for k in range(3):
                sid = f"syn:{r}{c}{k}"
                ids.append(sid)
                x = x0 + w * (0.3 + 0.4 * rng.random())
                y = y0 + h * (0.3 + 0.4 * rng.random())
                settlements.append({"id": sid, "name_ru": f"Село {r}{c}{k}", "name_ky": None,
                                    "name_en": f"Village {r}{c}{k}", "kind": "village",
                                    "population": float(1500 if k == 0 else 400),
                                    "population_year": 2018,
                                    "population_source": "estimated",
                                    "municipality_code": code, "rayon": "Synthetic",
                                    "oblast": "Synthetic", "is_municipal_centre": k == 0,
                                    "geometry": shapely.Point(x, y)})
            munis.append({"code": code, "name_ru": f"Аймак {r}{c}", "name_ky": None,
                          "name_en": f"Aimak {r}{c}", "kind": "ayil_aimak",
                          "rayon": "Synthetic", "oblast": "Synthetic", "centre_id": ids[0],
                          "population": 2300.0, "territory_source": "approximate",
                          "geometry": poly})
    whole = shapely.union_all([m["geometry"] for m in munis])
    names = {"name_ru": ["Синтетический"], "name_ky": [None], "name_en": ["Synthetic"]}
    s = gpd.GeoDataFrame(settlements, crs=4326)
    facilities = gpd.GeoDataFrame({"id": ["syn:f1", "syn:f2"], "type": ["hospital", "clinic"],
                                   "name": ["synthetic hospital", "synthetic clinic"],
                                   "source": "synthetic test fixture"},
                                  geometry=[s.geometry.iloc[0], s.geometry.iloc[9]], crs=4326)
    return Dataset(s, gpd.GeoDataFrame(munis, crs=4326),
                   gpd.GeoDataFrame({"code": ["41703999000000"], **names, "kind": ["rayon"],
                                     "oblast": ["Synthetic"]}, geometry=[whole], crs=4326),
                   gpd.GeoDataFrame({"code": ["41703000000000"], **names}, geometry=[whole],
                                    crs=4326), facilities)


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    base = tmp_path_factory.mktemp("pipeline")
    synthetic_dataset().write(base / "dataset.gpkg")
    write_netcdf(_grid(), base / "grid.nc")
    (base / "criteria.toml").write_text(CRITERIA, encoding="utf-8")
    (base / "analysis.toml").write_text("""
out = "out"
lang = "en"
dataset = "dataset.gpkg"
title = "Synthetic test region"
oblast = "Synthetic"

[access]
mode = "terrain"
elevation = "grid.nc"
cell_factor = 1
area = "dataset"

[zones]
method = "lma"
min_size = 1000
target_size = 4000
min_sc = 0.5
target_sc = 0.7

[plans]
synthetic = "criteria.toml"

[solver]
time_limit = 10.0
""", encoding="utf-8")
    return Config.read(base / "analysis.toml")


@pytest.fixture(scope="module")
def result(config: Config):
    return run(config)


def test_every_output_is_written(result, config: Config) -> None:
    out = Path(config.out)
    for name in ("report.html", "report.pdf", "indicators.xlsx", "results.gpkg"):
        assert (out / name).stat().st_size > 1000, name
    sheets = openpyxl.load_workbook(out / "indicators.xlsx", read_only=True).sheetnames
    assert len(sheets) >= 2
    layers = {name for name, _ in pyogrio.list_layers(out / "results.gpkg")}
    assert {"settlements", "municipalities"} <= layers


def test_stages_are_consistent(result) -> None:
    ids = set(result.dataset.settlements["id"])
    assert set(result.times["origin"]) == ids and (result.times["mode"] == "terrain").all()
    assert set(result.flows["source"]) == {"modelled"}
    assert set(result.zones["settlement"]) == ids  # every settlement gets exactly one zone
    plan = result.plans["synthetic"]
    assert set(plan["mapping"]["old_code"]) == set(result.dataset.municipalities["code"])
    assert (plan["units"]["population"] >= 1500).all()  # the criterion holds
    assert list(result.comparison["plan"]) == ["current", "synthetic"]


def test_the_manifest_names_what_the_run_made(result, config: Config) -> None:
    """The manifest (the one file the platform reads) names the run's tables, plans, report
    and steps; read back from its folder, every path is the run's own."""
    from aimak.manifest import STEPS, Manifest

    m = Manifest.read(config.out)
    assert m.dataset == Path(config.dataset).resolve()
    pd.testing.assert_frame_equal(pd.read_parquet(m.times), result.times)
    pd.testing.assert_frame_equal(pd.read_parquet(m.flows), result.flows)
    pd.testing.assert_frame_equal(pd.read_parquet(m.plans["synthetic"].mapping),
                                  result.plans["synthetic"]["mapping"])
    assert m.plans["synthetic"].criteria.endswith("criteria.toml")
    assert set(m.report) == set(result.files) and m.report["html"].name == "report.html"
    assert m.steps == [s for s in STEPS if s != "official"]  # in order; no official plan
    assert m.versions["aimak"] and m.lang == "en"
    # the manifest is stored with paths relative to its folder: the folder can move
    text = (Path(config.out) / "manifest.json").read_text(encoding="utf-8")
    assert str(Path(config.out).resolve()) not in text


def test_a_folder_without_a_manifest_is_a_clear_error(tmp_path: Path) -> None:
    from aimak.errors import AimakError
    from aimak.manifest import Manifest

    with pytest.raises(AimakError, match=r"no manifest\.json here"):
        Manifest.read(tmp_path)


def test_report_says_how_each_modelled_stage_was_made(result, config: Config) -> None:
    assert result.methods["travel"] == ("cell_factor = 1, area = dataset; not calibrated on "
                                        "observed trips")
    assert "default parameters, not calibrated: no observed flows" in result.methods["flows"]
    assert result.methods["zones"].startswith("parameters: Minimum zone size = 1,000")
    html = (Path(config.out) / "report.html").read_text(encoding="utf-8")
    for note in result.methods.values():
        assert note in html  # in the methods and sources table, beside the item it explains


def test_rerun_reuses_every_cached_step(result, config: Config) -> None:
    again = run(config)
    assert {"times", "flows", "zones", "plan-synthetic"} <= set(again.cache_hits)
    assert again.methods == result.methods  # the facts are cached with the tables
    pd.testing.assert_frame_equal(again.plans["synthetic"]["mapping"],
                                  result.plans["synthetic"]["mapping"])


def test_analyze_cli_and_bad_config(config: Config, tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["analyze", str(Path(config.out).parent / "analysis.toml")])
    assert res.exit_code == 0, res.output
    assert "report.html" in res.output and "Reused cached results" in res.output
    bad = tmp_path / "bad.toml"
    bad.write_text('colour = "red"\n', encoding="utf-8")
    res = CliRunner().invoke(cli, ["analyze", str(bad)])
    assert res.exit_code == 2 and "key 'colour': unknown setting" in res.output


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed "
                    "(CI installs Debian's chromium)")
def test_pipeline_report_renders_offline_in_chromium(result, tmp_path: Path) -> None:
    browser = Browser()
    try:
        browser.open(result.files["html"].as_uri())
        counts = browser.js("Object.fromEntries([...document.querySelectorAll('g.layer')]"
                            ".map(g => [g.dataset.layer, g.querySelectorAll("
                            "'path, circle, line').length]))")
        browser.js("document.querySelectorAll('input[data-layer]').forEach(i => "
                   "{ if (!i.checked) i.click(); })")
        visible = browser.js("[...document.querySelectorAll('g.layer')].filter(g => "
                             "getComputedStyle(g).display !== 'none').length")
        browser.js("document.getElementById('map-section').scrollIntoView()")
        ARTIFACTS.mkdir(exist_ok=True)
        browser.screenshot(ARTIFACTS / "pipeline_report_map.png")
        requests, errors = list(browser.requests), list(browser.errors)
    finally:
        browser.close()
    assert counts["settlements"] == 18 and counts["municipalities"] == 6
    assert counts["facilities"] == 2 and counts["zones"] >= 1 and counts["flows"] >= 1
    assert counts["plan_synthetic"] >= 1  # today's map is the municipalities layer
    assert visible == len(counts)  # every layer switched on is drawn
    assert requests and all(u.startswith(("file://", "data:")) for u in requests), requests
    assert errors == []
