"""Reading, evaluating and explaining official plans (aimak.plans.official, infer,
explain_official and ``aimak explain-plan``). Every instance here is SYNTHETIC."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from aimak.cli.main import cli
from aimak.dataset import Dataset
from aimak.errors import InputError
from aimak.plans.criteria import Criteria, Weights
from aimak.plans.exact import ExactSolver
from aimak.plans.explain_official import explain_official
from aimak.plans.infer import (
    InverseWeights,
    consistent_criteria,
    criteria_ranges,
    plan_distance,
    with_criteria,
)
from aimak.plans.instance import Instance, Plan, objective_terms, read_times_file
from aimak.plans.official import read_official
from aimak.plans.synthetic import lattice_instance
from aimak.plans.validity import check_plan
from test_plans_cli import synthetic_dataset

# ---------------------------------------------------------------- a line of 4 municipalities
#  one settlement each at x = 0, 10, 20, 30 km (1 km per minute), populations below


def line_instance(crit: Criteria | None = None) -> Instance:
    x = np.array([0.0, 10.0, 20.0, 30.0])
    d = np.abs(x[:, None] - x[None, :])
    adj = np.zeros((4, 4), bool)
    for i in range(3):
        adj[i, i + 1] = True
    return Instance.from_arrays([1000, 4000, 2500, 500], [0, 1, 2, 3], adj, d,
                                crit or Criteria(stay_within="none"), km=d,
                                group=np.array([0, 0, 1, 1]), units=["A", "B", "C", "D"])


REGIONS = {"rayon": np.array(["R1", "R1", "R2", "R2"], object),
           "oblast": np.array(["O", "O", "O", "O"], object)}


def test_plan_distance_known_answers() -> None:
    assert plan_distance(np.array([0, 0, 1, 1]), np.array([5, 5, 7, 7])) == 0
    assert plan_distance(np.array([0, 0, 1, 1]), np.array([0, 0, 0, 1])) == 1
    assert plan_distance(np.array([0, 0, 0, 0]), np.array([0, 1, 2, 3])) == 3


@given(st.lists(st.integers(0, 4), min_size=8, max_size=8),
       st.lists(st.integers(0, 4), min_size=8, max_size=8))
def test_plan_distance_properties(a, b) -> None:
    a, b = np.array(a), np.array(b)
    d = plan_distance(a, b)
    assert d == plan_distance(b, a)
    assert plan_distance(a, 7 - a) == 0  # relabelling units changes nothing
    assert (d == 0) == (len(set(zip(a, b, strict=True))) == len(set(a)) == len(set(b)))
    assert 0 <= d <= len(a) - 1


LATTICE = lattice_instance(2, 4, Criteria(stay_within="none"), seed=5, groups=2, flows=False)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=8, max_size=8))
def test_every_plan_meets_the_tightest_criteria_inferred_from_it(labels) -> None:
    # any grouping of the 8 SYNTHETIC cells (contiguous or not), each unit centred on the
    # current centre of its first cell: the inferred criteria never reject the plan itself
    inst = LATTICE
    _, lab = np.unique(labels, return_inverse=True)
    centres = np.array([inst.official_centre[np.flatnonzero(lab == k)[0]]
                        for k in range(lab.max() + 1)])
    plan = Plan(lab, centres)
    regions = {"rayon": np.array([f"r{g}" for g in inst.group], object),
               "oblast": np.full(inst.n, "o", object)}
    crit = consistent_criteria(inst, plan, regions)
    assert check_plan(with_criteria(inst, crit, regions), plan) == []
    # and the tightest really is tight: 1 more inhabitant of minimum breaks it
    tighter = with_criteria(inst, type(crit)(**{**crit.__dict__,
                                               "min_population": crit.min_population + 1}),
                            regions)
    assert {v.criterion for v in check_plan(tighter, plan)} == {"min_population"}


def test_ranges_known_answers_by_hand() -> None:
    inst = line_instance()
    # units {A, B} centred on B (settlement 1) and {C, D} centred on C (settlement 2)
    plan = Plan([0, 0, 1, 1], [1, 2], unit_ids=np.array(["AB", "CD"], object))
    r = criteria_ranges(inst, plan, REGIONS).set_index("setting")
    assert r.loc["min_population", "bound"] == 3000  # C 2,500 + D 500
    assert r.loc["min_population", "units"] == "CD"
    assert r.loc["max_population", "bound"] == 5000 and r.loc["max_population", "units"] == "AB"
    assert r.loc["max_minutes", "bound"] == pytest.approx(10.0)  # A and D are 10 min away
    assert r.loc["max_municipalities", "bound"] == 2
    assert r.loc["stay_within", "consistent"] == "rayon or oblast or none"
    assert "every unit is one territory" in r.loc["contiguity", "text"]
    assert "unit CD has 3,000" in r.loc["min_population", "text"]


def test_keep_current_access_range_counts_only_trips_made_longer() -> None:
    # municipality A: its centre at x = 0 (1,000 people) and a hamlet at x = 25 (10 people,
    # 25 min from today's centre); B: one village at x = 10. Unit {A, B} centred on B: the
    # hamlet is 15 min away (shorter than today), A's centre 10 min (longer than today's 0)
    x = np.array([0.0, 25.0, 10.0])
    d = np.abs(x[:, None] - x[None, :])
    inst = Instance.from_arrays([1000, 10, 3000], [0, 0, 1], np.array([[0, 1], [1, 0]]), d,
                                Criteria(stay_within="none"), km=d, units=["A", "B"],
                                official_centre=np.array([0, 2]))
    plan = Plan([0, 0], [2], unit_ids=np.array(["AB"], object))
    r = criteria_ranges(inst, plan).set_index("setting")
    assert r.loc["max_minutes", "bound"] == pytest.approx(15.0)
    assert r.loc["max_minutes_keep_access", "bound"] == pytest.approx(10.0)
    assert r.loc["max_km_keep_access", "units"] == "AB"


def test_non_contiguous_and_over_large_units_are_named() -> None:
    inst = line_instance()
    # {A, C} is not contiguous (B lies between them) and spans two rayons
    plan = Plan([0, 1, 0, 1], [0, 1], unit_ids=np.array(["AC", "BD"], object))
    r = criteria_ranges(inst, plan, REGIONS).set_index("setting")
    assert r.loc["contiguity", "consistent"] == "false"
    assert r.loc["contiguity", "units"] == "AC, BD"
    assert "unit AC consists of 2 separate territories" in r.loc["contiguity", "text"]
    assert r.loc["stay_within", "consistent"] == "oblast or none"
    assert "inconsistent with rayon: unit(s) AC, BD" in r.loc["stay_within", "text"]
    # an over-large unit against a maximum of 4,500: BD has 4,500, AC 3,500 -> valid;
    # ABCD has 8,000 -> the check names it
    big = Plan([0, 0, 0, 0], [1], unit_ids=np.array(["ALL"], object))
    capped = line_instance(Criteria(stay_within="none", max_population=4500))
    broken = check_plan(capped, big)
    assert [(v.criterion, v.unit, v.value) for v in broken] == [("max_population", 0, 8000)]
    r = criteria_ranges(capped, big, REGIONS).set_index("setting")
    assert r.loc["max_population", "bound"] == 8000 and r.loc["max_population", "units"] == "ALL"


def test_a_badly_placed_centre_is_never_optimal() -> None:
    inst = line_instance()
    # one unit of all four, centred on A (settlement 0) instead of B or C
    plan = Plan([0, 0, 0, 0], [0], unit_ids=np.array(["ALL"], object))
    tight = with_criteria(inst, consistent_criteria(inst, plan, REGIONS), REGIONS)
    assert tight.criteria.stay_within == "oblast"
    iw = InverseWeights(time_limit=10).fit(tight, plan)
    assert not iw.optimal_
    assert iw.distance_ == 0  # same municipalities, another centre
    # person-minutes: centre A 4000*10 + 2500*20 + 500*30 = 105,000; centre B 1000*10 +
    # 2500*10 + 500*20 = 45,000 (C: 1000*20 + 4000*10 + 500*10 = 65,000); over 8,000 people
    # and 60 minutes, whatever the other weights (they see the same partition)
    assert iw.gap_ == pytest.approx((105_000 - 45_000) / 8000 / 60, rel=1e-4)
    assert iw.nearest_.centres.tolist() == [1]


def _generated(seed: int, weights: Weights, crit_kwargs: dict):
    crit = Criteria(**crit_kwargs, weights=weights)
    inst = lattice_instance(3, 4, crit, seed=seed, groups=2, flows=False)
    plan = ExactSolver(time_limit=20, workers=2).fit(inst).plan_
    regions = {"rayon": np.array([f"r{g}" for g in inst.group], object),
               "oblast": np.full(inst.n, "o", object)}
    return inst, plan, regions


@pytest.mark.parametrize("seed,weights", [
    (1, Weights(travel=1.0, units=0.3)),
    (2, Weights(travel=1.0, balance=0.5)),
    (3, Weights(travel=1.0, units=-0.2)),
])
def test_inferred_ranges_contain_the_true_settings_and_weights_reproduce_the_plan(
        seed, weights) -> None:
    true = {"min_population": 2000, "max_population": 12000, "max_minutes": 30.0,
            "stay_within": "rayon"}
    inst, plan, regions = _generated(seed, weights, true)
    r = criteria_ranges(inst, plan, regions).set_index("setting")
    assert r.loc["min_population", "bound"] >= true["min_population"]
    assert r.loc["max_population", "bound"] <= true["max_population"]
    assert r.loc["max_minutes", "bound"] <= true["max_minutes"] + 1e-4
    assert "rayon" in r.loc["stay_within", "consistent"].split(" or ")
    assert r.loc["contiguity", "consistent"] == "true or false"
    tight = with_criteria(inst, consistent_criteria(inst, plan, regions), regions)
    iw = InverseWeights(time_limit=20).fit(tight, plan)
    assert iw.optimal_ and iw.distance_ == 0
    # reproduce: under the inferred weights the exact optimum is no better than the plan
    w = iw.weights_
    again = with_criteria(inst, consistent_criteria(inst, plan, regions), regions)
    again.criteria = type(again.criteria)(**{**again.criteria.__dict__, "weights": w})
    best = ExactSolver(time_limit=20, workers=2).fit(again).plan_
    f = {k: objective_terms(again, p) for k, p in (("plan", plan), ("best", best))}

    def value(t):
        return (w.travel * t["travel_hours"] + w.balance * t["imbalance"]
                + w.units * t["unit_share"] + w.coherence * t["outside_flow_share"])
    assert value(f["plan"]) <= value(f["best"]) + 1e-4


# ---------------------------------------------------------------- reading published plans
NAMES = [  # (name_ru, name_ky, name_en) of the 12 SYNTHETIC villages s0a, s0b, ..., s5b
    ("Джаны-Джол", "Жаңы-Жол", "Dzhany-Dzhol"), ("Кек-Алма", "Көк-Алма", "Kek-Alma"),
    ("Озгерюш", "Өзгөрүш", "Ozgorush"), ("Кызыл-Туу", "Кызыл-Туу", "Kyzyl-Tuu"),
    ("Ак-Терек", "Ак-Терек", "Ak-Terek"), ("Бешик-Жон", "Бешик-Жон", "Beshik-Zhon"),
    ("Кара-Суу", "Кара-Суу", "Kara-Suu"), ("Ала-Бука", "Ала-Бука", "Ala-Buka"),
    ("Таш-Кумыр", "Таш-Көмүр", "Tash-Kumyr"), ("Кочкор-Ата", "Кочкор-Ата", "Kochkor-Ata"),
    ("Сары-Булак", "Сары-Булак", "Sary-Bulak"), ("Кара-Суу", "Кара-Суу", "Kara-Suu"),
]
CODES = [f"417032000{k:02d}000" for k in range(6)]


@pytest.fixture(scope="module")
def named(tmp_path_factory):
    folder = tmp_path_factory.mktemp("official")
    gpkg, times, flows = synthetic_dataset(folder)
    ds = Dataset.read(gpkg)
    s = ds.settlements
    for col, i in (("name_ru", 0), ("name_ky", 1), ("name_en", 2)):
        s[col] = [NAMES[k][i] for k in range(len(s))]
    ds.write(gpkg)
    return gpkg, times, flows


def _write(folder, name, rows, columns):
    path = folder / name
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)
    return path


def test_villages_with_spelling_variants_give_the_composition(named, tmp_path) -> None:
    ds = Dataset.read(named[0])
    # municipality k holds villages 2k and 2k+1; unit North = 0+1+2, South = 3+4+5;
    # 'Кара-Суу' names villages of municipalities 3 and 5, listed here under North, which holds
    # neither: the name is reported as ambiguous, with both candidates
    rows = [("North", "Jany-Jol"), ("North", "Көк-Алма"), ("North", "Ozgorush"),
            ("North", "Kyzyl-Tuu"), ("North", "Ак-Терек"), ("North", "Beshik-Jon"),
            ("North", "Кара-Суу"), ("South", "Ala-Buka"), ("South", "Таш-Көмүр"),
            ("South", "Kochkor-Ata"), ("South", "Sary-Bulak")]
    plan = read_official(_write(tmp_path, "v.csv", rows, ["new_unit", "village"]), ds)
    m = plan.mapping.set_index("old_code")["new_unit"]
    assert m.to_dict() == {CODES[0]: "North", CODES[1]: "North", CODES[2]: "North",
                           CODES[3]: "South", CODES[4]: "South", CODES[5]: "South"}
    assert [(i.name, i.problem, i.row) for i in plan.issues] == [("Кара-Суу", "ambiguous", 7)]
    assert len(plan.issues[0].suggestions) == 2
    assert "several municipalities" in plan.issues[0].message
    assert plan.splits.empty and not plan.partial
    assert sorted(plan.unlisted["village"]) == ["Кара-Суу", "Кара-Суу"]
    # listed twice under South, which holds both municipalities, the name cannot change the
    # composition: each row takes one of the two villages, nothing is left unreported
    rows = [*rows[:6], ("South", "Кара-Суу"), ("South", "Kara-Suu"), *rows[7:]]
    plan = read_official(_write(tmp_path, "v2.csv", rows, ["new_unit", "village"]), ds)
    assert plan.issues == [] and plan.unlisted.empty
    assert plan.mapping.set_index("old_code")["new_unit"].to_dict() == m.to_dict()


def test_splits_partial_plans_and_unmatched_names_are_reported(named, tmp_path) -> None:
    ds = Dataset.read(named[0])
    rows = [("A", "Jany-Jol"), ("B", "Kek-Alma"), ("A", "Ozgorush"), ("A", "Kyzyl-Tuu"),
            ("A", "Xyzabad"), ("B", "Ak-Terek"), ("B", "Beshik-Zhon")]
    plan = read_official(_write(tmp_path, "p.csv", rows, ["new_unit", "village"]), ds)
    assert [(i.name, i.problem) for i in plan.issues] == [("Xyzabad", "unmatched")]
    # municipality 0: Jany-Jol (3,000 inhabitants) in A, Kek-Alma (800) in B -> split, in A
    assert plan.splits["old_code"].tolist() == [CODES[0]]
    assert plan.splits["units"].iloc[0] == "A, B"
    m = plan.mapping.set_index("old_code")["new_unit"].to_dict()
    assert m == {CODES[0]: "A", CODES[1]: "A", CODES[2]: "B"}
    assert plan.partial and plan.unknown == CODES[3:]
    found = " ".join(plan.findings())
    assert "split between units A, B" in found and "3 municipalities are not covered" in found
    with pytest.raises(InputError, match=r"row 5.*'Xyzabad'.*matches no settlement"):
        read_official(_write(tmp_path, "p.csv", rows, ["new_unit", "village"]), ds,
                      strict=True)


def test_bad_plan_files_name_file_row_and_column(named, tmp_path) -> None:
    ds = Dataset.read(named[0])
    bad = _write(tmp_path, "b.csv", [("X", "123")], ["new_unit", "old_code"])
    with pytest.raises(InputError, match=r"b.csv, row 1, column 'old_code': '123' is not a "):
        read_official(bad, ds)
    empty = _write(tmp_path, "e.csv", [("A", ""), ("", "Jany-Jol")], ["new_unit", "village"])
    with pytest.raises(InputError, match=r"2 problems(.|\n)*row 2, column 'new_unit': empty new "
                                         r"unit(.|\n)*row 1, column 'village': empty village"):
        read_official(empty, ds)
    both = _write(tmp_path, "c.csv", [("X", "1", "v")], ["new_unit", "old_code", "village"])
    with pytest.raises(InputError, match="exactly one of the columns old_code"):
        read_official(both, ds)
    centre = _write(tmp_path, "d.csv", [("X", CODES[0], "Sary-Bulak")],
                    ["new_unit", "old_code", "centre"])
    with pytest.raises(InputError, match=r"row 1, column 'centre': the centre 'Sary-Bulak' "
                                         "is not a settlement of the unit 'X'"):
        read_official(centre, ds)


def test_explain_a_generated_plan_read_back_through_village_names(named, tmp_path) -> None:
    gpkg, times, flows = named
    ds = Dataset.read(gpkg)
    crit = Criteria(min_population=5000, max_minutes=30, stay_within="rayon",
                    weights=Weights(travel=1.0, units=-0.5))
    t = read_times_file(times)
    f = pd.read_csv(flows, dtype={"origin": str, "destination": str})
    inst = Instance.from_dataset(ds, t, crit, flows=f)
    truth = ExactSolver(time_limit=20, workers=2).fit(inst).plan_
    assert truth.n_units >= 2
    # publish it as a decree annex would: every village by its Latin name, centre by name
    s = ds.settlements.reset_index(drop=True)
    unit_of = truth.labels[inst.settlement_unit]
    rows = [(f"Unit {unit_of[i] + 1}", s["name_en"].iloc[i],
             s["name_ky"].iloc[truth.centres[unit_of[i]]]) for i in range(len(s))
            if s["name_ru"].iloc[i] != "Кара-Суу"]
    path = _write(tmp_path, "annex.csv", rows, ["new_unit", "village", "centre"])
    official = read_official(path, ds)
    assert not official.issues and official.splits.empty
    result = explain_official(ds, t, f, official, {"truth": ("truth", crit)}, time_limit=20,
                              ensemble=50)
    assert plan_distance(result.plan.labels, truth.labels) == 0
    assert result.checks["violations"].tolist() == [0]
    r = result.ranges.set_index("setting")
    assert r.loc["min_population", "bound"] >= 5000
    assert r.loc["max_minutes", "bound"] <= 30 + 1e-4
    assert result.inverse.optimal_ and result.inverse.distance_ == 0
    # within the true criteria too (the only set given, which the plan meets)
    w = result.weights.set_index("name")
    assert w.index.tolist() == ["inferred", "truth"]
    assert w.loc["truth", "optimal"] and w.loc["truth", "distance"] == 0
    assert result.differences["same"].all()
    assert result.summary["plan"].tolist() == ["official", "nearest"]
    lo, hi = result.unit_range
    assert lo <= truth.n_units <= hi
    assert any("optimal under the inferred criteria" in line for line in result.lines())


def test_cli_explain_plan_end_to_end(named, tmp_path) -> None:
    gpkg, times, flows = named
    plan = tmp_path / "plan.csv"
    runner = CliRunner()
    crit = tmp_path / "crit.toml"
    crit.write_text('[criteria]\nmin_population = 5000\nmax_minutes = 30\n\n[objective]\n'
                    'travel = 1.0\nunits = 0.3\n', encoding="utf-8")
    res = runner.invoke(cli, ["amalgamate", "--dataset", str(gpkg), "--times", str(times),
                              "--criteria", str(crit), "--out", str(plan)])
    assert res.exit_code == 0, res.output
    # a deliberately over-large unit: the first two proposed units merged
    p = pd.read_csv(plan, dtype=str)
    first = p["new_unit"].unique()[:2]
    p.loc[p["new_unit"].isin(first), "new_unit"] = "BIG"
    p[["new_unit", "old_code"]].to_csv(tmp_path / "official.csv", index=False)
    capped = tmp_path / "capped.toml"
    capped.write_text("[criteria]\nmax_population = 9000\n", encoding="utf-8")
    out = tmp_path / "out"
    res = runner.invoke(cli, ["explain-plan", "--dataset", str(gpkg), "--times", str(times),
                              "--flows", str(flows), "--plan", str(tmp_path / "official.csv"),
                              "--criteria", str(capped), "--ensemble", "20",
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    checks = pd.read_csv(out / "checks.csv")
    assert checks["criteria"].tolist() == ["max_population"]
    assert "unit BIG has" in checks["messages"].iloc[0]
    assert "more than the maximum" in checks["messages"].iloc[0]
    ranges = pd.read_csv(out / "ranges.csv").set_index("setting")
    big = pd.read_csv(out / "units.csv").set_index("new_unit").loc["BIG", "population"]
    assert ranges.loc["max_population", "bound"] == big > 9000
    assert ranges.loc["max_population", "units"] == "BIG"
    assert (out / "nearest_plan.csv").exists() and (out / "summary.txt").exists()
    # bad input: one readable line, no traceback
    res = runner.invoke(cli, ["explain-plan", "--dataset", str(gpkg), "--times", str(times),
                              "--plan", str(crit), "--out", str(out)])
    assert res.exit_code == 2 and "Traceback" not in res.output


# ---------------------------------------------------------------- the pipeline's report section
VILLAGES_RU = ["Арал", "Бакай-Ата", "Бель-Алды", "Джерге-Тал", "Кара-Куль", "Кен-Коль",
               "Минг-Булак", "Ничке-Сай", "Ой-Тал", "Пахтаабад", "Рават", "Сай-Булак",
               "Талас-Суу", "Уч-Терек", "Фрунзе", "Хаджи-Абад", "Чолпон", "Шамалды"]
VILLAGES_EN = ["Aral", "Bakay-Ata", "Bel-Aldy", "Dzherge-Tal", "Kara-Kul", "Ken-Kol",
               "Ming-Bulak", "Nichke-Say", "Oy-Tal", "Pakhtaabad", "Ravat", "Say-Bulak",
               "Talas-Suu", "Uch-Terek", "Frunze", "Khadzhi-Abad", "Cholpon", "Shamaldy"]
def test_pipeline_report_has_the_official_plan_section(tmp_path) -> None:
    from aimak.config import Config
    from aimak.pipeline import run
    from test_pipeline import CRITERIA
    from test_pipeline import synthetic_dataset as pipeline_dataset

    ds = pipeline_dataset()  # settlements syn:000 ... syn:122, renamed by hand below
    ds.settlements["name_ru"] = VILLAGES_RU
    ds.settlements["name_en"] = VILLAGES_EN
    ds.write(tmp_path / "dataset.gpkg")
    (tmp_path / "criteria.toml").write_text(CRITERIA, encoding="utf-8")
    # a PARTIAL plan published by village: municipalities 00 and 01 merge, 02 stays alone;
    # the second row of municipalities is not covered
    rows = [("Север", "Арал"), ("Север", "Bakay-Ata"), ("Север", "Жерге-Тал"),
            ("Север", "Kara-Kul"), ("Север", "Кен-Коль"), ("Запад", "Ming-Bulak"),
            ("Запад", "Ничке-Сай")]
    _write(tmp_path, "official.csv", rows, ["new_unit", "village"])
    (tmp_path / "analysis.toml").write_text("""
out = "out"
lang = "ru"
dataset = "dataset.gpkg"
oblast = "Synthetic"
official_plan = "official.csv"
formats = ["html", "xlsx"]

[access]
mode = "straight"

[plans]
synthetic = "criteria.toml"

[solver]
time_limit = 10.0
""", encoding="utf-8")
    config = Config.read(tmp_path / "analysis.toml")
    result = run(config)
    e = result.official
    assert e.covered == 3 and e.total == 6 and e.plan.n_units == 2
    # village 002 is not listed: reported, municipality 00 taken whole
    assert e.official.unlisted["village"].tolist() == ["Бель-Алды", "Ой-Тал"]
    html = result.files["html"].read_text(encoding="utf-8")
    assert 'id="official"' in html and "Официальный план" in html
    assert "Бель-Алды" in html
    r = e.ranges.set_index("setting")
    assert r.loc["min_population", "bound"] == 2300 and r.loc["max_population", "bound"] == 4600
    assert "не более" in html and "4 600" in html.replace("\u00a0", " ")
    import openpyxl

    book = openpyxl.load_workbook(result.files["xlsx"], read_only=True)
    assert {"Офиц. план, диапазоны", "Офиц. план, отличия"} <= set(book.sheetnames)
    # the differences table names centres in the report's language (Russian here)
    from aimak.report.official import official_context

    names = dict(zip(ds.settlements["id"], VILLAGES_RU, strict=True))
    ctx = official_context(e, "ru", names=names)
    centres = [row[1] for row in ctx["differences"].rows] + [
        row[2] for row in ctx["differences"].rows]
    assert centres and set(centres) <= set(VILLAGES_RU)


def test_a_scenario_mapping_without_centres_is_accepted(named) -> None:
    from aimak.plans.official import OfficialPlan, plan_on

    ds = Dataset.read(named[0])
    inst = Instance.from_dataset(ds, read_times_file(named[1]), Criteria(stay_within="none"))
    # the platform's scenario: records old_code, new_unit for four of the six municipalities
    mapping = pd.DataFrame({"old_code": CODES[:4], "new_unit": ["X", "X", "Y", "Y"]})
    sub, plan = plan_on(inst, OfficialPlan(mapping=mapping, source="scenario 12",
                                           layout="codes"))
    assert sub.units.tolist() == CODES[:4] and plan.ids(sub).tolist() == ["X", "Y"]
    # each centre is a current municipal centre of the unit (s0a ... s3a)
    assert set(sub.settlement_ids[plan.centres]) <= {"s0a", "s1a", "s2a", "s3a"}
    assert plan.labels.tolist() == [0, 0, 1, 1]
