"""The budget trend worked out by hand (SYNTHETIC figures), and the real file read."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from aimak.forecast.budget import budget_trend, read_local_budgets


def test_an_exact_geometric_series_is_its_own_trend():
    history = pd.DataFrame({"year": [2020, 2021, 2022, 2023],
                            "value": [100.0, 110.0, 121.0, 133.1]})
    out = budget_trend(history, 2024, draft=1.2 * 146.41)
    assert out["status"] == "ok" and out["years"] == [2020, 2021, 2022, 2023]
    assert out["trend"] == pytest.approx(146.41) and out["growth"] == pytest.approx(0.1)
    assert out["draft_vs_trend"] == pytest.approx(20.0)  # "20 % above the trend"
    # backtest: 2022 from 2020-21 and 2023 from 2020-22, both exact for the trend; the last
    # value misses by 10/121 and 12.1/133.1, i.e. 100/11 % each
    assert out["folds"] == 2 and out["mape_trend"] == pytest.approx(0.0, abs=1e-9)
    assert out["mape_last"] == pytest.approx(100 / 11)


def test_two_years_are_too_few_and_later_years_are_no_history():
    history = pd.DataFrame({"year": [2022, 2023, 2025], "value": [1.0, 2.0, 3.0]})
    out = budget_trend(history, 2024)
    assert out["status"] == "too_few" and out["years"] == [2022, 2023]
    assert "trend" not in out


def test_the_real_file_gives_history_only_from_adopted_budgets(shared_data):
    rows = read_local_budgets(shared_data)
    kk = rows[rows["entity"] == "Kara-Kujur"]
    assert len(kk) == 3 and not kk["history"].any()  # a 2020 medium-term projection
    kazan = rows[(rows["entity"] == "Kazan-Kuygan") & (rows["measure"] == "total")]
    assert kazan.set_index("year")["value"].to_dict() == {2019: 6597000.0, 2023: 10613100.0}
    most = rows[rows["history"]].groupby(["code", "measure"])["year"].nunique().max()
    assert most < 3  # no ayil aimak has three adopted years: the pages say so
    assert math.isclose(rows.loc[rows["entity"] == "Dostuk", "value"].iloc[0], 18560000.0)
