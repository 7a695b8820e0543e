"""A municipality's budget trend, for planning and for reading a draft beside it.

Where a municipality has figures for at least three years (approved or executed budgets; drafts
and medium-term projections are not history), ``budget_trend`` fits a geometric trend (least
squares on the logarithm against the year), projects it to the draft's year, and backtests it:
each year from the third on is forecast from the years before it, by the trend and by the last
value, and the mean absolute percentage errors of both are reported. With fewer years it says
so and forecasts nothing. ``read_local_budgets`` turns ``local_budgets.csv`` into the yearly
figures of each ayil aimak, in som.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aimak.errors import fail

BUDGET_FILE = "local_budgets.csv"
#: Items of ``local_budgets.csv`` and the measure each gives.
MEASURES = {"own_local_revenue": "own_revenue", "own_approved_revenue": "own_revenue",
            "total_revenue": "total", "total_local_budget": "total",
            "total_local_budget_implied": "total"}
#: Som per unit of the file.
UNITS = {"thousand KGS": 1e3, "million KGS": 1e6, "KGS": 1.0}
#: Stages that are history (adopted or executed), not plans for later years.
HISTORY_STAGES = ("approved", "executed")
MIN_YEARS = 3


def read_local_budgets(folder: str | Path) -> pd.DataFrame:
    """Ayil-aimak budget figures of ``local_budgets.csv``: ``code, entity, year, measure,
    value`` (som), ``stage``, ``history`` (approved or executed), ``source``. Rows of other
    levels (oblast transfers), of other items, or with a period that is not a year are left
    out; a unit the file does not know is an error naming the row."""
    from aimak.io import read_table
    from aimak.schema import SOURCE_ROW

    path = Path(folder) / BUDGET_FILE
    if not path.exists():
        raise fail("the file does not exist", path)
    df = read_table(path)
    df = df[(df["level"] == "ayil_aimak") & df["item"].isin(MEASURES)
            & df["period"].astype(str).str.fullmatch(r"\d{4}")]
    unknown = df[~df["unit"].isin(UNITS)]
    if len(unknown):
        r = unknown.iloc[0]
        raise fail(f"unit '{r['unit']}' is not one of {', '.join(UNITS)}", path,
                   int(r[SOURCE_ROW]), "unit")
    stage = df["stage"].astype(str)
    return pd.DataFrame({
        "code": df["soate"].astype(str).str.replace(r"\.0$", "", regex=True),
        "entity": df["entity"].astype(str), "year": df["period"].astype(int),
        "measure": df["item"].map(MEASURES),
        "value": df["value"].astype(float) * df["unit"].map(UNITS),
        "stage": stage, "history": stage.str.startswith(HISTORY_STAGES),
        "source": df["source_url"].astype(str)}).reset_index(drop=True)


def budget_trend(history: pd.DataFrame, target_year: int, draft: float | None = None,
                 min_years: int = MIN_YEARS) -> dict[str, Any]:
    """The geometric trend of ``history`` (``year, value``: one figure per year, before
    ``target_year``) projected to ``target_year``, its backtest, and how far ``draft`` lies
    from it. ``status`` is ``too_few`` (with ``years``) when fewer than ``min_years`` years are
    given; otherwise ``ok`` with ``trend``, ``growth`` (per year), ``mape_trend``,
    ``mape_last`` (one-step backtests from the third year on), ``folds``, and, with a draft,
    ``draft`` and ``draft_vs_trend`` (the draft's difference from the trend, in % of it)."""
    h = history[history["year"] < target_year].sort_values("year")
    h = h.drop_duplicates("year", keep="last")
    years = h["year"].to_numpy(float)
    values = h["value"].to_numpy(float)
    out: dict[str, Any] = {"years": [int(y) for y in years], "target_year": int(target_year)}
    if len(h) < min_years or (values <= 0).any():
        return {**out, "status": "too_few"}
    slope, icept = np.polyfit(years, np.log(values), 1)
    trend = float(np.exp(icept + slope * target_year))
    errors_trend, errors_last = [], []
    for k in range(2, len(h)):
        s, c = np.polyfit(years[:k], np.log(values[:k]), 1)
        guess = np.exp(c + s * years[k])
        errors_trend.append(abs(guess - values[k]) / values[k] * 100)
        errors_last.append(abs(values[k - 1] - values[k]) / values[k] * 100)
    out.update(status="ok", trend=trend, growth=float(np.exp(slope) - 1),
               mape_trend=float(np.mean(errors_trend)), mape_last=float(np.mean(errors_last)),
               folds=len(errors_trend))
    if draft is not None:
        out.update(draft=float(draft), draft_vs_trend=float((draft - trend) / trend * 100))
    return out
