"""Forecasts of local indicators (ARDL, one series or a panel), honest backtests, and population
projections. No web dependency: ``forecast()`` returns plain tables a page or a report renders.

    from aimak.forecast import forecast, poverty_series, national_series
    series = pd.concat([poverty_series(folder), national_series(folder)])
    out = forecast(series, "poverty_rate_pct", drivers=["remittances_pct_gdp_derived"],
                   panel=True, allow_gaps=True)
    out.series, out.forecast, out.scores, out.verdict, out.coefficients, out.sources

See docs/forecast.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from aimak.errors import AimakError
from aimak.forecast.backtest import Backtest, score, verdict
from aimak.forecast.data import check_series, national_series, poverty_series, read_series
from aimak.forecast.model import DynamicRegression

__all__ = [
    "Backtest",
    "DynamicRegression",
    "ForecastResult",
    "check_series",
    "forecast",
    "national_series",
    "poverty_series",
    "read_series",
    "score",
    "verdict",
]


@dataclass
class ForecastResult:
    """Everything a page or report shows about one forecast.

    ``series``: the history used (entity, year, value) with the flagged values left out marked;
    ``forecast``: entity, year, value, lower, upper, step, scenario, method;
    ``scores``: backtest per horizon (MAE, MAPE of model, naive, drift; skill; coverage);
    ``folds``: every backtest forecast; ``verdict``: one sentence on the skill;
    ``coefficients``: common coefficients with standard errors; ``facts``: method, lag orders,
    observations, excluded values, bounds test; ``sources``: the data sources cited.
    """

    series: pd.DataFrame
    forecast: pd.DataFrame
    scores: pd.DataFrame | None
    folds: pd.DataFrame | None
    verdict: str
    coefficients: pd.DataFrame
    facts: dict[str, Any] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def for_entity(self, entity: str) -> dict[str, Any]:
        """What a page about one rayon or municipality shows: its ``series``, ``forecast`` and
        backtest ``folds``, its own ``scores`` (the pooled model scored on its folds only) and
        ``verdict``, and the pooled model's ``facts`` and ``sources``."""
        known = set(self.series["entity"])
        if entity not in known:
            raise AimakError(f"no series for '{entity}'; entities are "
                             f"{', '.join(sorted(map(str, known))[:20])}")
        folds = (self.folds[self.folds["entity"] == entity] if self.folds is not None
                 else None)
        scores = score(folds) if folds is not None and len(folds) else None
        return {"entity": entity,
                "series": self.series[self.series["entity"] == entity],
                "forecast": self.forecast[self.forecast["entity"] == entity],
                "folds": folds, "scores": scores,
                "verdict": verdict(scores) if scores is not None else "No backtest was run.",
                "facts": self.facts, "sources": self.sources}


def forecast(series: pd.DataFrame, target: str, drivers: list[str] | tuple[str, ...] = (),
             horizon: int = 5, scenario: str | pd.DataFrame = "hold",
             backtest_horizon: int | None = 3, backtest_drivers: str = "hold",
             first_origin: int | None = None, label: str = "series",
             **params: Any) -> ForecastResult:
    """Fit, backtest and forecast ``target`` in one call (``params`` go to
    ``DynamicRegression``: ``panel``, ``max_lags``, ``max_driver_lags``, ``ic``, ``qc``,
    ``allow_gaps``, ``bounds_test``, ``alpha``...). ``backtest_horizon=None`` skips the
    backtest."""
    model = DynamicRegression(target, drivers, **params).fit(series, label)
    fc = model.forecast(horizon, scenario=scenario)
    scores = folds = None
    said = "No backtest was run."
    if backtest_horizon:
        bt = Backtest(model, backtest_horizon, first_origin, backtest_drivers).fit(series, label)
        scores, folds, said = bt.scores_, bt.folds_, bt.verdict_
    facts = {"method": model.method_, "lags": model.lags_, "driver_lags": model.driver_lags_,
             "observations": model.nobs_, "entities": len(model.entities_),
             "flagged_excluded": model.excluded_, "flagged_used": model.flagged_used_,
             "rows_left_out": model.rows_left_out_, "sigma2": model.sigma2_,
             "interval": f"{100 * (1 - model.alpha):.0f} %", "bounds_test": model.bounds_test_,
             "backtest_drivers": backtest_drivers if backtest_horizon else None}
    return ForecastResult(series=model.history_, forecast=fc, scores=scores, folds=folds,
                          verdict=said, coefficients=model.coefficients(), facts=facts,
                          sources=model.sources_)
