"""Known answers for aimak.forecast: simulated ARDL processes (synthetic data, labelled as such),
the closed form of AR(1) forecasts, panels with entity effects, and the backtest's scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from aimak.errors import AimakError, InputError
from aimak.forecast import Backtest, DynamicRegression, check_series, score, verdict

SYNTHETIC = "synthetic (test)"


def long(entity: str, years, **variables) -> pd.DataFrame:
    """A long table of synthetic series."""
    frames = [pd.DataFrame({"entity": entity, "year": list(years), "variable": name,
                            "value": np.asarray(values, float), "source": SYNTHETIC})
              for name, values in variables.items()]
    return pd.concat(frames, ignore_index=True)


def simulate_ardl(n: int, seed: int, c=1.0, phi=0.5, b0=0.8, b1=0.3, sigma=0.5):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = np.zeros(n)
    y[0] = c / (1 - phi)
    for t in range(1, n):
        y[t] = c + phi * y[t - 1] + b0 * x[t] + b1 * x[t - 1] + rng.normal(scale=sigma)
    return y, x


def test_ardl_recovers_known_coefficients_within_standard_errors():
    y, x = simulate_ardl(300, seed=1)
    table = long("A", range(1800, 2100), y=y, x=x)
    m = DynamicRegression("y", ["x"], max_lags=3, max_driver_lags=2).fit(table)
    assert (m.lags_, m.driver_lags_) == (1, {"x": 1})
    truth = {"const": 1.0, "y.L1": 0.5, "x.L0": 0.8, "x.L1": 0.3}
    for name, value in truth.items():
        assert abs(m.params_[name] - value) < 2 * m.bse_[name], name
    assert m.method_.startswith("ARDL(1, 1)")


def test_bounds_test_finds_the_long_run_relation():
    y, x = simulate_ardl(200, seed=2, phi=0.3)
    m = DynamicRegression("y", ["x"], bounds_test=True).fit(long("A", range(1800, 2000),
                                                                 y=y, x=x))
    assert m.bounds_test_["verdict"] == "long-run relation"
    assert m.bounds_test_["p_upper"] < 0.05


def ar1_closed_form(c, phi, sigma2, last, h, alpha=0.1):
    """Forecast of y_{T+h} = c + phi y_{T+h-1} + e and its interval, worked out by hand:
    mean mu + phi^h (y_T - mu), variance sigma2 (1 - phi^(2h)) / (1 - phi^2)."""
    mu = c / (1 - phi)
    steps = np.arange(1, h + 1)
    mean = mu + phi ** steps * (last - mu)
    sd = np.sqrt(sigma2 * (1 - phi ** (2 * steps)) / (1 - phi ** 2))
    z = norm.ppf(1 - alpha / 2)
    return mean, mean - z * sd, mean + z * sd


@pytest.mark.parametrize("panel", [False, True])
def test_ar1_forecast_matches_closed_form(panel):
    y, _ = simulate_ardl(60, seed=3, b0=0.0, b1=0.0)
    m = DynamicRegression("y", max_lags=1, panel=panel).fit(long("A", range(1960, 2020), y=y))
    c, phi = m.params_["const"], m.params_["y.L1"]
    mean, lower, upper = ar1_closed_form(c, phi, m.sigma2_, y[-1], 6)
    fc = m.forecast(6)
    assert fc["year"].tolist() == list(range(2020, 2026))
    np.testing.assert_allclose(fc["value"], mean, rtol=1e-9)
    np.testing.assert_allclose(fc["lower"], lower, rtol=1e-9)
    np.testing.assert_allclose(fc["upper"], upper, rtol=1e-9)


def simulate_panel(n_entities=40, years=40, seed=4, phi=0.5, beta=0.8, sigma=1.0):
    rng = np.random.default_rng(seed)
    frames = []
    common = rng.normal(size=years)  # a national driver shared by every entity
    for i in range(n_entities):
        a = rng.normal(scale=3.0)
        x = rng.normal(size=years) + common
        y = np.zeros(years)
        y[0] = a / (1 - phi)
        for t in range(1, years):
            y[t] = a + phi * y[t - 1] + beta * x[t] + rng.normal(scale=sigma)
        frames.append(long(f"E{i:02d}", range(1980, 1980 + years), y=y, x=x))
    return pd.concat(frames, ignore_index=True)


def test_panel_recovers_common_coefficients():
    years, phi = 40, 0.5
    m = DynamicRegression("y", ["x"], panel=True, max_lags=2, max_driver_lags=1).fit(
        simulate_panel(years=years, phi=phi))
    assert (m.lags_, m.driver_lags_) == (1, {"x": 0})
    assert abs(m.params_["x.L0"] - 0.8) < 2 * m.bse_["x.L0"]
    # the within estimator's autoregressive coefficient carries Nickell's bias, of order
    # -(1 + phi) / (T - 1); the estimate lies within that plus two standard errors
    nickell = (1 + phi) / (years - 2)
    assert abs(m.params_["y.L1"] - phi) < nickell + 2 * m.bse_["y.L1"]
    assert len(m.entities_) == 40


def test_national_driver_applies_to_every_entity():
    panel = simulate_panel(n_entities=5, years=15, seed=5)
    x = panel[(panel["variable"] == "x") & (panel["entity"] == "E00")].assign(entity="KG")
    table = pd.concat([panel[panel["variable"] == "y"], x], ignore_index=True)
    m = DynamicRegression("y", ["x"], panel=True, max_lags=1, max_driver_lags=0).fit(table)
    assert m.driver_lags_ == {"x": 0}
    fc = m.forecast(2, scenario="hold")
    assert set(fc["entity"]) == {f"E{i:02d}" for i in range(5)}
    assert fc["scenario"].str.contains("held at 1994").all()


def test_scenario_table_and_trend_drive_the_forecast():
    years = range(2000, 2030)
    x = np.arange(30.0)
    y = 2.0 + 0.5 * x + np.random.default_rng(6).normal(scale=0.1, size=30)
    y[1:] += 0.0
    m = DynamicRegression("y", ["x"], max_lags=1, max_driver_lags=0, min_lags=0).fit(
        long("A", years, y=y, x=x))
    future = long("A", [2030, 2031], x=[100.0, 200.0])
    fc_table = m.forecast(2, scenario=future)
    fc_trend = m.forecast(2, scenario="trend")
    fc_hold = m.forecast(2, scenario="hold")
    assert fc_table["value"].iloc[1] > fc_table["value"].iloc[0] > fc_trend["value"].iloc[1]
    assert fc_trend["value"].iloc[1] > fc_hold["value"].iloc[1]
    with pytest.raises(AimakError, match="gives no 'x' for 2031"):
        m.forecast(2, scenario=future.iloc[:1])


def test_refit_starts_clean():
    y, x = simulate_ardl(80, seed=7)
    m = DynamicRegression("y", ["x"], bounds_test=True)
    m.fit(long("A", range(1900, 1980), y=y, x=x))
    assert m.bounds_test_ is not None
    m.set_params(drivers=())
    m.fit(long("A", range(1900, 1980), y=y))
    assert m.bounds_test_ is None and m.driver_lags_ == {}


# -- data quality and bad input -------------------------------------------------------------

def test_flagged_values_are_excluded_and_counted():
    y, _ = simulate_ardl(30, seed=8, b0=0.0, b1=0.0)
    table = long("A", range(1990, 2020), y=y)
    table["qc_flag"] = None
    table.loc[29, "qc_flag"] = "typing slip"
    table.loc[29, "value"] = 1e6
    m = DynamicRegression("y", max_lags=1).fit(table)
    assert m.excluded_ == 1 and m.history_["year"].max() == 2018
    assert m.history_["value"].max() < 1e3
    used = DynamicRegression("y", max_lags=1, qc="use").fit(table)
    assert used.flagged_used_ == 1 and used.history_["value"].max() == 1e6


def test_gap_is_an_error_naming_the_row_unless_allowed_in_a_panel():
    table = simulate_panel(n_entities=3, years=12, seed=9)
    table = table[~((table["variable"] == "y") & (table["year"] == 1985))].reset_index(drop=True)
    table["row"] = np.arange(1, len(table) + 1)
    with pytest.raises(InputError) as err:
        DynamicRegression("y", panel=True, max_lags=1).fit(table, "panel.csv")
    text = str(err.value)
    assert "no value for 1985" in text and "column 'year'" in text
    row_1986 = int(table.loc[(table["entity"] == "E00") & (table["variable"] == "y")
                             & (table["year"] == 1986), "row"].iloc[0])
    assert f"panel.csv, row {row_1986}" in text
    m = DynamicRegression("y", panel=True, max_lags=1, allow_gaps=True).fit(table)
    assert m.rows_left_out_ == 3  # 1986 of each entity lacks its lag


def test_series_too_short_states_the_minimum():
    table = long("A", range(2011, 2018), y=np.arange(7.0), x=np.ones(7))
    est = DynamicRegression("y", ["x"], max_lags=2, max_driver_lags=1)
    with pytest.raises(InputError, match=f"need at least {est.min_length()}"):
        est.fit(table)


def test_duplicate_years_and_non_numbers_name_row_and_column():
    frame = pd.DataFrame({"entity": ["A", "A", "A"], "year": ["2011", "2012", "2012"],
                          "variable": "y", "value": ["1.5", "2", "3"], "source": "s"})
    with pytest.raises(InputError, match=r"f.csv, row 3, column 'year': year 2012 .* row 2"):
        check_series(frame, "f.csv")
    frame.loc[1, "value"] = "n/a"
    with pytest.raises(InputError, match=r"f.csv, row 2, column 'value': 'n/a' is not a num"):
        check_series(frame, "f.csv")


def test_too_few_years_for_the_drivers_is_refused():
    panel = simulate_panel(n_entities=6, years=4, seed=10)
    x = panel[(panel["variable"] == "x") & (panel["entity"] == "E00")].assign(entity="KG")
    z = x.assign(variable="z", value=x["value"] * 2 + 1)
    table = pd.concat([panel[panel["variable"] == "y"], x, z], ignore_index=True)
    with pytest.raises(AimakError, match="too few to tell"):
        DynamicRegression("y", ["x", "z"], panel=True, max_lags=1, max_driver_lags=0).fit(table)


# -- backtest -------------------------------------------------------------------------------

def test_backtest_naive_and_drift_on_a_straight_line():
    # y = 3 * year: the drift forecast is exact, the last value misses by 3 per year ahead
    panel = pd.concat([long(e, range(2000, 2012), y=3.0 * np.arange(2000, 2012) + k)
                       for k, e in enumerate("ABCDE")], ignore_index=True)
    bt = Backtest(DynamicRegression("y", panel=True, max_lags=1), horizon=2,
                  first_origin=2005).fit(panel)
    s = bt.scores_.set_index("horizon")
    assert s.loc[1, "mae_naive"] == pytest.approx(3.0)
    assert s.loc[2, "mae_naive"] == pytest.approx(6.0)
    assert s.loc[1, "mae_drift"] == pytest.approx(0.0, abs=1e-9)
    assert s.loc[1, "origins"] == 6 and s.loc[2, "origins"] == 5  # 2005..2010 / 2005..2009
    assert s.loc[1, "forecasts"] == 30
    # the drift is perfect, so the model cannot beat it, and the verdict says so
    assert (s["skill"] <= 0).all()
    assert bt.verdict_ == "The model does not beat the naive forecasts at any horizon."


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(1, 100), st.floats(1, 100), st.floats(1, 100),
                          st.floats(1, 100)), min_size=1, max_size=20))
def test_skill_is_positive_exactly_when_the_model_beats_both_baselines(rows):
    folds = pd.DataFrame(rows, columns=["actual", "model", "naive", "drift"]).assign(
        horizon=1, origin=2000, lower=0.0, upper=0.0)
    s = score(folds).iloc[0]
    err = {k: np.mean(np.abs(folds[k] - folds["actual"])) for k in ("model", "naive", "drift")}
    beats = err["model"] < min(err["naive"], err["drift"])
    assert (s["skill"] > 0) == beats
    said = verdict(score(folds))
    assert ("does not beat" in said) == (not s["skill"] > 0)
