"""End-to-end runs of ``aimak amalgamate / evaluate / ensemble`` and plan evaluation on a
SYNTHETIC dataset: a 2 x 3 grid of square municipalities near 41.5 N 74.5 E, two villages each."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from aimak.cli.main import cli
from aimak.crs import WGS84
from aimak.dataset import Dataset
from aimak.plans.criteria import Criteria, Weights
from aimak.plans.evaluate import (
    AdminNorms,
    compare,
    current_plan,
    plan_indicators,
    read_plan,
    unit_indicators,
    write_plan,
)
from aimak.plans.explain import explain
from aimak.plans.instance import Instance, Plan, read_times_file
from aimak.plans.pareto import pareto_front

STEP = 0.05  # degrees per cell
POPS = [3000, 800, 2500, 600, 4000, 900, 1200, 300, 5000, 1500, 2000, 400]


def synthetic_dataset(tmp_path) -> tuple:
    rows, cols = 2, 3
    munis, setts = [], []
    for r in range(rows):
        for c in range(cols):
            k = r * cols + c
            x0, y0 = 74.5 + c * STEP, 41.5 + r * STEP
            code = f"417032000{k:02d}000"
            munis.append({"code": code, "name_ru": f"АА {k}", "name_ky": None,
                          "name_en": f"AA {k}", "kind": "ayil_aimak", "rayon": "Synthetic",
                          "oblast": "Synthetic oblast", "centre_id": f"s{k}a",
                          "population": POPS[2 * k] + POPS[2 * k + 1],
                          "territory_source": "approximate",
                          "own_revenue": 1000.0 * (k + 1),
                          "geometry": shapely.box(x0, y0, x0 + STEP, y0 + STEP)})
            for j, (dx, dy) in enumerate([(0.3, 0.4), (0.7, 0.7)]):
                setts.append({"id": f"s{k}{'ab'[j]}", "name_ru": f"с{k}{j}", "name_ky": None,
                              "name_en": f"Village {k}{'ab'[j]}", "kind": "village",
                              "population": float(POPS[2 * k + j]), "population_year": 2021,
                              "population_source": "estimated", "municipality_code": code,
                              "rayon": "Synthetic", "oblast": "Synthetic oblast",
                              "is_municipal_centre": j == 0,
                              "geometry": shapely.Point(x0 + dx * STEP, y0 + dy * STEP)})
    m = gpd.GeoDataFrame(munis, crs=WGS84)
    s = gpd.GeoDataFrame(setts, crs=WGS84)
    ray = gpd.GeoDataFrame([{"code": "41703200000000", "name_ru": "Р", "name_ky": None,
                             "name_en": "Synthetic", "kind": "rayon",
                             "oblast": "Synthetic oblast",
                             "geometry": shapely.union_all(m.geometry.values)}], crs=WGS84)
    obl = gpd.GeoDataFrame([{"code": "41703000000000", "name_ru": "О", "name_ky": None,
                             "name_en": "Synthetic oblast",
                             "geometry": shapely.union_all(m.geometry.values)}], crs=WGS84)
    fac = gpd.GeoDataFrame([{"id": "f1", "type": "clinic", "name": "Clinic", "source": "synthetic",
                             "geometry": s.geometry.iloc[8]}], crs=WGS84)
    ds = Dataset(settlements=s, municipalities=m, rayons=ray, oblasts=obl, facilities=fac)
    path = tmp_path / "synthetic.gpkg"
    ds.write(path)
    metric = s.to_crs(ds.metric_crs).geometry
    xy = np.c_[metric.x, metric.y]
    d_km = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1)) / 1000.0
    ids = s["id"].to_numpy()
    o, dd = np.meshgrid(np.arange(len(ids)), np.arange(len(ids)), indexing="ij")
    times = pd.DataFrame({"origin": ids[o.ravel()], "destination": ids[dd.ravel()],
                          "minutes": d_km.ravel() * 1.5, "km": d_km.ravel(),
                          "mode": "straight"})
    tpath = tmp_path / "times.parquet"
    times.to_parquet(tpath)
    pop = s["population"].to_numpy()
    g = np.outer(pop, pop) / np.maximum(d_km, 1.0) ** 2 / 1e4
    np.fill_diagonal(g, 0)
    flows = pd.DataFrame({"origin": ids[o.ravel()], "destination": ids[dd.ravel()],
                          "flow": g.ravel().round(1), "source": "synthetic"})
    fpath = tmp_path / "flows.csv"
    flows[flows.flow > 0].to_csv(fpath, index=False)
    return path, tpath, fpath


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return synthetic_dataset(tmp_path_factory.mktemp("plans"))


@pytest.fixture(scope="module")
def criteria_file(files):
    path = files[0].parent / "criteria.toml"
    path.write_text('[criteria]\nmin_population = 5000\nmax_minutes = 30\n'
                    'stay_within = "rayon"\n\n[objective]\ntravel = 1.0\nunits = 0.3\n'
                    'coherence = 0.5\n', encoding="utf-8")
    return path


def instance(files, crit: Criteria) -> Instance:
    ds = Dataset.read(files[0])
    return Instance.from_dataset(ds, read_times_file(files[1]), crit,
                                 flows=pd.read_csv(files[2], dtype={"origin": str,
                                                                    "destination": str}))


def test_instance_from_dataset(files):
    inst = instance(files, Criteria(centre_services=("clinic",), service_radius_m=500))
    assert inst.n == 6
    # rook neighbours of a 2 x 3 grid: 7 shared edges (corners touch diagonally: 4 more)
    assert inst.adjacency.nnz // 2 in (7, 11)
    assert inst.population.tolist() == [3800, 3100, 4900, 1500, 6500, 2400]
    assert inst.area_km2 == pytest.approx(np.full(6, inst.area_km2.mean()), rel=0.01)
    assert inst.settlement_ids[inst.candidates].tolist() == ["s4a"]  # only s4a has the clinic
    assert inst.flows.sum() > 0


def test_unit_indicators_known_answers(files):
    inst = instance(files, Criteria(min_population=5000))
    plan = Plan([0, 0, 1, 2, 2, 1], [0, 4, 8])  # settlements: s0a, s2a, s4a
    u = unit_indicators(inst, plan)
    assert u["population"].tolist() == [6900, 7300, 8000]
    assert u["n_municipalities"].tolist() == [2, 2, 2]
    assert u["n_settlements"].tolist() == [4, 4, 4]
    # unit 0 = municipalities 0 and 1 centred on s0a: population-weighted mean of 4 times
    t = inst.minutes[[0, 1, 2, 3], 0]
    w = inst.settlement_pop[[0, 1, 2, 3]]
    assert u["mean_minutes_to_centre"].iloc[0] == pytest.approx((t * w).sum() / w.sum(),
                                                                rel=1e-5)
    assert u["max_minutes_to_centre"].iloc[0] == pytest.approx(t.max(), rel=1e-5)
    norms = AdminNorms(base_staff=10, staff_per_1000=1.0, annual_cost_per_staff=100.0)
    u2 = unit_indicators(inst, plan, norms)
    assert u2["admin_staff"].tolist() == pytest.approx([16.9, 17.3, 18.0])
    assert u2["admin_cost_KGS"].sum() == pytest.approx(100.0 * (16.9 + 17.3 + 18.0))
    cur = plan_indicators(inst, current_plan(inst))
    assert cur["units"] == 6 and cur["violations"] == 5  # five municipalities below 5,000
    assert cur["mean_minutes_to_centre"] < plan_indicators(inst, plan)["mean_minutes_to_centre"]
    table = compare(inst, [current_plan(inst), plan])
    assert list(table.columns) == ["current", "plan"]


def test_read_plan_errors_name_rows(files, tmp_path):
    inst = instance(files, Criteria())
    bad = tmp_path / "bad.csv"
    bad.write_text("old_code,new_unit,centre\n41703299999000,A,s0a\n41703200001000,A,s1a\n",
                   encoding="utf-8")
    from aimak.errors import InputError

    with pytest.raises(InputError) as err:
        read_plan(bad, inst)
    text = str(err.value)
    assert "row 1" in text and "old_code" in text and "missing from the plan" in text
    bad.write_text("old_code,new_unit,centre\n" + "".join(
        f"{c},A,{'s9a' if i == 1 else ''}\n" for i, c in enumerate(inst.units)), encoding="utf-8")
    with pytest.raises(InputError, match="row 2, column 'centre'"):
        read_plan(bad, inst)
    good = tmp_path / "good.csv"
    write_plan(good, inst, Plan([0, 0, 1, 1, 2, 2], [0, 4, 8]))
    back = read_plan(good, inst)
    assert back.labels.tolist() == [0, 0, 1, 1, 2, 2]
    assert inst.settlement_ids[back.centres].tolist() == ["s0a", "s2a", "s4a"]


def test_explain_mergers_and_singletons(files):
    inst = instance(files, Criteria(min_population=3000, max_population=9000,
                                    weights=Weights(travel=1.0)))
    table = explain(inst, Plan([0, 0, 1, 2, 3, 4], [0, 4, 6, 8, 10]))
    assert table["kind"].tolist() == ["merger", "alone", "alone", "alone", "alone"]
    assert "AA 0, AA 1" in table["explanation"].iloc[0]
    assert "stays alone" in table["explanation"].iloc[1]
    assert "maximum population" in " ".join(table["explanation"])


def test_pareto_front_is_non_dominated(files):
    inst = instance(files, Criteria(max_minutes=30))
    plans, df = pareto_front(inst, "travel", "units", steps=4, time_limit=10)
    assert len(plans) == len(df) >= 2
    vals = df[["travel", "units"]].to_numpy()
    for i in range(len(vals)):
        for j in range(len(vals)):
            assert not ((vals[j] <= vals[i]).all() and (vals[j] < vals[i]).any())


def test_cli_amalgamate_evaluate_ensemble(files, criteria_file, tmp_path):
    ds, times, flows = files
    runner = CliRunner()
    out = tmp_path / "plan.csv"
    r = runner.invoke(cli, ["amalgamate", "--dataset", str(ds), "--times", str(times),
                            "--flows", str(flows), "--criteria", str(criteria_file),
                            "--out", str(out), "--explain", str(tmp_path / "why.csv"),
                            "--time-limit", "20"])
    assert r.exit_code == 0, r.output
    plan = pd.read_csv(out, dtype=str)
    assert list(plan.columns) == ["old_code", "new_unit", "centre"]
    assert len(plan) == 6
    assert "optimal" in r.output
    inst = instance(files, Criteria.read(criteria_file))
    from aimak.plans.validity import check_plan

    assert check_plan(inst, read_plan(out, inst)) == []
    xlsx = tmp_path / "ind.xlsx"
    r = runner.invoke(cli, ["evaluate", "--dataset", str(ds), "--times", str(times),
                            "--flows", str(flows), "--criteria", str(criteria_file),
                            "--plan", str(out), "--out", str(xlsx)])
    assert r.exit_code == 0, r.output
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert {"comparison", "current", "plan", "provenance"} <= set(sheets)
    ens = tmp_path / "ens.parquet"
    columns = tmp_path / "columns.csv"  # three units, one per grid column; centres chosen
    columns.write_text("old_code,new_unit\n" + "".join(
        f"{c},col{i % 3}\n" for i, c in enumerate(inst.units)), encoding="utf-8")
    r = runner.invoke(cli, ["ensemble", "--dataset", str(ds), "--times", str(times),
                            "--flows", str(flows), "--criteria", str(criteria_file),
                            "--n", "30", "--start", str(columns), "--place", str(out),
                            "--out", str(ens)])
    assert r.exit_code == 0, r.output
    df = pd.read_parquet(ens)
    assert 0 < len(df) <= 30 and "objective" in df.columns
    assert (df["units"] == 3).all()
    # independent chains: the same seed gives the same plans, a chain column says whose
    chained = []
    for name in ("c1.parquet", "c2.parquet"):
        r = runner.invoke(cli, ["ensemble", "--dataset", str(ds), "--times", str(times),
                                "--flows", str(flows), "--criteria", str(criteria_file),
                                "--n", "12", "--chains", "3", "--start", str(columns),
                                "--out", str(tmp_path / name)])
        assert r.exit_code == 0, r.output
        chained.append(pd.read_parquet(tmp_path / name))
    pd.testing.assert_frame_equal(chained[0], chained[1])
    assert set(chained[0]["chain"]) <= {0, 1, 2} and (chained[0]["units"] == 3).all()


def test_cli_reports_infeasible_criteria_without_traceback(files, tmp_path):
    ds, times, _ = files
    crit = tmp_path / "strict.toml"
    crit.write_text("[criteria]\nmin_population = 100000\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["amalgamate", "--dataset", str(ds), "--times", str(times),
                                 "--criteria", str(crit), "--out", str(tmp_path / "p.csv")])
    assert r.exit_code == 2
    assert "min_population" in r.output
    assert not (tmp_path / "p.csv").exists()


def test_balance_on_a_municipal_column(files):
    inst = instance(files, Criteria(weights=Weights(balance=1.0, balance_on="own_revenue")))
    assert inst.bal.tolist() == [1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 6000.0]
    assert inst.provenance["balance"] == "municipalities column 'own_revenue'"
    from aimak.errors import InputError

    with pytest.raises(InputError, match="no_such_column"):
        instance(files, Criteria(weights=Weights(balance=1.0, balance_on="no_such_column")))


def test_criteria_file_errors_name_the_key(tmp_path):
    from aimak.errors import InputError

    bad = tmp_path / "bad.toml"
    bad.write_text("[criteria]\nmin_populaton = 5\n", encoding="utf-8")
    with pytest.raises(InputError, match="min_populaton"):
        Criteria.read(bad)
    bad.write_text("[criteria]\ncentre_services = ['spa']\n", encoding="utf-8")
    with pytest.raises(InputError, match="spa"):
        Criteria.read(bad)
    for name in ("accessibility", "population", "moderate"):
        assert Criteria.builtin(name).describe()


def test_cli_pareto_writes_one_plan_per_point(files, criteria_file, tmp_path):
    ds, times, flows = files
    out = tmp_path / "front.csv"
    r = CliRunner().invoke(cli, ["amalgamate", "--dataset", str(ds), "--times", str(times),
                                 "--flows", str(flows), "--criteria", str(criteria_file),
                                 "--out", str(out), "--pareto", "travel,units", "--steps", "3",
                                 "--time-limit", "10"])
    assert r.exit_code == 0, r.output
    written = sorted(tmp_path.glob("front_pareto_*.csv"))
    assert written and all(len(pd.read_csv(p)) == 6 for p in written)
    r = CliRunner().invoke(cli, ["amalgamate", "--dataset", str(ds), "--times", str(times),
                                 "--criteria", str(criteria_file), "--out", str(out),
                                 "--pareto", "travel"])
    assert r.exit_code == 2 and "--pareto expects" in r.output
