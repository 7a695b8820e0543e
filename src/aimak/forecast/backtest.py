"""Rolling-origin backtests: how the model would have done in the past, beside naive forecasts.

For each origin year t the model is refitted on the target's years up to t and forecasts
t+1..t+h; the same folds give two naive baselines: the last value (y_t) and the drift (the
straight line through the first and last values of the training years). The scores per horizon
are MAE, MAPE, the share of actual values inside the prediction interval, and the skill score
``1 - MAE_model / MAE_best_naive``: above 0 the model beats both naive forecasts, at or below 0
it does not, and the verdict says so in words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from aimak.errors import AimakError
from aimak.forecast.model import DynamicRegression

DRIVERS = ("actual", "hold", "trend")


class Backtest(BaseEstimator):
    """Rolling-origin evaluation of a ``DynamicRegression`` against naive forecasts.

    Parameters
    ----------
    estimator : the model to evaluate (cloned at each origin; it is not changed).
    horizon : forecast years after each origin.
    first_origin : the first origin year (default: the earliest year the model can be fitted).
    drivers : ``actual`` uses the drivers' observed values after the origin (ex post: what
        the model can do when the drivers are known), ``hold`` or ``trend`` extend them from the
        origin as a real forecast must (ex ante).
    """

    def __init__(self, estimator: DynamicRegression, horizon: int = 3,
                 first_origin: int | None = None, drivers: str = "hold") -> None:
        self.estimator = estimator
        self.horizon = horizon
        self.first_origin = first_origin
        self.drivers = drivers

    def fit(self, series: pd.DataFrame, label: str = "series") -> Backtest:
        """Run every fold; results in ``folds_`` (one row per forecast), ``scores_`` (one row
        per horizon), ``skipped_`` (origins that could not be forecast, with the reason) and
        ``verdict_``."""
        if self.drivers not in DRIVERS:
            raise AimakError(f"drivers must be one of {', '.join(DRIVERS)}")
        if self.horizon < 1:
            raise AimakError("the horizon must be at least one year")
        est = self.estimator
        full = DynamicRegression(**est.get_params()).fit(series, label)
        actual = full.history_.set_index(["entity", "year"])["value"]
        years = sorted(actual.index.get_level_values(1).unique())
        first = self.first_origin or self._first_origin(years, est)
        origins = [t for t in years if first <= t < years[-1]]
        if not origins:
            raise AimakError(f"no origin to backtest from: the target's years are "
                             f"{years[0]}-{years[-1]} and the first origin is {first}")
        rows, skipped = [], []
        target_rows = series["variable"] == est.target
        for t in origins:
            keep = ~target_rows | (series["year"] <= t)
            if self.drivers != "actual":
                keep &= series["year"] <= t
            train = series[keep]
            try:
                model = DynamicRegression(**est.get_params()).fit(train, label)
                scenario = "hold" if self.drivers == "actual" else self.drivers
                fc = model.forecast(self.horizon, scenario=scenario)
            except AimakError as exc:
                skipped.append({"origin": t, "reason": str(exc).splitlines()[-1].strip()})
                continue
            hist = model.history_
            for entity, f in fc.groupby("entity"):
                h = hist[hist["entity"] == entity].sort_values("year")
                y_last, t_last = float(h["value"].iloc[-1]), int(h["year"].iloc[-1])
                y_first, t_first = float(h["value"].iloc[0]), int(h["year"].iloc[0])
                slope = (y_last - y_first) / (t_last - t_first) if t_last > t_first else 0.0
                for r in f.itertuples():
                    obs = actual.get((entity, r.year))
                    if obs is None or np.isnan(obs):
                        continue
                    rows.append({"origin": t, "entity": entity, "year": r.year,
                                 "horizon": r.year - t_last, "actual": obs,
                                 "model": r.value, "lower": r.lower, "upper": r.upper,
                                 "naive": y_last, "drift": y_last + slope * (r.year - t_last)})
        if not rows:
            raise AimakError("the backtest produced no forecast to score: "
                             + "; ".join(f"{s['origin']}: {s['reason']}" for s in skipped))
        self.folds_ = pd.DataFrame(rows)
        self.skipped_ = pd.DataFrame(skipped, columns=["origin", "reason"])
        self.scores_ = score(self.folds_)
        self.method_ = full.method_
        self.verdict_ = verdict(self.scores_)
        return self

    @staticmethod
    def _first_origin(years: list[int], est: DynamicRegression) -> int:
        return years[min(est.min_length(), len(years) - 1) - 1]


def score(folds: pd.DataFrame) -> pd.DataFrame:
    """MAE and MAPE of the model and the two naive forecasts per horizon, interval coverage and
    skill against the better naive forecast."""
    out = []
    for h, f in folds.groupby("horizon"):
        row: dict = {"horizon": int(h), "forecasts": len(f), "origins": f["origin"].nunique()}
        for name in ("model", "naive", "drift"):
            err = (f[name] - f["actual"]).abs()
            row[f"mae_{name}"] = float(err.mean())
            nonzero = f["actual"] != 0
            row[f"mape_{name}"] = float((err[nonzero] / f.loc[nonzero, "actual"].abs()).mean()
                                        * 100)
        best = min(row["mae_naive"], row["mae_drift"])
        # a perfect naive forecast cannot be beaten: skill 0 when the model is perfect too
        row["skill"] = (float(1 - row["mae_model"] / best) if best > 0
                        else 0.0 if row["mae_model"] == 0 else -np.inf)
        row["coverage"] = float(((f["actual"] >= f["lower"]) & (f["actual"] <= f["upper"]))
                                .mean())
        out.append(row)
    return pd.DataFrame(out)


def verdict(scores: pd.DataFrame) -> str:
    """One plain sentence: does the model beat the naive forecasts, and at which horizons."""
    beats = scores.loc[scores["skill"] > 0, "horizon"].tolist()
    if not beats:
        return "The model does not beat the naive forecasts at any horizon."
    if len(beats) == len(scores):
        return "The model beats both naive forecasts at every horizon."
    return (f"The model beats both naive forecasts only at horizon(s) "
            f"{', '.join(map(str, beats))}; elsewhere a naive forecast does as well or better.")
