"""The national overview: a SYNTHETIC two-oblast pipeline run, its table checked against figures
computed here from the run's own outputs, its links and its map (issue 18)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import geopandas as gpd
import numpy as np
import pdfplumber
import pytest
import shapely

from access_fixtures import write_netcdf
from aimak.config import Config
from aimak.dataset import Dataset
from aimak.i18n import fmt_number
from aimak.pipeline import run
from test_pipeline import _grid, synthetic_dataset  # tests/ is on sys.path

# Oblast B's municipalities have 500 inhabitants each, 1,500 together: under a minimum of
# 2,000 its rayon admits no plan and keeps today's municipalities; oblast A's are merged.
CRITERIA = """
[about]
title = "Synthetic national criteria"

[criteria]
min_population = 2000
max_minutes = 120.0
contiguity = true
stay_within = "rayon"

[objective]
travel = 1.0
units = 0.5
"""


def two_oblasts() -> Dataset:
    """The 3 x 2 synthetic fixture split into two oblasts of one rayon each (not real data)."""
    ds = synthetic_dataset()
    s, m = ds.settlements.copy(), ds.municipalities.copy()
    row_s = s["municipality_code"].str[8].astype(int)  # code 41703999{row}{col}0000
    row_m = m["code"].str[8].astype(int)
    for frame, row in ((s, row_s), (m, row_m)):
        frame["oblast"] = np.where(row == 0, "Synthetic A", "Synthetic B")
        frame["rayon"] = np.where(row == 0, "Rayon A", "Rayon B")
    s.loc[row_s == 1, "population"] = np.where(s.loc[row_s == 1, "is_municipal_centre"],
                                               300.0, 100.0)
    s.loc[(row_s == 0) & s["is_municipal_centre"], "population_source"] = "official"
    m["population"] = m["code"].map(s.groupby("municipality_code")["population"].sum())
    boxes = [shapely.union_all(m.loc[row_m == r, "geometry"].to_numpy()) for r in (0, 1)]
    rayons = gpd.GeoDataFrame({"code": ["41703998000000", "41703999000000"],
                               "name_ru": ["Район A", "Район B"], "name_ky": [None, None],
                               "name_en": ["Rayon A", "Rayon B"], "kind": ["rayon", "rayon"],
                               "oblast": ["Synthetic A", "Synthetic B"]},
                              geometry=boxes, crs=4326)
    oblasts = gpd.GeoDataFrame({"code": ["41798000000000", "41799000000000"],
                                "name_ru": ["Область A", "Область B"], "name_ky": [None, None],
                                "name_en": ["Synthetic A", "Synthetic B"]},
                               geometry=boxes, crs=4326)
    return Dataset(gpd.GeoDataFrame(s, crs=4326), gpd.GeoDataFrame(m, crs=4326), rayons,
                   oblasts, ds.facilities)


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("national")
    two_oblasts().write(base / "dataset.gpkg")
    write_netcdf(_grid(), base / "grid.nc")
    (base / "criteria.toml").write_text(CRITERIA, encoding="utf-8")
    (base / "analysis.toml").write_text("""
out = "out"
lang = "en"
dataset = "dataset.gpkg"
formats = ["html", "pdf", "gpkg"]

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
national = "criteria.toml"

[solver]
time_limit = 10.0
""", encoding="utf-8")
    return run(Config.read(base / "analysis.toml"))


def _cells(html: str, row_id: str) -> list[str]:
    row = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, re.S)
    assert row, row_id
    return [unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def test_overview_table_matches_figures_computed_here(national) -> None:
    ds = national.dataset
    plan = national.plans["national"]
    units, parts = plan["units"], plan["parts"]
    s = ds.settlements.set_index("id")
    unit_oblast = units["centre_id"].map(s["oblast"])
    html = national.files["html"].read_text(encoding="utf-8")
    assert 'id="national"' in html and 'href="#national"' in html
    expected_units = {"Synthetic A": None, "Synthetic B": 3}  # B keeps its 3 municipalities
    for oblast, slug in (("Synthetic A", "synthetic-a"), ("Synthetic B", "synthetic-b")):
        here = s[s["oblast"] == oblast]
        pop = here["population"].sum()
        real = here.loc[here["population_source"] == "official", "population"].sum()
        u = units[unit_oblast.to_numpy() == oblast]
        minutes = np.nansum(u["mean_minutes_to_centre"] * u["population"]) / u["population"].sum()
        infeasible = int((parts["status"] == "infeasible").sum()) if oblast.endswith("B") else 0
        n_mun = int((ds.municipalities["oblast"] == oblast).sum())
        assert _cells(html, f"oblast-{slug}") == [
            oblast, fmt_number(n_mun, "int", "en"), fmt_number(pop, "int", "en"),
            fmt_number(real / pop, "percent", "en"), fmt_number(len(u), "int", "en"),
            fmt_number(minutes, "minutes", "en"), fmt_number(infeasible, "int", "en")]
        if expected_units[oblast] is not None:
            assert len(u) == expected_units[oblast]
        # the unit count links into this oblast's part of the plan's section, which exists
        anchor = f"plan_national-{slug}"
        assert f'<a href="#{anchor}">{len(u)}</a>' in html
        assert f'<h4 id="{anchor}">' in html
    # known answers: A's municipalities (2,300 each) are merged, B's rayon has no plan
    assert int((parts["status"] == "infeasible").sum()) == 1
    assert parts.loc[parts["status"] == "infeasible", "name"].tolist() == ["Rayon B"]
    assert _cells(html, "oblast-synthetic-a")[3] == "65\u00a0%"  # 3 x 1,500 of 6,900 official


def test_overview_map_links_each_oblast(national) -> None:
    html = national.files["html"].read_text(encoding="utf-8")
    svg = re.search(r'<svg[^>]*id="national-map".*?</svg>', html, re.S)
    assert svg
    links = re.findall(r'<a href="#([^"]+)"><path ', svg.group(0))
    assert sorted(links) == ["plan_national-synthetic-a", "plan_national-synthetic-b"]
    assert "Synthetic A" in svg.group(0) and "Synthetic B" in svg.group(0)


def test_overview_in_the_pdf(national) -> None:
    with pdfplumber.open(national.files["pdf"]) as pdf:
        text = " ".join(page.extract_text() or "" for page in pdf.pages)
    assert "National overview" in text
    assert "Synthetic A" in text and "Synthetic B" in text


def test_single_oblast_report_has_no_overview(tmp_path: Path) -> None:
    from aimak.report.model import ReportInputs
    from aimak.report.national import overview_frame

    assert overview_frame(ReportInputs(dataset=synthetic_dataset())) is None


def test_data_info_share_by_oblast() -> None:
    from aimak.summary import oblast_table

    table = oblast_table(two_oblasts())
    # A: 3 official centres of 1,500 in 6,900; B: nothing official in 1,500
    assert table.loc["Synthetic A", "observed_official_%"] == pytest.approx(100 * 4500 / 6900)
    assert table.loc["Synthetic B", "observed_official_%"] == 0
    assert table.loc["Total", "observed_official_%"] == pytest.approx(100 * 4500 / 8400)
    assert table.loc["Total", "population"] == 8400


def test_overview_sheet_in_the_workbook(national, tmp_path: Path) -> None:
    import openpyxl

    from aimak.report import write_report
    from aimak.report.model import PlanReport, ReportInputs

    p = national.plans["national"]
    inputs = ReportInputs(dataset=national.dataset, lang="ru", plans={"national": PlanReport(
        p["title"], p["mapping"], p["units"], parts=p["parts"])})
    written = write_report(inputs, tmp_path, formats=("xlsx",))
    book = openpyxl.load_workbook(written["xlsx"], read_only=True)
    rows = list(book["Обзор по стране"].values)
    assert rows[0][:4] == ("Область", "Нынешние муниципалитеты", "Население",
                           "Доля населения с наблюдаемой или официальной численностью")
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"Область A", "Область B"}
    assert by_name["Область A"][3] == pytest.approx(4500 / 6900)
    assert by_name["Область B"][6] == 1  # Rayon B: no feasible plan


def test_results_geopackage_has_the_overview_by_oblast(national) -> None:
    """The same figures as the HTML table, as numbers, with each oblast's polygon."""
    got = gpd.read_file(national.files["gpkg"], layer="oblast_overview").set_index("oblast")
    ds = national.dataset
    s = ds.settlements
    assert got.index.tolist() == ["Synthetic A", "Synthetic B"]
    assert got["population"].tolist() == s.groupby("oblast")["population"].sum().tolist()
    assert got.at["Synthetic A", "real_share"] == pytest.approx(4500 / 6900)
    assert got.at["Synthetic B", "real_share"] == 0.0
    assert got["infeasible_national"].tolist() == [0, 1]
    assert got.at["Synthetic B", "units_national"] == 3
    for name, shape in zip(ds.oblasts["name_en"], ds.oblasts.geometry, strict=True):
        assert got.at[name, "geometry"].equals_exact(shape, 1e-9)
