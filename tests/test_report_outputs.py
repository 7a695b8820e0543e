"""Report writers end to end on a small SYNTHETIC fixture (invented places, labelled synthetic).

Three municipalities side by side (A, B, C) with eight settlements, two functional zones and
three plans: today's map ('current'), A+B merged ('merge_ab'), and everything merged ('single').
All figures below are invented and small enough to check by hand.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from openpyxl import load_workbook
from shapely.geometry import Point, box

from aimak.crs import WGS84
from aimak.dataset import Dataset
from aimak.errors import AimakError, InputError
from aimak.i18n import _, use_language
from aimak.report import FILES, PlanReport, ReportInputs, write_report
from aimak.report.xlsx import plan_sheet_names
from browser import CHROMIUM, Browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

# Municipality squares of 0.1 degree (about 8 x 11 km) in a row, west to east.
MUNICIPALITIES = [
    ("417000000001", "A", box(72.90, 40.90, 73.00, 41.00)),
    ("417000000002", "B", box(73.00, 40.90, 73.10, 41.00)),
    ("417000000003", "C", box(73.10, 40.90, 73.20, 41.00)),
]
# id, municipality letter, lon, lat, population, centre?
SETTLEMENTS = [
    ("syn:1", "A", 72.95, 40.95, 5000.0, True),
    ("syn:2", "A", 72.92, 40.97, 800.0, False),
    ("syn:3", "A", 72.98, 40.92, 1200.0, False),
    ("syn:4", "B", 73.05, 40.95, 3000.0, True),
    ("syn:5", "B", 73.08, 40.98, 500.0, False),
    ("syn:6", "C", 73.15, 40.95, 4000.0, True),
    ("syn:7", "C", 73.12, 40.93, 700.0, False),
    ("syn:8", "C", 73.18, 40.97, 300.0, False),
]
CODE = {letter: code for code, letter, _g in MUNICIPALITIES}


def synthetic_dataset() -> Dataset:
    s = pd.DataFrame(SETTLEMENTS, columns=["id", "m", "lon", "lat", "population", "centre"])
    n = s["id"].str.slice(4)
    settlements = gpd.GeoDataFrame({
        "id": s["id"], "name_ru": "Тестовое " + n, "name_ky": "Сыноо " + n,
        "name_en": "Synthetic " + n, "kind": "village", "population": s["population"],
        "population_year": 2021,
        "population_source": ["official", "estimated"] * 4,
        "municipality_code": s["m"].map(CODE), "rayon": "Synthetic rayon",
        "oblast": "Synthetic oblast", "is_municipal_centre": s["centre"],
    }, geometry=[Point(x, y) for x, y in zip(s["lon"], s["lat"], strict=True)], crs=WGS84)
    pops = s.groupby("m")["population"].sum()
    centres = s[s["centre"]].set_index("m")["id"]
    municipalities = gpd.GeoDataFrame({
        "code": [c for c, _m, _g in MUNICIPALITIES],
        "name_ru": [f"Тестовый айыл аймак {m}" for _c, m, _g in MUNICIPALITIES],
        "name_ky": [f"Сыноо айыл аймагы {m}" for _c, m, _g in MUNICIPALITIES],
        "name_en": [f"Synthetic ayil aimak {m}" for _c, m, _g in MUNICIPALITIES],
        "kind": "ayil_aimak", "rayon": "Synthetic rayon", "oblast": "Synthetic oblast",
        "centre_id": [centres[m] for _c, m, _g in MUNICIPALITIES],
        "population": [pops[m] for _c, m, _g in MUNICIPALITIES],
        "territory_source": ["official", "official", "approximate"],
    }, geometry=[g for _c, _m, g in MUNICIPALITIES], crs=WGS84)
    whole = box(72.9, 40.9, 73.2, 41.0)
    rayons = gpd.GeoDataFrame({"code": ["417000"], "name_ru": ["Тестовый район"],
                               "name_ky": ["Сыноо району"], "name_en": ["Synthetic rayon"],
                               "kind": ["rayon"], "oblast": ["Synthetic oblast"]},
                              geometry=[whole], crs=WGS84)
    oblasts = gpd.GeoDataFrame({"code": ["417"], "name_ru": ["Тестовая область"],
                                "name_ky": ["Сыноо облусу"], "name_en": ["Synthetic oblast"]},
                               geometry=[whole], crs=WGS84)
    facilities = gpd.GeoDataFrame({
        "id": ["syn:f1", "syn:f2", "syn:f3"],
        "type": ["hospital", "school", "ayil_okmotu"],
        "name": ["Synthetic hospital", None, "Synthetic ayil okmotu"],
        "source": "synthetic test fixture",
    }, geometry=[Point(72.951, 40.951), Point(73.051, 40.951), Point(73.151, 40.951)],
        crs=WGS84)
    ds = Dataset(settlements, municipalities, rayons, oblasts, facilities,
                 sources=pd.DataFrame({"file": ["fixture"], "description": ["synthetic fixture"],
                                       "url": [""], "licence": ["CC0"],
                                       "retrieved_from": ["tests"]}))
    ds.check_links("synthetic fixture")
    return ds


def _units(groups: dict[str, list[str]], centres: dict[str, str], ds: Dataset) -> pd.DataFrame:
    s = ds.settlements
    rows = []
    for unit, letters in groups.items():
        inside = s[s["municipality_code"].isin([CODE[m] for m in letters])]
        rows.append({"new_unit": unit, "centre": centres[unit],
                     "population": inside["population"].sum(),
                     "n_settlements": len(inside), "n_municipalities": len(letters),
                     "mean_minutes": 10.0 * len(letters), "max_minutes": 25.0 * len(letters),
                     "share_30min": 1.0 if len(letters) == 1 else 0.8,
                     "share_60min": 1.0, "self_containment": 0.5 + 0.1 * len(letters),
                     "violations": [] if len(letters) < 3 else ["max_minutes"],
                     "services_in_centre": "hospital, school" if "A" in letters else "",
                     "extra_indicator": 42})
    return pd.DataFrame(rows)


def synthetic_inputs(lang: str = "ru") -> ReportInputs:
    """The fixture as a ReportInputs, flagged synthetic."""
    ds = synthetic_dataset()
    designs = {
        "current": ("Today's municipalities", {"A": ["A"], "B": ["B"], "C": ["C"]},
                    {"A": "syn:1", "B": "syn:4", "C": "syn:6"}, {}),
        "merge_ab": ("Merge A and B", {"AB": ["A", "B"], "C": ["C"]},
                     {"AB": "syn:1", "C": "syn:6"}, {"max_minutes": 60, "min_population": 5000}),
        "single": ("One unit", {"ABC": ["A", "B", "C"]}, {"ABC": "syn:1"},
                   {"max_minutes": 90}),
    }
    plans = {}
    rows = []
    for key, (title, groups, centres, criteria) in designs.items():
        mapping = pd.DataFrame([{"old_code": CODE[m], "new_unit": u, "centre": centres[u]}
                                for u, ms in groups.items() for m in ms])
        units = _units(groups, centres, ds)
        summary = {"n_units": len(units), "mean_minutes": float(units["mean_minutes"].mean())}
        plans[key] = PlanReport(title, mapping, units, criteria, summary,
                                description=f"Synthetic plan '{key}'.")
        rows.append({"plan": key, "title": title, "n_units": len(units),
                     "population_min": units["population"].min(),
                     "population_median": units["population"].median(),
                     "population_max": units["population"].max(),
                     "mean_minutes": units["mean_minutes"].mean(),
                     "max_minutes": units["max_minutes"].max(),
                     "share_30min": units["share_30min"].mean(),
                     "share_60min": 1.0,
                     "self_containment": units["self_containment"].mean(),
                     "n_violations": int(units["violations"].map(len).gt(0).sum())})
    zones = pd.DataFrame({"settlement": [sid for sid, *_r in SETTLEMENTS],
                          "zone": ["1", "1", "1", "1", "1", "2", "2", "2"],
                          "method": "leiden (synthetic)"})
    flows = pd.DataFrame({
        "origin": ["syn:2", "syn:3", "syn:4", "syn:5", "syn:7", "syn:8", "syn:1"],
        "destination": ["syn:1", "syn:1", "syn:1", "syn:4", "syn:6", "syn:6", "syn:1"],
        "flow": [80.0, 120.0, 60.0, 40.0, 70.0, 30.0, 900.0],
        "source": "modelled",
    })
    return ReportInputs(dataset=ds, zones=zones, zone_metrics={"modularity": 0.41},
                        flows=flows, plans=plans, comparison=pd.DataFrame(rows), lang=lang,
                        title="Synthetic test region", synthetic=True)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("report")
    return write_report(synthetic_inputs("ru"), out)


def test_all_four_files_written(report: dict[str, Path]) -> None:
    assert set(report) == set(FILES)
    for path in report.values():
        assert path.exists() and path.stat().st_size > 0
    leftovers = [p.name for p in report["html"].parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_workbook_has_comparison_plan_and_provenance_sheets(report: dict[str, Path]) -> None:
    inputs = synthetic_inputs("ru")
    book = load_workbook(report["xlsx"], read_only=True)
    with use_language("ru"):
        expected = [_("Comparison"), *plan_sheet_names(inputs).values(), _("Zones"),
                    _("Municipal populations"), _("Provenance"), _("Data sources"),
                    _("Columns")]
        population = _("Population")
    assert book.sheetnames == expected
    assert expected[1:4] == ["Нынешние муниципалитеты", "Merge A and B", "One unit"]
    rows = list(book["Merge A and B"].iter_rows(values_only=True))
    header = list(rows[0])
    by_unit = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    # A (5000 + 800 + 1200) + B (3000 + 500) = 10500; C = 4000 + 700 + 300 = 5000.
    assert by_unit["AB"][population] == 10500
    assert by_unit["C"][population] == 5000
    assert by_unit["AB"]["centre_name"] == "Тестовое 1"
    assert by_unit["AB"]["extra_indicator"] == 42  # extra columns are kept
    with use_language("ru"):
        merged = _("Municipalities merged")
    # Members largest first: A (7000 inhabitants) before B (3500).
    assert by_unit["AB"][merged] == "Тестовый айыл аймак A, Тестовый айыл аймак B"
    comparison = list(book[expected[0]].iter_rows(values_only=True))
    key = comparison[0].index("plan")
    assert [r[key] for r in comparison[1:]] == ["current", "merge_ab", "single"]
    assert [r[0] for r in comparison[1:]] == expected[1:4]
    provenance = [r for r in book[_("Provenance")].iter_rows(values_only=True)]
    assert any("Синтетические данные" in str(c) for r in provenance for c in r)


def test_geopackage_holds_every_layer(report: dict[str, Path]) -> None:
    layers = dict(pyogrio.list_layers(report["gpkg"]))
    for name in ("settlements", "facilities", "municipalities", "zones", "plan_current",
                 "plan_merge_ab", "plan_single", "flows", "comparison", "provenance",
                 "sources"):
        assert name in layers, name
    assert layers["zones"] in ("MultiPolygon", "Polygon")
    assert layers["flows"] == "LineString"
    zones = gpd.read_file(report["gpkg"], layer="zones").set_index("zone")
    assert zones.loc["1", "population"] == 10500 and zones.loc["2", "population"] == 5000
    assert zones.loc["1", "n_settlements"] == 5
    municipalities = gpd.read_file(report["gpkg"], layer="municipalities")
    metric = "+proj=laea +lat_0=41.5 +lon_0=74.5 +datum=WGS84 +units=m"
    total = municipalities.to_crs(metric).area.sum()
    assert zones.to_crs(metric).area.sum() == pytest.approx(total, rel=1e-6)
    plan = gpd.read_file(report["gpkg"], layer="plan_merge_ab").set_index("new_unit")
    assert sorted(plan.index) == ["AB", "C"]
    ab = municipalities[municipalities["code"].isin([CODE["A"], CODE["B"]])]
    assert plan.to_crs(metric).area["AB"] == pytest.approx(ab.to_crs(metric).area.sum(),
                                                           rel=1e-6)
    assert plan.loc["C", "territory_source"] == "approximate"
    assert plan.loc["AB", "territory_source"] == "official"
    assert plan.loc["C", "members"] == "Тестовый айыл аймак C"
    flows = gpd.read_file(report["gpkg"], layer="flows")
    assert len(flows) == 6  # the flow within syn:1 has no line
    assert flows["flow"].iloc[0] == 120.0  # largest first
    settlements = gpd.read_file(report["gpkg"], layer="settlements")
    assert settlements.set_index("id").loc["syn:5", "plan_merge_ab"] == "AB"


def _pdf_text(path: Path) -> tuple[str, int]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines()
                     if line.startswith("Pages:")))
    return text, pages


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_has_maps_and_tables(report: dict[str, Path]) -> None:
    text, pages = _pdf_text(report["pdf"])
    # Title page with the comparison, 5 map pages (today, zones, 3 plans), zones, 3 plans, sources.
    assert pages >= 10
    for expected in ("Synthetic test region", "Сравнение планов", "Функциональные зоны",
                     "Merge A and B", "Методы и источники", "Синтетические данные",
                     "10 500"):
        assert expected in text, expected
    assert text.count("Карта:") == 5


def test_html_is_self_contained(report: dict[str, Path]) -> None:
    html = report["html"].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="ru">' in html
    for forbidden in ("<script src", "<link", "@import", "url(http", "src=\"http",
                      "href=\"http"):
        assert forbidden not in html, forbidden
    assert 'id="synthetic-banner"' in html
    assert "Функциональные зоны" in html
    assert "<td>больница, школа</td>" in html  # facility types in the report's language


def test_every_table_scrolls_in_its_own_box(report: dict[str, Path]) -> None:
    """On a 390 px phone a wide table scrolls inside its box (div.tablewrap), never the page:
    the sources, provenance and municipal population tables once widened the page to 1,232 px."""
    from html.parser import HTMLParser

    class Tables(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.open: list[bool] = []  # for each open div: is it a tablewrap
            self.bare = 0
            self.seen = 0

        def handle_starttag(self, tag, attrs):
            if tag == "div":
                self.open.append("tablewrap" in (dict(attrs).get("class") or "").split())
            elif tag == "table":
                self.seen += 1
                self.bare += not any(self.open)

        def handle_endtag(self, tag):
            if tag == "div" and self.open:
                self.open.pop()

    found = Tables()
    found.feed(report["html"].read_text(encoding="utf-8"))
    assert found.seen >= 5 and found.bare == 0, (found.seen, found.bare)


@pytest.mark.parametrize(("lang", "phrase"), [("en", "Functional zones"),
                                              ("ky", "Функционалдык зоналар")])
def test_other_languages(tmp_path: Path, lang: str, phrase: str) -> None:
    written = write_report(synthetic_inputs(lang), tmp_path, formats=("html", "xlsx"))
    html = written["html"].read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in html and phrase in html
    with use_language(lang):
        assert _("Comparison") in load_workbook(written["xlsx"], read_only=True).sheetnames


def test_bad_plan_mapping_is_reported_before_writing(tmp_path: Path) -> None:
    inputs = synthetic_inputs()
    plan = inputs.plans["merge_ab"]
    plan.mapping = plan.mapping[plan.mapping["old_code"] != CODE["C"]]
    with pytest.raises(InputError) as err:
        write_report(inputs, tmp_path)
    message = str(err.value)
    assert "plan 'merge_ab' mapping" in message and CODE["C"] in message
    assert "old_code" in message
    assert list(tmp_path.iterdir()) == []


def test_bad_zones_and_flows_name_the_table(tmp_path: Path) -> None:
    inputs = synthetic_inputs()
    inputs.zones = inputs.zones.assign(settlement=["syn:99", *inputs.zones["settlement"][1:]])
    inputs.flows = inputs.flows.drop(columns="flow")
    with pytest.raises(InputError) as err:
        write_report(inputs, tmp_path, formats=("html",))
    message = str(err.value)
    assert "zones, row 1, column 'settlement'" in message and "syn:99" in message
    assert "flows" in message and "'flow'" in message


def test_unknown_format_and_language(tmp_path: Path) -> None:
    with pytest.raises(AimakError, match="unknown report format"):
        write_report(synthetic_inputs(), tmp_path, formats=("docx",))
    inputs = synthetic_inputs()
    inputs.lang = "de"
    with pytest.raises(AimakError, match="unknown language 'de'"):
        write_report(inputs, tmp_path, formats=("html",))


def test_failed_writer_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import aimak.report.xlsx as xlsx

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(xlsx.pd.DataFrame, "to_excel", broken)
    with pytest.raises(RuntimeError):
        write_report(synthetic_inputs(), tmp_path, formats=("xlsx",))
    assert list(tmp_path.iterdir()) == []


# --- headless Chromium (tests/browser.py) ---------------------------------------------

@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed "
                    "(CI installs Debian's chromium)")
def test_report_opens_offline_in_chromium(report: dict[str, Path], tmp_path: Path) -> None:
    browser = Browser()
    try:
        browser.open(report["html"].as_uri())
        counts = browser.js("Object.fromEntries([...document.querySelectorAll('g.layer')]"
                            ".map(g => [g.dataset.layer, g.querySelectorAll("
                            "'path, circle, line').length]))")
        assert counts == {"municipalities": 3, "zones": 2, "plan_current": 3,
                          "plan_merge_ab": 2, "plan_single": 1, "flows": 6, "facilities": 3,
                          "settlements": 8}
        # Drawn layers have a size on screen; switching a layer on shows it.
        assert browser.js("document.querySelector('#layer-municipalities')"
                          ".getBBox().width") > 100
        assert browser.js("getComputedStyle(document.querySelector('#layer-zones')).display"
                          ) == "none"
        browser.js("document.querySelector('input[data-layer=zones]').click()")
        assert browser.js("getComputedStyle(document.querySelector('#layer-zones')).display"
                          ) != "none"
        # Clicking a settlement shows its indicators.
        browser.js("document.querySelector('#layer-settlements circle')"
                   ".dispatchEvent(new MouseEvent('click', {bubbles: true}))")
        info = browser.js("document.getElementById('info').innerText")
        assert "Тестовое 1" in info and "5\u00a0000" in info
        # Zooming changes the view box.
        before = browser.js("document.getElementById('map').getAttribute('viewBox')")
        radius = "Number(document.querySelector('#layer-settlements circle').getAttribute('r'))"
        r0 = browser.js(radius)
        browser.js("document.getElementById('zoom-in').click()")
        assert browser.js("document.getElementById('map').getAttribute('viewBox')") != before
        assert browser.js(radius) == pytest.approx(r0 * 0.67, rel=0.01)  # same size on screen
        assert "единица, центр — Тестовое 1" in info  # the settlement's unit in each plan
        browser.js("document.getElementById('zoom-reset').click()")
        # Finding a settlement by name selects it and zooms to it.
        browser.js("const f = document.getElementById('find'); f.value = 'Тестовое 3';"
                   "f.dispatchEvent(new Event('change'))")
        assert browser.js("document.querySelector('#info h3').textContent") == "Тестовое 3"
        assert browser.js("document.querySelectorAll('.selected').length") == 1
        assert browser.js("document.getElementById('map').getAttribute('viewBox')") != before
        browser.js("document.getElementById('zoom-reset').click();"
                   "document.getElementById('map-section').scrollIntoView()")
        ARTIFACTS.mkdir(exist_ok=True)
        browser.screenshot(ARTIFACTS / "report_map.png")
        browser.js("document.getElementById('zones').scrollIntoView()")
        requests, errors = list(browser.requests), list(browser.errors)
    finally:
        browser.close()
    assert requests and all(u.startswith(("file://", "data:")) for u in requests), requests
    assert errors == []


def test_dataset_alone_gives_a_report(tmp_path: Path) -> None:
    """No zones, flows, plans or facilities: every format still comes out, without empty
    sections, and the GeoPackage holds the layers that exist."""
    inputs = ReportInputs(dataset=synthetic_dataset(), lang="ky", synthetic=True)
    inputs.dataset.facilities = inputs.dataset.facilities.iloc[0:0]
    written = write_report(inputs, tmp_path, formats=("html", "xlsx", "gpkg"))
    html = written["html"].read_text(encoding="utf-8")
    assert 'id="comparison"' not in html and 'data-layer="settlements"' in html
    layers = [name for name, _kind in pyogrio.list_layers(written["gpkg"])]
    assert layers == ["settlements", "facilities", "municipalities", "comparison", "provenance",
                      "sources"]


def test_nested_criteria_and_summaries_without_comparison(tmp_path: Path) -> None:
    inputs = synthetic_inputs("en")
    inputs.comparison = None  # built from the plans' summaries
    inputs.plans["merge_ab"].criteria = {"access": {"max_minutes": 60}, "contiguous": True}
    html = write_report(inputs, tmp_path, formats=("html",))["html"].read_text(encoding="utf-8")
    assert "access.max_minutes" in html
    assert "<th>Units must be contiguous</th><td>yes</td>" in html


def test_tables_named_as_aimak_plans_evaluate_names_them(tmp_path: Path) -> None:
    """Unit columns such as mean_minutes_to_centre and a comparison with indicators as rows
    and plans as columns (aimak.plans.evaluate.compare) are understood."""
    inputs = synthetic_inputs("en")
    for plan in inputs.plans.values():
        plan.units = plan.units.rename(columns={
            "centre": "centre_id", "mean_minutes": "mean_minutes_to_centre",
            "share_30min": "share_within_30_min"})
        plan.units["centre_name"] = "given name"
        plan.units["admin_staff"] = 12.0
    comp = inputs.comparison.rename(columns={"n_units": "units", "n_violations": "violations",
                                             "population_min": "smallest_unit_population"})
    inputs.comparison = comp.drop(columns="title").set_index("plan").T
    written = write_report(inputs, tmp_path, formats=("html", "xlsx"))
    html = written["html"].read_text(encoding="utf-8")
    assert "<th>Mean travel time to centre, min" in html
    assert "<th>Administrative staff (estimate)" in html
    assert "<th>Smallest unit population" in html and "<th>Criteria violations" in html
    rows = list(load_workbook(written["xlsx"], read_only=True)["Comparison"]
                .iter_rows(values_only=True))
    table = pd.DataFrame(rows[1:], columns=rows[0]).set_index("plan")
    assert table.loc["merge_ab", "Units"] == 2
    assert table.loc["single", "Smallest unit population"] == 15500
    units = list(load_workbook(written["xlsx"], read_only=True)["Merge A and B"]
                 .iter_rows(values_only=True))
    assert list(units[0]).count("centre_name") == 1
    assert "Centre" in units[0]


def test_names_are_escaped_everywhere(tmp_path: Path) -> None:
    inputs = synthetic_inputs("ru")
    hostile = '</script><b>"A&B"</b> {x}'
    inputs.dataset.settlements.loc[0, "name_ru"] = hostile
    html = write_report(inputs, tmp_path, formats=("html",))["html"].read_text(encoding="utf-8")
    assert hostile not in html and '<b>"A' not in html
    assert "&lt;/script&gt;&lt;b&gt;&#34;A&amp;B&#34;&lt;/b&gt; {x}" in html  # map tooltip
    info = html.split('<script type="application/json" id="map-info">')[1].split("</script>")[0]
    assert json.loads(info)["settlements"][0]["title"] == hostile


def test_plan_keys_that_collide_as_layer_names_are_refused(tmp_path: Path) -> None:
    inputs = synthetic_inputs()
    inputs.plans["Merge-AB"] = inputs.plans["merge_ab"]
    with pytest.raises(InputError, match="would share the layer name 'plan_merge_ab'"):
        write_report(inputs, tmp_path, formats=("gpkg",))


def test_flows_by_service_are_summed_on_the_map_and_kept_apart_in_the_geopackage(
        tmp_path: Path) -> None:
    inputs = synthetic_inputs("en")
    f = inputs.flows
    inputs.flows = pd.concat([f.assign(service="health"),
                              f.assign(service="school", flow=f["flow"] / 2)])
    written = write_report(inputs, tmp_path, formats=("html", "gpkg"))
    assert len(gpd.read_file(written["gpkg"], layer="flows")) == 12
    html = written["html"].read_text(encoding="utf-8")
    group = html.split('id="layer-flows"')[1].split("</g>")[0]
    assert group.count("<line") == 6
    info = json.loads(html.split('id="map-info">')[1].split("</script>")[0])
    assert info["flows"][0]["rows"][0][1].startswith("180.0")  # syn:3 -> syn:1: 120 + 60
