"""Population projections worked out by hand, and the ``aimak forecast`` command end to end
(synthetic series written to a temporary folder; the real data where it is present)."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from aimak.cli.main import cli
from aimak.errors import AimakError, InputError
from aimak.forecast.population import (
    national_growth,
    project_settlements,
    project_units,
    rayon_growth,
    read_census,
)

CENSUS = """rayon,oblast,soate_code,year,population,kind,source_url
North,X,1,1999,80000,census,https://example.org/north
North,X,1,2009,100000,census,https://example.org/north
North,X,1,2022,121000,census,https://example.org/north
South,X,2,2009,50000,census,https://example.org/south
South,X,2,2021,60000,NSC estimate (1 Jan),https://example.org/south
"""


@pytest.fixture
def census(tmp_path):
    path = tmp_path / "census.csv"
    path.write_text(CENSUS, encoding="utf-8")
    return read_census(path)


def test_rayon_growth_from_last_census_to_latest_figure(census):
    rates = rayon_growth(census).set_index("rayon")
    # North: 2009 -> 2022 census, 1.21 ** (1/13) - 1; South: 2009 census -> 2021 estimate
    assert rates.loc["North", "rate"] == pytest.approx(1.21 ** (1 / 13) - 1)
    assert (rates.loc["North", "from_year"], rates.loc["North", "to_year"]) == (2009, 2022)
    assert rates.loc["South", "rate"] == pytest.approx(1.2 ** (1 / 12) - 1)
    assert rates.loc["South", "basis"] == "census 2009 - NSC estimate (1 Jan) 2021"


def test_settlements_and_units_projected_by_hand(census):
    rates = rayon_growth(census)
    s = pd.DataFrame({"id": ["a", "b", "c", "d"], "kind": ["village", "village", "town",
                                                            "village"],
                      "population": [1000.0, 2000.0, 5000.0, 400.0],
                      "population_year": [2022, 2009, 2018, 2018],
                      "population_source": "estimated",
                      "rayon": ["North", "North", "Elsewhere", "Elsewhere"],
                      "municipality_code": ["m1", "m1", "m2", "m3"]})
    national = {"village": 0.02, "town": 0.01}
    p = project_settlements(s, rates, 2030, national).set_index("id")
    r = 1.21 ** (1 / 13)
    assert p.loc["a", "population_projected"] == pytest.approx(1000 * r ** 8)
    assert p.loc["b", "population_projected"] == pytest.approx(2000 * r ** 21)
    assert p.loc["c", "population_projected"] == pytest.approx(5000 * 1.01 ** 12)
    assert p.loc["d", "population_projected"] == pytest.approx(400 * 1.02 ** 12)
    assert p.loc["c", "projection_method"].startswith("national urban growth")
    assert (p["projection_provenance"] == "projected").all()
    mapping = pd.DataFrame({"old_code": ["m1", "m2", "m3"], "new_unit": ["U1", "U2", "U3"]})
    units = project_units(mapping, s, p.reset_index(), min_population=5000).set_index(
        "new_unit")
    assert units.loc["U1", "population_projected"] == pytest.approx(
        1000 * r ** 8 + 2000 * r ** 21)
    # nothing shrinks here, so no unit falls below a minimum it meets today
    assert not units["below_minimum_projected"].any()
    # a shrinking rayon: U2's town (5000 today) falls to 5000 * 0.99^12 ~ 4432 < 4500
    shrinking = project_settlements(s, rates, 2030, {"village": 0.02, "town": -0.01})
    flagged = project_units(mapping, s, shrinking, min_population=4500).set_index("new_unit")
    assert flagged["below_minimum_projected"].tolist() == [False, True, False]  # U3: 400 today
    assert flagged.loc["U2", "population_projected"] == pytest.approx(5000 * 0.99 ** 12)


def test_no_rate_and_no_national_rate_is_refused(census):
    s = pd.DataFrame({"id": ["x"], "kind": ["village"], "population": [1.0],
                      "population_year": [2018], "population_source": "estimated",
                      "rayon": ["Nowhere"], "municipality_code": ["m"]})
    with pytest.raises(AimakError, match="no growth rate for the rayon"):
        project_settlements(s, rayon_growth(census), 2030)


def test_census_duplicate_year_names_the_row(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(CENSUS + "South,X,2,2021,61000,census,u\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"c.csv, row 6, column 'year'"):
        read_census(path)


def test_national_growth_rural_and_urban():
    rows = [("population", 2009, 100.0), ("population", 2022, 130.0),
            ("rural_population", 2009, 60.0), ("rural_population", 2022, 78.0)]
    table = pd.DataFrame(rows, columns=["variable", "year", "value"]).assign(entity="KG")
    g = national_growth(table, 2009, 2022)
    assert g["village"] == pytest.approx(1.3 ** (1 / 13) - 1)
    assert g["town"] == pytest.approx((52 / 40) ** (1 / 13) - 1)


# -- the command ----------------------------------------------------------------------------

def write_panel(path, gap: bool = False):
    """Synthetic panel: 6 entities, 14 years of y = a_i + 0.6 y_(t-1) + noise (not real)."""
    rng = np.random.default_rng(11)
    rows = []
    for i in range(6):
        y = 10.0 + i
        for year in range(2000, 2014):
            y = 4 + i + 0.6 * y + rng.normal(scale=0.3)
            if gap and year == 2005:
                continue
            rows.append((f"R{i}", year, "y", round(y, 4), "synthetic (test)", ""))
    pd.DataFrame(rows, columns=["entity", "year", "variable", "value", "source",
                                "qc_flag"]).to_csv(path, index=False)


def test_forecast_command_writes_tables_workbook_and_chart(tmp_path):
    series = tmp_path / "panel.csv"
    write_panel(series)
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["forecast", "--series", str(series), "--target", "y",
                                   "--horizon", "4", "--backtest-horizon", "2",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    fc = pd.read_csv(out / "forecast.csv")
    assert len(fc) == 6 * 4 and set(fc["year"]) == {2014, 2015, 2016, 2017}
    assert (fc["lower"] < fc["value"]).all() and (fc["value"] < fc["upper"]).all()
    assert (fc["provenance"] == "projected").all()
    bt = pd.read_csv(out / "backtest.csv")
    assert bt["horizon"].tolist() == [1, 2]
    assert "naive forecasts" in res.output
    wb = openpyxl.load_workbook(out / "forecast.xlsx")
    assert {"about", "forecast", "backtest", "coefficients"} <= set(wb.sheetnames)
    assert (out / "forecast.svg").read_text().startswith("<svg")


def test_forecast_command_config_and_bad_input(tmp_path):
    series = tmp_path / "panel.csv"
    write_panel(series, gap=True)
    config = tmp_path / "f.toml"
    config.write_text('[forecast]\ntarget = "y"\nseries = ["panel.csv"]\nout = "o"\n'
                      "backtest_horizon = 0\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["forecast", "--config", str(config)])
    assert res.exit_code == 2
    assert "panel.csv, row 6, column 'year'" in res.output
    assert "no value for 2005" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "o").exists()  # nothing half-written
    res = CliRunner().invoke(cli, ["forecast", "--config", str(config), "--allow-gaps"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "o" / "forecast.csv").exists()
    config.write_text('target = "y"\nlags = 3\n', encoding="utf-8")
    res = CliRunner().invoke(cli, ["forecast", "--config", str(config)])
    assert res.exit_code == 2 and "unknown setting(s) lags" in res.output


def test_forecast_command_refuses_a_short_series(tmp_path):
    path = tmp_path / "short.csv"
    pd.DataFrame({"entity": "A", "year": range(2015, 2020), "variable": "y",
                  "value": [1.0, 2, 3, 4, 5], "source": "synthetic (test)"}).to_csv(path,
                                                                                   index=False)
    res = CliRunner().invoke(cli, ["forecast", "--series", str(path), "--target", "y",
                                   "--single", "--max-lags", "2", "--out",
                                   str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "short.csv, row 1, column 'year'" in res.output and "need at least 8" in res.output


def test_real_poverty_panel_backtest(shared_data, tmp_path):
    res = CliRunner().invoke(cli, ["forecast", "--source", str(shared_data), "--allow-gaps",
                                   "--driver", "remittances_pct_gdp_derived", "--driver",
                                   "gdp_growth_pct", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    bt = pd.read_csv(tmp_path / "backtest.csv")
    assert bt["horizon"].tolist() == [1, 2, 3]
    assert {"mae_model", "mae_naive", "mae_drift", "skill"} <= set(bt.columns)
    fc = pd.read_csv(tmp_path / "forecast.csv")
    first = fc.groupby("entity")["year"].min()
    assert len(first) == 40
    # flagged last values are left out: Bakai-Ata's 2020, Toguz-Toro's 2018 and 2020
    assert first.pop("Bakai-Ata") == 2019 and first.pop("Toguz-Toro") == 2018
    assert (first == 2021).all()


def test_one_entity_page_scores_its_own_folds():
    from aimak.forecast import forecast, score

    rng = np.random.default_rng(12)
    rows = []
    for i in range(5):
        y = 20.0
        for year in range(2000, 2015):
            y = 3 + i + 0.7 * y + rng.normal(scale=0.4)
            rows.append((f"R{i}", year, "y", y, "synthetic (test)"))
    table = pd.DataFrame(rows, columns=["entity", "year", "variable", "value", "source"])
    out = forecast(table, "y", panel=True, horizon=3, backtest_horizon=2)
    page = out.for_entity("R2")
    assert set(page["forecast"]["entity"]) == {"R2"} and len(page["forecast"]) == 3
    assert set(page["folds"]["entity"]) == {"R2"}
    mine = out.folds[out.folds["entity"] == "R2"]
    expected = (mine["model"] - mine["actual"]).abs().groupby(mine["horizon"]).mean()
    assert page["scores"]["mae_model"].tolist() == pytest.approx(expected.tolist())
    assert page["scores"].equals(score(mine))
    with pytest.raises(AimakError, match="no series for 'R9'"):
        out.for_entity("R9")
