"""Known answers for aimak.forecast: simulated panels (SYNTHETIC data, labelled as such), the
Nickell bias of the within estimator against the difference GMM, split-conformal coverage
within its finite-sample bound, forecasts worked out by hand, the Diebold-Mariano test with
the Harvey-Leybourne-Newbold correction, and the nested choice's lack of look-ahead."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from aimak.errors import AimakError
from aimak.forecast import (
    ChosenForecast,
    assess,
    check_series,
    diebold_mariano,
    forecast,
    panel_tables,
    score,
)
from aimak.forecast.choose import conformal_halfwidth, default_candidates, skill_table
from aimak.forecast.data import flag_copied_years
from aimak.forecast.panel import (
    Combination,
    Drift,
    FixedEffectsAR,
    GMMEffectsAR,
    LastValue,
    PooledAR,
    PooledDrift,
    difference_gmm,
)

SYNTHETIC = "synthetic (test)"


def simulate_panel(n: int, years: int, phi: float, seed: int, effect_sd: float = 1.0,
                   burn: int = 50, start: int = 2011) -> pd.DataFrame:
    """SYNTHETIC y_it = a_i + phi y_i(t-1) + e_it, a_i ~ N(0, effect_sd), e ~ N(0, 1), started
    at each entity's steady state and run ``burn`` years before the ``years`` kept."""
    rng = np.random.default_rng(seed)
    a = rng.normal(scale=effect_sd, size=n)
    y = a / (1 - phi) + rng.normal(size=n) / math.sqrt(1 - phi ** 2)
    out = np.empty((n, years))
    for t in range(burn + years):
        y = a + phi * y + rng.normal(size=n)
        if t >= burn:
            out[:, t - burn] = y
    return pd.DataFrame(out, index=[f"r{i}" for i in range(n)],
                        columns=pd.Index(range(start, start + years), name="year"))


def long(wide: pd.DataFrame, variable: str = "y") -> pd.DataFrame:
    t = wide.stack().rename("value").reset_index()
    t.columns = ["entity", "year", "value"]
    return t.assign(variable=variable, source=SYNTHETIC)


def test_difference_gmm_recovers_the_lag_where_the_within_estimator_is_biased():
    """T = 9 with rayon effects: the within estimator carries Nickell's bias, about
    -(1 + phi) / (T - 1) = -0.19 here, while the difference GMM is consistent for fixed T."""
    Y = simulate_panel(n=600, years=9, phi=0.5, seed=1)
    within = FixedEffectsAR().fit(Y).phi_
    gmm = difference_gmm(Y)
    assert abs(gmm["phi"] - 0.5) < max(3 * gmm["se"], 0.05), gmm
    assert gmm["se"] < 0.05
    assert within < 0.4  # biased towards zero, far outside the GMM's interval
    assert abs(within - (0.5 - 1.5 / 8)) < 0.06  # of the size Nickell's formula says
    assert GMMEffectsAR().fit(Y).phi_ == pytest.approx(gmm["phi"])


def test_difference_gmm_takes_a_missing_year():
    Y = simulate_panel(n=300, years=10, phi=0.5, seed=2)
    Y[2016] = np.nan  # a year nobody published
    gmm = difference_gmm(Y)
    assert abs(gmm["phi"] - 0.5) < max(3 * gmm["se"], 0.08)


def test_split_conformal_coverage_within_its_finite_sample_bound():
    """With n exchangeable calibration errors the interval covers a new one with probability
    between 1 - alpha and 1 - alpha + 1 / (n + 1) (Vovk; Lei et al. 2018)."""
    rng = np.random.default_rng(3)
    n, alpha, trials = 19, 0.1, 20000
    errors = rng.standard_t(df=4, size=(trials, n + 1))  # heavy tails: no normality assumed
    widths = np.array([conformal_halfwidth(e[:n], alpha) for e in errors])
    covered = np.abs(errors[:, n]) <= widths
    mc = 3 * math.sqrt(0.1 * 0.9 / trials)
    assert 1 - alpha - mc <= covered.mean() <= 1 - alpha + 1 / (n + 1) + mc
    assert conformal_halfwidth(np.arange(1.0, 6.0), alpha) == math.inf  # 5 < 1/alpha - 1


def test_conformal_halfwidth_by_hand():
    # n = 9, alpha = 0.2: rank ceil(10 * 0.8) = 8 of |errors| sorted
    assert conformal_halfwidth(np.array([-9, 1, -2, 3, 4, -5, 6, 7, 8.0]), 0.2) == 8.0


def test_naive_forecasts_by_hand():
    Y = pd.DataFrame([[1.0, 2.0, 4.0], [10.0, np.nan, 6.0], [5.0, 7.0, np.nan]],
                     index=["a", "b", "c"], columns=pd.Index([2018, 2019, 2020]))
    last = LastValue().fit(Y).predict(2)
    assert last.columns.tolist() == [2021, 2022]
    assert last.loc["c"].tolist() == [7.0, 7.0]  # its last observed value, 2019
    drift = Drift().fit(Y).predict(2)
    assert drift.loc["a"].tolist() == [5.5, 7.0]  # slope (4 - 1) / 2
    assert drift.loc["c"].tolist() == [11.0, 13.0]  # from 2019: two and three years on
    pooled = PooledDrift().fit(Y).predict(1)
    assert pooled.loc["a", 2021] == pytest.approx(4 + (1 + 2 + 2) / 3)


def test_pooled_ar_forecast_is_the_recursion_by_hand():
    Y = simulate_panel(n=30, years=9, phi=0.6, seed=4)
    m = PooledAR().fit(Y)
    c, phi = m.const_, m.phi_
    last = Y[2019].to_numpy()
    fc = m.predict(3)
    np.testing.assert_allclose(fc[2020], c + phi * last)
    np.testing.assert_allclose(fc[2022], c + phi * (c + phi * (c + phi * last)))
    both = Combination((LastValue(), PooledAR())).fit(Y).predict(2)
    np.testing.assert_allclose(both[2021], (last + m.predict(2)[2021]) / 2)


def test_shrinkage_pulls_effects_towards_the_group_mean():
    Y = simulate_panel(n=40, years=9, phi=0.5, seed=5, effect_sd=0.3)
    groups = {e: ("A" if i < 20 else "B") for i, e in enumerate(Y.index)}
    raw = GMMEffectsAR().fit(Y)
    shrunk = GMMEffectsAR("group", groups).fit(Y)
    assert ((shrunk.shrinkage_ >= 0) & (shrunk.shrinkage_ < 1)).all()
    for g in "AB":
        members = np.array([groups[e] == g for e in Y.index])
        centre = raw.effect_[members].mean()
        assert (np.abs(shrunk.effect_[members] - centre)
                <= np.abs(raw.effect_[members] - centre) + 1e-12).all()


def test_nested_choice_looks_only_inside_its_window():
    """Each outer fold of ``assess`` equals the procedure fitted on the years up to its origin
    alone, and changing every value after an origin leaves that origin's forecasts as they
    were."""
    Y = simulate_panel(n=25, years=9, phi=0.7, seed=6)
    proc = ChosenForecast(horizon=2)
    folds = assess(proc, Y)
    origin = 2016
    alone = ChosenForecast(horizon=2).fit(Y.loc[:, :origin]).predict()
    mine = folds[folds["origin"] == origin].set_index(["entity", "year"])
    alone = alone.set_index(["entity", "year"]).loc[mine.index]
    np.testing.assert_allclose(mine["model"], alone["value"])
    np.testing.assert_allclose(mine["lower"], alone["lower"])
    changed = Y.copy()
    changed.loc[:, origin + 1:] += 100.0
    again = assess(proc, changed)
    again = again[again["origin"] == origin].set_index(["entity", "year"])
    np.testing.assert_allclose(again["model"], mine["model"])
    np.testing.assert_allclose(again["lower"], mine["lower"])


def test_strong_mean_reversion_is_not_left_to_the_last_value():
    strong = simulate_panel(n=40, years=12, phi=0.2, seed=8, effect_sd=0.0)
    picks = ChosenForecast(horizon=2).fit(strong).choice_
    assert "last_value" not in picks.values()


def test_procedure_needs_two_origins_of_evidence_to_leave_the_last_value():
    Y = simulate_panel(n=30, years=4, phi=0.2, seed=9, effect_sd=0.0)
    proc = ChosenForecast(horizon=2, min_origins=2).fit(Y)
    # windows 2011-2014: origins 2011, 2012, 2013 at one year; 2011, 2012 at two
    assert proc.table_.groupby("horizon")["origins"].max().to_dict() == {1: 3, 2: 2}
    assert ChosenForecast(horizon=2, min_origins=4).fit(Y).choice_ == {
        1: "last_value", 2: "last_value"}


def test_skill_table_compares_on_the_same_folds():
    folds = pd.DataFrame({
        "origin": [1, 1, 2, 1, 1], "candidate": ["last_value", "last_value", "last_value",
                                                 "m", "m"],
        "entity": ["a", "b", "a", "a", "b"], "horizon": 1, "year": 0,
        "forecast": [1.0, 1.0, 1.0, 2.0, 0.0], "actual": [3.0, 0.0, 1.0, 3.0, 0.0]})
    t = skill_table(folds).set_index("candidate")
    # m on (1, a), (1, b): errors 1 and 0; the last value there: 2 and 1
    assert t.loc["m", "mae"] == 0.5 and t.loc["m", "mae_last"] == 1.5
    assert t.loc["m", "skill"] == pytest.approx(1 - 0.5 / 1.5)
    assert t.loc["last_value", "skill"] == 0.0


def dm_by_hand(d, h):
    """The DM-HLN statistic written from the paper's formulas, independently of the code."""
    n = len(d)
    dbar = sum(d) / n
    gam = [sum((d[t] - dbar) * (d[t - k] - dbar) for t in range(k, n)) / n for k in range(h)]
    v = (gam[0] + 2 * sum(gam[1:])) / n
    stat = dbar / math.sqrt(v) * math.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
    return stat, 2 * (1 - stats.t.cdf(abs(stat), n - 1))


@pytest.mark.parametrize(("d", "h"), [([1.0, 2.0, 3.0, 4.0], 1),
                                      ([0.5, -0.2, 0.9, 0.4, 1.1, 0.3], 2)])
def test_diebold_mariano_with_small_sample_correction(d, h):
    stat, p = dm_by_hand(d, h)
    got = diebold_mariano(np.array(d), h)
    assert got["statistic"] == pytest.approx(stat) and got["p"] == pytest.approx(p)
    assert got["low"] < np.mean(d) < got["high"]
    # the interval excludes 0 exactly when the two-sided p is below 5 %
    assert (got["low"] > 0) == (got["p"] < 0.05)


def test_diebold_mariano_with_too_few_origins_says_nothing():
    assert math.isnan(diebold_mariano(np.array([1.0, 2.0]), 3)["p"])
    assert math.isnan(diebold_mariano(np.array([1.0]), 1)["low"])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 50), st.floats(0, 50), st.floats(0, 50)),
                min_size=1, max_size=20))
def test_skill_is_positive_exactly_when_the_procedure_beats_the_last_value(rows):
    f = pd.DataFrame(rows, columns=["actual", "model", "naive"]).assign(
        origin=2015, horizon=1, lower=0.0, upper=1.0, drift=0.0)
    s = score(f).iloc[0]
    better = (f["model"] - f["actual"]).abs().mean() < (f["naive"] - f["actual"]).abs().mean()
    assert (s["skill"] > 0) == bool(better)


def test_copied_year_is_flagged_and_left_out():
    Y = simulate_panel(n=10, years=5, phi=0.5, seed=10)
    Y[2014] = Y[2013]
    Y.iloc[0, 3] += 1.0  # one entity published its own 2014 figure
    flagged = flag_copied_years(long(Y))
    copied = flagged[flagged["qc_flag"].notna()]
    assert sorted(copied["year"].unique()) == [2014] and len(copied) == 9
    assert "copied from 2013" in copied["qc_flag"].iloc[0]
    Yw, _, _used, excluded = panel_tables(check_series(flagged), "y")
    assert len(excluded) == 9 and Yw[2014].notna().sum() == 1


def test_forecast_result_states_last_year_choices_and_verdict():
    Y = simulate_panel(n=30, years=9, phi=0.5, seed=11)
    Y[2019] = np.nan  # a year with no figure at the end
    table = long(Y).dropna()
    out = forecast(table, "y", horizon=2)
    assert out.last_year == 2018
    assert out.forecast["year"].unique().tolist() == [2019, 2020]
    assert (out.forecast["provenance"] == "modelled").all()
    assert out.choices["horizon"].tolist() == [1, 2]
    assert str(out.verdict[0]).startswith("2019 (1-year horizon)")
    assert out.verdict[0].text("ru") != str(out.verdict[0])
    page = out.for_entity("r3")
    assert set(page["forecast"]["entity"]) == {"r3"}
    assert page["scores"].equals(score(out.folds[out.folds["entity"] == "r3"]))
    with pytest.raises(AimakError, match="no series for 'r99'"):
        out.for_entity("r99")


def test_bad_inputs_name_what_is_wrong():
    table = long(simulate_panel(n=5, years=5, phi=0.5, seed=12))
    with pytest.raises(AimakError, match="no values of the target 'z'"):
        forecast(table, "z")
    two = pd.concat([table, table.assign(variable="x"),
                     table.assign(variable="x", entity=table["entity"] + "b")])
    with pytest.raises(AimakError, match="drivers are national series"):
        forecast(two, "y", drivers=["x"])
    with pytest.raises(AimakError, match="must include 'last_value'"):
        ChosenForecast(candidates={"pooled_ar": PooledAR()}).fit(
            simulate_panel(n=5, years=5, phi=0.5, seed=13))


def test_pooled_ardl_uses_drivers_held_after_the_origin():
    Y = simulate_panel(n=20, years=9, phi=0.5, seed=14)
    X = pd.DataFrame({"x": np.arange(2005, 2025, dtype=float)}, index=range(2005, 2025))
    cands = default_candidates(drivers=("x",))
    assert {"pooled_ardl", "mean_last_pooled_ardl"} <= set(cands)
    proc = ChosenForecast(horizon=2, drivers=("x",)).fit(Y, X)
    assert proc._path["x"].loc[2020:].eq(2019.0).all()  # held at the last window year


def test_every_forecast_message_is_translated_into_russian_and_kyrgyz():
    from pathlib import Path

    import aimak
    from aimak.i18n import extract_messages, missing_messages

    messages = extract_messages(Path(aimak.__file__).parent / "forecast")
    assert "the last published value" in messages
    for lang in ("ru", "ky"):
        assert missing_messages(messages, lang) == [], lang


def test_the_pooled_advice_says_it_is_over_all_rayons() -> None:
    """The per-horizon advice is scored on every rayon's backtest forecasts together, and a
    rayon's page shows it beside that rayon's own check; the advice must say its scope, or a
    planner reads «use the forecast» against «beat the last figure only 3 years ahead» on one
    page (found by the fresh-eyes walk on Nooken's page)."""
    from aimak.forecast.skill import entity_verdict, horizon_verdict

    pooled = pd.Series({"skill": 0.2, "origins": 5, "dm_low": -1.0, "dm_high": -0.1,
                        "dm_mean": -0.5})
    advice = horizon_verdict(1, 2020, "pooled_ar", pooled)[0]
    assert "all rayons" in advice
    for lang, words in (("ru", "по всем районам"), ("ky", "бардык райондор")):
        assert words in advice.text(lang), advice.text(lang)
    own = entity_verdict(pd.DataFrame({"horizon": [1, 3], "skill": [-0.3, 0.1],
                                       "forecasts": [5, 3]}))
    assert "this rayon" in own and "only 3 years ahead" in own
