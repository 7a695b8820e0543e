"""End-to-end runs of ``aimak flows`` and ``aimak survey`` on a small synthetic dataset.

Every place, number and facility below is synthetic test data (labelled 'synthetic').
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from aimak.cli.main import cli
from aimak.crs import WGS84
from aimak.dataset import Dataset

#: Synthetic settlements: (id, name_en, name_ru, lon, lat, population, municipality)
PLACES = [
    ("syn:1", "Centrabad", "Центрабад", 73.00, 41.00, 20000, "m1"),
    ("syn:2", "Ak-Bulak", "Ак-Булак", 73.03, 41.01, 1500, "m1"),
    ("syn:3", "Kara-Suu", "Кара-Суу", 73.02, 40.97, 900, "m1"),
    ("syn:4", "Jany-Jol", "Жаны-Жол", 73.20, 41.00, 5000, "m2"),
    ("syn:5", "Kok-Jar", "Кок-Жар", 73.23, 41.02, 700, "m2"),
    ("syn:6", "Tash-Kyia", "Таш-Кыя", 73.22, 40.98, 400, "m2"),
]


def build_dataset(path) -> Dataset:
    """A two-municipality synthetic dataset written to ``path``."""
    box = {"m1": shapely.box(72.95, 40.9, 73.1, 41.1), "m2": shapely.box(73.1, 40.9, 73.3, 41.1)}
    names = {"m1": "Centrabad", "m2": "Jany-Jol"}
    centres = {"m1": "syn:1", "m2": "syn:4"}
    mun = gpd.GeoDataFrame(
        {
            "code": ["m1", "m2"],
            "name_ru": ["Центрабад", "Жаны-Жол"],
            "name_ky": [None, None],
            "name_en": [names["m1"], names["m2"]],
            "kind": ["ayil_aimak", "ayil_aimak"],
            "rayon": ["Synthetic"] * 2,
            "oblast": ["Synthetic"] * 2,
            "centre_id": [centres["m1"], centres["m2"]],
            "population": [22400.0, 6100.0],
            "territory_source": ["approximate"] * 2,
        },
        geometry=[box["m1"], box["m2"]],
        crs=WGS84,
    )
    st = gpd.GeoDataFrame(
        {
            "id": [p[0] for p in PLACES],
            "name_ru": [p[2] for p in PLACES],
            "name_ky": [None] * len(PLACES),
            "name_en": [p[1] for p in PLACES],
            "kind": ["town"] + ["village"] * 5,
            "population": [float(p[5]) for p in PLACES],
            "population_year": [2020] * len(PLACES),
            "population_source": ["estimated"] * len(PLACES),
            "municipality_code": [p[6] for p in PLACES],
            "rayon": ["Synthetic"] * len(PLACES),
            "oblast": ["Synthetic"] * len(PLACES),
            "is_municipal_centre": [p[0] in centres.values() for p in PLACES],
        },
        geometry=gpd.points_from_xy([p[3] for p in PLACES], [p[4] for p in PLACES]),
        crs=WGS84,
    )
    whole = shapely.box(72.95, 40.9, 73.3, 41.1)
    rayons = gpd.GeoDataFrame(
        {
            "code": ["r1"],
            "name_ru": ["Синтетический"],
            "name_ky": [None],
            "name_en": ["Synthetic"],
            "kind": ["rayon"],
            "oblast": ["Synthetic"],
        },
        geometry=[whole],
        crs=WGS84,
    )
    oblasts = gpd.GeoDataFrame(
        {"code": ["o1"], "name_ru": ["Синтетическая"], "name_ky": [None], "name_en": ["Synthetic"]},
        geometry=[whole],
        crs=WGS84,
    )
    fac = [
        ("f1", "hospital", 73.001, 41.001),
        ("f2", "market", 73.0, 41.0),
        ("f3", "school", 73.03, 41.01),
        ("f4", "school", 73.2, 41.0),
        ("f5", "ayil_okmotu", 73.2, 41.0),
        ("f6", "feldsher_post", 73.23, 41.02),
        ("f7", "bank", 73.0, 41.0),
        ("f8", "pharmacy", 73.12, 41.09),
    ]  # f8: far from all
    facilities = gpd.GeoDataFrame(
        {
            "id": [f[0] for f in fac],
            "type": [f[1] for f in fac],
            "name": [None] * len(fac),
            "source": ["synthetic"] * len(fac),
        },
        geometry=gpd.points_from_xy([f[2] for f in fac], [f[3] for f in fac]),
        crs=WGS84,
    )
    ds = Dataset(
        settlements=st, municipalities=mun, rayons=rayons, oblasts=oblasts, facilities=facilities
    )
    ds.write(path)
    return ds


def write_times(path) -> pd.DataFrame:
    """Synthetic travel times: straight-line distance at 40 km/h, both directions."""
    xy = np.array([[p[3], p[4]] for p in PLACES])
    km = np.hypot((xy[:, None, 0] - xy[None, :, 0]) * 84.0, (xy[:, None, 1] - xy[None, :, 1]) * 111)
    o, d = np.nonzero(~np.eye(len(PLACES), dtype=bool))
    ids = np.array([p[0] for p in PLACES])
    times = pd.DataFrame(
        {
            "origin": ids[o],
            "destination": ids[d],
            "minutes": km[o, d] / 40 * 60,
            "km": km[o, d],
            "mode": "straight",
        }
    )
    times.to_csv(path, index=False)
    return times


@pytest.fixture
def files(tmp_path):
    build_dataset(tmp_path / "ds.gpkg")
    write_times(tmp_path / "times.csv")
    return tmp_path


def run_model(files, out, *extra):
    """``aimak flows model`` on the fixture's dataset and travel times, writing ``out``."""
    args = ["flows", "model", "--dataset", files / "ds.gpkg", "--times", files / "times.csv",
            "--out", out, *extra]
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_flows_model_with_default_parameters(files):
    out = files / "flows.csv"
    res = run_model(files, out)
    assert res.exit_code == 0, res.output
    assert "Used default parameters" in res.output
    assert "1 facilities are farther than" in res.output
    flows = pd.read_csv(out, dtype={"origin": str, "destination": str})
    assert set(flows["source"]) == {"modelled"}
    totals = flows.groupby("origin")["flow"].sum()
    assert totals["syn:2"] == pytest.approx(1500)
    # the town with the hospital, market and bank draws most of its neighbours' flows
    share = flows[flows["origin"] == "syn:3"].set_index("destination")["flow"] / 900
    assert share.idxmax() == "syn:1"
    fit = json.loads((files / "flows_fit.json").read_text())
    assert fit["parameters"] == "default" and fit["unassigned_facilities"] == 1


def test_flows_model_calibrates_on_observed_flows(files):
    observed = files / "observed.csv"
    pd.DataFrame(
        {
            "origin": ["syn:2", "syn:2", "syn:3", "syn:5", "syn:5", "syn:6"],
            "destination": ["syn:1", "syn:2", "syn:1", "syn:4", "syn:5", "syn:4"],
            "flow": [30, 20, 25, 12, 10, 8],
        }
    ).to_csv(observed, index=False)
    out = files / "flows.parquet"
    res = run_model(files, out, "--observed", str(observed), "--min-flow", "1")
    assert res.exit_code == 0, res.output
    assert "Calibrated on 105 observed trips from 4 settlements" in res.output
    fit = json.loads((files / "flows_fit.json").read_text())
    assert fit["parameters"] == "calibrated" and fit["n_origins"] == 4
    assert (pd.read_parquet(out)["flow"] >= 1).all()


def test_flows_model_reports_unknown_ids(files):
    times = pd.read_csv(files / "times.csv")
    times.loc[0, "origin"] = "syn:99"
    times.to_csv(files / "times.csv", index=False)
    res = run_model(files, files / "f.csv")
    assert res.exit_code == 2
    assert "syn:99" in res.output and "not settlements of the dataset" in res.output
    assert not (files / "f.csv").exists()


def test_flows_centres(files):
    out = files / "centres.csv"
    res = CliRunner().invoke(
        cli, ["flows", "centres", "--dataset", str(files / "ds.gpkg"), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out).set_index("id")
    assert table["index"].idxmax() == "syn:1"
    assert table.loc["syn:1", "level"] == table["level"].max() >= 2
    assert table.loc["syn:6", "level"] == 0
    assert (files / "centres_unassigned.csv").exists()


def test_survey_round_trip(files):
    runner = CliRunner()
    form = files / "survey.xlsx"
    res = runner.invoke(
        cli, ["survey", "form", "--dataset", str(files / "ds.gpkg"), "--out", str(form)]
    )
    assert res.exit_code == 0, res.output
    assert "6 settlements" in res.output
    choices = pd.read_excel(form, sheet_name="choices")
    assert "syn_1" in set(choices["name"])
    export = files / "export.xlsx"
    pd.DataFrame(
        {
            "respondent/home": ["syn_2", "other", "other", "syn_5"],
            "respondent/home_other": [None, "Kara Suu", "Tash-Kiya", None],
            "svc_health/health_place": ["syn_1", "syn_1", "other", "syn_4"],
            "svc_health/health_other": [None, None, "Centrobad", None],
            "svc_health/health_freq": ["monthly", "yearly", "yearly", "monthly"],
            "svc_work/work_place": ["none", "syn_1", "syn_4", "other"],
            "svc_work/work_other": [None, None, None, "Jany-Jol"],
            "svc_work/work_freq": [None, "daily", "daily", "daily"],
        }
    ).to_excel(export, index=False)
    out = files / "surveyed.csv"
    res = runner.invoke(
        cli,
        ["survey", "ingest", str(export), "--dataset", str(files / "ds.gpkg"), "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    assert "Read 4 responses, 4 with a known settlement" in res.output
    assert "names were not resolved" in res.output
    flows = pd.read_csv(out)
    assert set(flows["source"]) == {"surveyed"}
    assert len(flows) == 6  # 'Centrobad' is misspelled and gives no flow until corrected
    report = pd.read_csv(files / "surveyed_matching.csv").set_index("value")
    assert report.loc["Centrobad", "status"] == "unmatched"
    assert "syn:1" in report.loc["Centrobad", "suggestions"]
    assert report.loc["Kara Suu", "status"] == "name"
    corrections = pd.read_csv(files / "surveyed_corrections.csv")
    corrections["settlement_id"] = corrections["suggested_id"]
    corrections.to_csv(files / "surveyed_corrections.csv", index=False)
    res = runner.invoke(
        cli,
        [
            "survey",
            "ingest",
            str(export),
            "--dataset",
            str(files / "ds.gpkg"),
            "--out",
            str(out),
            "--corrections",
            str(files / "surveyed_corrections.csv"),
            "--strict",
        ],
    )
    assert res.exit_code == 0, res.output
    assert len(pd.read_csv(out)) == 7


def test_survey_ingest_strict_fails_on_unresolved_names(files):
    export = files / "export.csv"
    pd.DataFrame({"home": ["other"], "home_other": ["Nowhere-Town"]}).to_csv(export, index=False)
    res = CliRunner().invoke(
        cli,
        [
            "survey",
            "ingest",
            str(export),
            "--dataset",
            str(files / "ds.gpkg"),
            "--out",
            str(files / "f.csv"),
            "--strict",
        ],
    )
    assert res.exit_code == 2
    assert "Nowhere-Town" in res.output and "row 1" in res.output


def test_flows_model_warns_about_settlements_without_times(files):
    times = pd.read_csv(files / "times.csv")
    times = times[(times["origin"] != "syn:6") & (times["destination"] != "syn:6")]
    times.to_csv(files / "times.csv", index=False)
    out = files / "flows.csv"
    res = run_model(files, out)
    assert res.exit_code == 0, res.output
    assert "1 settlements have no travel times" in res.output
    flows = pd.read_csv(out)
    stay = flows[flows["origin"] == "syn:6"]
    assert stay["destination"].tolist() == ["syn:6"] and stay["flow"].iloc[0] == 400


def test_flows_model_calibrates_on_one_service(files):
    observed = files / "observed.csv"
    pd.DataFrame(
        {
            "origin": ["syn:2", "syn:3", "syn:5", "syn:2"],
            "destination": ["syn:1", "syn:1", "syn:4", "syn:2"],
            "flow": [30, 25, 12, 40],
            "service": ["health", "health", "health", "school"],
        }
    ).to_csv(observed, index=False)
    res = run_model(files, files / "f.csv", "--observed", observed, "--service", "health")
    assert res.exit_code == 0, res.output
    assert "Calibrated on 67 observed trips from 3 settlements" in res.output
    assert "lies on the limit of the range searched" in res.output  # alpha: degenerate data
    assert set(pd.read_csv(files / "f.csv")["service"]) == {"health"}
    res = run_model(files, files / "f.csv", "--observed", observed, "--service", "bank")
    assert res.exit_code == 2
    assert "have the services: health, school" in res.output
