"""The Jalal-Abad dataset built from the real sources meets the foundation issue's criteria."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pyogrio
import shapely
from click.testing import CliRunner

from aimak.cli.main import cli
from aimak.dataset import Dataset
from aimak.territory import coverage_gap, overlap_area


def test_eight_rayons_and_five_oblast_cities(jalal_abad) -> None:
    _, path = jalal_abad
    ds = Dataset.read(path)
    assert (ds.rayons["kind"] == "rayon").sum() == 8
    assert set(ds.rayons.loc[ds.rayons["kind"] == "rayon", "name_en"]) == {
        "Aksy", "Ala-Buka", "Bazar-Korgon", "Chatkal", "Nooken", "Suzak", "Toguz-Toro",
        "Toktogul"}
    assert len(ds.oblasts) == 1 and ds.oblasts["name_en"].iloc[0] == "Jalal-Abad"


def test_ayil_aimaks_each_have_a_centre(jalal_abad) -> None:
    _, path = jalal_abad
    ds = Dataset.read(path)  # check_links: every centre is one of the municipality's settlements
    aa = ds.municipalities[ds.municipalities["kind"] == "ayil_aimak"]
    assert len(aa) >= 66
    centres = ds.settlements.set_index("id").loc[aa["centre_id"]]
    assert centres["is_municipal_centre"].all()
    assert (centres["municipality_code"].to_numpy() == aa["code"].to_numpy()).all()
    assert aa["centre_rule"].isin(["classifier_010", "classifier_lowest_code",
                                   "nearest_to_adm3_point", "first_located_village",
                                   "unmatched_settlement_nearest_adm3_point"]).all()
    # the classifier rule decides most centres
    assert (aa["centre_rule"] == "classifier_010").mean() > 0.8


def test_a_name_borrowed_from_another_rayon_is_taken_from_the_classifier(jalal_abad) -> None:
    """The admin-3 table names 41703215846000 «Ноокат» / Nookat, the name of a rayon of Osh
    oblast, where the classifier says «Ноокенский айылный аймак» (Nooken rayon, Jalal-Abad):
    the build names it Ноокен and says so in a note. Ak-Suu ayil aimaks, which share a rayon's
    name and agree with the classifier, keep theirs."""
    result, path = jalal_abad
    m = Dataset.read(path).municipalities.set_index("code")
    assert (m.at["41703215846000", "name_ky"], m.at["41703215846000", "name_en"]) == (
        "Ноокен", "Nooken")
    assert m.at["41703211824000", "name_ky"] == "Ак-Суу"  # Aksy rayon's Ak-Suu
    notes = result.dataset.notes
    said = notes[notes["subject"] == "41703215846000"]["message"].str.cat(sep=" ")
    assert "Ноокат" in said and "Ноокенский айылный аймак" in said


def test_every_settlement_in_exactly_one_municipality(jalal_abad) -> None:
    result, _ = jalal_abad
    s = result.dataset.settlements
    assert s["id"].is_unique
    assert s["municipality_code"].notna().all()
    assert s["municipality_code"].isin(result.dataset.municipalities["code"]).all()
    assert s["assignment_rule"].isin(["classifier_name", "classifier_name_spelling",
                                      "classifier_name_fuzzy", "nearest_centre",
                                      "classifier_name_nearby",
                                      "classifier_village_approximate",
                                      "classifier_town_other_rayon",
                                      "centre_nearest_adm3_point"]).all()
    # how many used which rule is reported
    assert result.rule_counts.sum() == len(s)
    assert result.rule_counts["classifier_name"] > 300


def test_rayon_populations_within_one_percent_of_newest_total(jalal_abad,
                                                              shared_data: Path) -> None:
    """Each rayon sums to its 2018 total, or to its census / NSC estimate after 2018."""
    result, _ = jalal_abad
    totals = pd.read_csv(shared_data / "rayon_population_2018.csv").set_index("rayon_en")
    expected = totals["population_total"].astype(float)
    census = pd.read_csv(shared_data / "rayon_population_census.csv")
    census = census[(census["oblast"] == "Jalal-Abad") & (census["year"] > 2018)]
    newest = census.sort_values("year").drop_duplicates("rayon", keep="last")
    expected.update(newest.set_index("rayon")["population"].astype(float))
    assert newest.set_index("rayon")["year"].to_dict() == {
        "Aksy": 2022, "Nooken": 2022, "Toktogul": 2022, "Toguz-Toro": 2022, "Suzak": 2021,
        "Chatkal": 2021, "Bazar-Korgon": 2021}
    sums = result.dataset.settlements.groupby("rayon")["population"].sum()
    assert len(sums) == 13
    ratio = sums / expected.loc[sums.index]
    assert ((ratio - 1).abs() < 0.01).all(), ratio
    s = result.dataset.settlements
    aksy = s[(s["rayon"] == "Aksy") & (s["population_source"] == "estimated")]
    assert (aksy["population_year"] == 2022).all()
    assert aksy["population_ref"].str.contains("NSC 2022 census rayon total 138,534").all()


def test_provenance_filled_on_every_row(jalal_abad) -> None:
    ds = jalal_abad[0].dataset
    s = ds.settlements
    for col in ("population", "population_year", "population_source", "population_ref",
                "assignment_rule", "location_source"):
        assert s[col].notna().all(), col
    assert set(s["population_source"]) <= {"official", "estimated"}
    assert (s["population_source"] == "official").sum() >= 30
    assert (ds.municipalities["territory_source"] == "approximate").all()
    assert ds.facilities["source"].str.contains("OpenStreetMap").all()
    assert len(ds.facilities) > 90
    assert {"hospital", "pharmacy", "clinic"} <= set(ds.facilities["type"])


def test_territories_valid_disjoint_and_covering(jalal_abad) -> None:
    ds = jalal_abad[0].dataset
    m, r = ds.to_metric("municipalities"), ds.to_metric("rayons")
    assert m.is_valid.all()
    assert overlap_area(m.geometry) < 1.0  # m^2
    assert coverage_gap(m.geometry, shapely.union_all(r.geometry.values)) < 1e4  # < 1 ha


def test_unlocated_classifier_villages_are_listed(jalal_abad) -> None:
    notes = jalal_abad[0].dataset.notes
    unlocated = notes[notes["kind"] == "unlocated_village"]
    assert 0 < len(unlocated) < 200
    assert unlocated["message"].str.match(r"^\S.* \(.+\)$").all()  # "village (municipality)"


def test_gpkg_layers_readable_by_gdal(jalal_abad) -> None:
    _, path = jalal_abad
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert {"settlements", "municipalities", "rayons", "oblasts", "facilities"} <= layers
    if shutil.which("ogrinfo"):
        out = subprocess.run(["ogrinfo", "-ro", "-so", str(path)], capture_output=True,
                             text=True, check=True).stdout
        for layer in ("settlements (Point)", "municipalities (Multi Polygon)"):
            assert layer in out


def test_cli_build_and_info(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "ja.gpkg"
    runner = CliRunner()
    res = runner.invoke(cli, ["data", "build", "kyrgyzstan", "--oblast", "jalal-abad",
                              "--source", str(shared_data), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.exists()
    assert "classifier_name" in res.output and "Toktogul" in res.output
    res = runner.invoke(cli, ["data", "info", str(out)])
    assert res.exit_code == 0, res.output
    assert "Classifier villages without coordinates" in res.output


def test_cli_errors_are_readable(tmp_path: Path, shared_data: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["data", "build", "kyrgyzstan", "--oblast", "atlantis",
                              "--source", str(shared_data), "--out", str(tmp_path / "x.gpkg")])
    assert res.exit_code == 2
    assert "no oblast 'atlantis'; choose one of:" in res.output
    assert "jalal-abad" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "x.gpkg").exists()
    res = runner.invoke(cli, ["data", "info", str(tmp_path / "missing.gpkg")])
    assert res.exit_code == 2 and "does not exist" in res.output


def test_bad_source_file_names_file_row_and_column(tmp_path: Path, shared_data: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for f in shared_data.iterdir():
        (src / f.name).symlink_to(f)
    (src / "settlements.csv").unlink()
    lines = (shared_data / "settlements.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[5].split(",")
    row[header.index("lat")] = "north"
    lines[5] = ",".join(row)
    (src / "settlements.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["data", "build", "kyrgyzstan", "--oblast", "jalal-abad",
                                   "--source", str(src), "--out", str(tmp_path / "x.gpkg")])
    assert res.exit_code == 2
    assert "settlements.csv, row 5, column 'lat': 'north' is not a coordinate" in \
        " ".join(res.output.split())
    assert not (tmp_path / "x.gpkg").exists()
