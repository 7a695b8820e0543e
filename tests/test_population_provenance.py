"""How each municipality's population was obtained, in the dataset, the report and its files
(issue 26). The dataset is the SYNTHETIC fixture of test_report_outputs (invented places)."""

from __future__ import annotations

from pathlib import Path

import pyogrio
from openpyxl import load_workbook

from aimak.dataset import municipal_population_provenance
from aimak.i18n import use_language
from aimak.report import write_report
from test_report_outputs import CODE, synthetic_dataset, synthetic_inputs


def _with_bases(ds):
    """syn:1..8 alternate official (committee estimate for 2021) and estimated (a share of
    the rayon's total); syn:3 of municipality A is placed approximately."""
    s = ds.settlements
    s["population_basis"] = ["nsc_estimate", "rayon_share"] * 4
    s["location_source"] = ["geonames"] * 2 + ["approximate"] + ["geonames"] * 5
    return ds


def test_counts_and_sources_per_municipality_known_answer() -> None:
    got = municipal_population_provenance(_with_bases(synthetic_dataset()), "en")
    a = got.set_index("code").loc[CODE["A"]]  # syn:1 official, syn:2 estimated, syn:3 official
    assert a[["villages_observed", "villages_official", "villages_estimated",
              "villages_approximate"]].tolist() == [0, 2, 1, 1]
    assert a["population_obtained"] == (
        "National Statistical Committee, estimate for 2021 (2); estimated: a share of the "
        "rayon's official total (2021) by typical village size (1)")
    b = got.set_index("code").loc[CODE["B"]]  # syn:4 estimated, syn:5 official
    assert b[["villages_official", "villages_estimated", "villages_approximate"]].tolist() == [
        1, 1, 0]
    ky = municipal_population_provenance(_with_bases(synthetic_dataset()), "ky")
    text = ky.set_index("code").loc[CODE["A"], "population_obtained"]
    assert "Улуттук статистика комитети" in text and "National" not in text
    # a dataset without population_basis: the counts, no text
    plain = municipal_population_provenance(synthetic_dataset(), "ru")
    assert (plain["population_obtained"] == "").all()
    assert plain["villages_official"].sum() == 4


def test_the_report_says_how_each_municipality_was_counted(tmp_path: Path) -> None:
    inputs = synthetic_inputs()
    _with_bases(inputs.dataset)
    inputs.lang = "ru"
    with use_language("ru"):
        paths = write_report(inputs, tmp_path, formats=("html", "xlsx", "gpkg"))
    html = paths["html"].read_text(encoding="utf-8")
    section = html.split('data-testid="municipal-populations"')[1].split("</table>")[0]
    assert "Тестовый айыл аймак A" in section
    assert "Национальный статистический комитет, оценка на 2021" in section
    book = load_workbook(paths["xlsx"], read_only=True)
    sheet = book["Население муниципалитетов"]
    rows = list(sheet.values)
    assert rows[0][:2] == ("Муниципалитет", "наблюдаемые")
    a_row = next(r for r in rows if r[0] == "Тестовый айыл аймак A")
    assert list(a_row[1:5]) == [0, 2, 1, 1]
    layer = pyogrio.read_dataframe(paths["gpkg"], layer="municipalities")
    a = layer.set_index("code").loc[CODE["A"]]
    assert a[["villages_official", "villages_estimated", "villages_approximate"]].tolist() == [
        2, 1, 1]
    assert a["population_obtained"].startswith("Национальный статистический комитет")
