"""The forecast a planner is given: a candidate chosen per horizon by a backtest inside the
training window, with a conformal interval, and the whole procedure backtested on later years.

``ChosenForecast.fit(Y, X)`` runs a rolling-origin backtest of every candidate on the years it
is given (the *inner* backtest), picks for each horizon the candidate whose errors were smallest
relative to the last value on the same folds (the last value when none beats it), fits the
picks on all the years and sets each horizon's interval half-width to the split-conformal
quantile of the pick's absolute inner errors at that horizon. ``assess(...)`` is the *outer*
backtest: the whole procedure refitted on the years up to each origin, its forecasts scored on
the years after, so the reported scores are the procedure's, not those of the winner chosen
after the fact. No step looks past its training window.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from aimak.errors import AimakError
from aimak.forecast.panel import (
    Combination,
    Drift,
    FixedEffectsAR,
    GMMEffectsAR,
    LastValue,
    PanelForecaster,
    PooledAR,
    PooledDrift,
)

#: The candidate every choice falls back to, and the baseline of every skill score.
BASELINE = "last_value"


def default_candidates(groups: dict[str, str] | None = None,
                       drivers: tuple[str, ...] = ()) -> dict[str, PanelForecaster]:
    """The candidates of a short panel (see ``aimak.forecast.panel``); ``groups`` (entity ->
    oblast) lets the random-effects candidate shrink towards the oblast's mean, ``drivers``
    adds a pooled ARDL on them."""
    shrunk = GMMEffectsAR("group", groups) if groups else GMMEffectsAR("national")
    out: dict[str, PanelForecaster] = {
        BASELINE: LastValue(), "drift": Drift(), "pooled_drift": PooledDrift(),
        "pooled_ar": PooledAR(), "fixed_effects": FixedEffectsAR(),
        "gmm_effects": GMMEffectsAR(), "shrunk_effects": shrunk,
        "mean_last_pooled_ar": Combination((LastValue(), PooledAR())),
        "mean_last_shrunk": Combination((LastValue(), shrunk)),
        "mean_pooled_ar_shrunk": Combination((PooledAR(), shrunk)),
    }
    if drivers:
        out["pooled_ardl"] = PooledAR(tuple(drivers))
        out["mean_last_pooled_ardl"] = Combination((LastValue(), PooledAR(tuple(drivers))))
    return out


def held_drivers(X: pd.DataFrame | None, last_year: int, until: int) -> pd.DataFrame | None:
    """The drivers as known at ``last_year`` and held at their last known value up to
    ``until``: an ex-ante path (a forecast made then could not know later values)."""
    if X is None or X.empty:
        return None
    known = X.loc[X.index <= last_year].sort_index()
    path = known.reindex(range(int(known.index.min()), until + 1))
    return path.ffill()


def rolling_forecasts(candidates: dict[str, PanelForecaster], Y: pd.DataFrame,
                      X: pd.DataFrame | None, horizon: int) -> pd.DataFrame:
    """Every candidate refitted on the years up to each origin and scored on the years after:
    ``origin, candidate, entity, horizon, year, forecast, actual`` (rows with an actual only).
    A candidate that cannot be fitted at an origin (too few years) is simply absent there."""
    frames = []
    for t in _origins(Y):
        after = [y for y in range(t + 1, t + horizon + 1) if y in Y.columns]
        if not after:
            continue
        actual = Y[after]
        if actual.isna().all().all():
            continue
        train = Y.loc[:, :t]
        train = train[train.notna().any(axis=1)]
        path = held_drivers(X, t, t + horizon)
        for name, cand in candidates.items():
            try:
                fc = clone(cand).fit(train, path).predict(horizon, path)
            except AimakError:
                continue
            long = fc[after].stack().rename("forecast").reset_index()
            long = long.join(actual.stack().rename("actual"), on=["entity", "year"])
            long = long.dropna(subset=["actual", "forecast"])
            long["origin"], long["candidate"] = int(t), name
            long["horizon"] = long["year"] - int(t)
            frames.append(long)
    cols = ["origin", "candidate", "entity", "horizon", "year", "forecast", "actual"]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


def conformal_halfwidth(errors: np.ndarray, alpha: float) -> float:
    """Split-conformal half-width: the ceil((n + 1)(1 - alpha))-th smallest absolute error;
    infinite when n is too small for that rank (fewer than 1/alpha - 1 errors). Written out
    because it is one line; mapie and crepes wrap the same rank around their own fit and
    calibration split, which here is the rolling backtest."""
    errors = np.sort(np.abs(np.asarray(errors, float)))
    n = len(errors)
    k = math.ceil((n + 1) * (1 - alpha))
    return float(errors[k - 1]) if 1 <= k <= n else math.inf


class ChosenForecast(BaseEstimator):
    """A forecast chosen per horizon by a backtest inside the training window.

    Parameters
    ----------
    candidates : name -> panel forecaster (default: ``default_candidates(groups, drivers)``);
        it must hold ``last_value``, the fallback and baseline.
    horizon : the most years ahead.
    alpha : one minus the intervals' coverage (0.1: 90 % intervals).
    groups : entity -> group (oblast) for the shrinkage candidate.
    drivers : national driver names (columns of ``X``) for the pooled ARDL candidates.
    min_origins : a candidate replaces the last value only when it beat it over at least
        this many origins of the window (one year's comparison is mostly that year's luck).
    calibration_origins : the interval is calibrated on the pick's errors from this many most
        recent origins of the window (None: all), so that it follows errors that shrink or
        grow over the years.
    """

    def __init__(self, candidates: dict[str, PanelForecaster] | None = None, horizon: int = 3,
                 alpha: float = 0.1, groups: dict[str, str] | None = None,
                 drivers: tuple[str, ...] = (), min_origins: int = 2,
                 calibration_origins: int | None = 2) -> None:
        self.candidates = candidates
        self.horizon = horizon
        self.alpha = alpha
        self.groups = groups
        self.drivers = drivers
        self.min_origins = min_origins
        self.calibration_origins = calibration_origins

    def _candidates(self) -> dict[str, PanelForecaster]:
        cands = self.candidates or default_candidates(self.groups, tuple(self.drivers))
        if BASELINE not in cands:
            raise AimakError(f"the candidates must include '{BASELINE}'")
        return cands

    def fit(self, Y: pd.DataFrame, X: pd.DataFrame | None = None) -> ChosenForecast:
        """Choose per horizon from the inner backtest, calibrate, refit on all years.
        ``inner_`` (every inner forecast), ``table_`` (per horizon and candidate: forecasts,
        origins, MAE, MAE of the last value on the same folds, skill), ``choice_`` (horizon ->
        candidate), ``halfwidth_`` (horizon -> interval half-width), ``evidence_`` (horizon ->
        whether an inner origin existed), ``fitted_`` (candidate -> fitted model)."""
        if not 0 < self.alpha < 1:
            raise AimakError("alpha must lie between 0 and 1")
        if self.horizon < 1:
            raise AimakError("the horizon must be at least one year")
        cands = self._candidates()
        self.inner_ = rolling_forecasts(cands, Y, X, self.horizon)
        self.table_ = skill_table(self.inner_)
        self.choice_, self.halfwidth_, self.evidence_ = {}, {}, {}
        for h in range(1, self.horizon + 1):
            rows = self.table_[self.table_["horizon"] == h]
            self.evidence_[h] = bool(len(rows))
            pick = BASELINE
            rows = rows[rows["origins"] >= self.min_origins]
            if len(rows):
                best = rows.sort_values(["skill", "order"], ascending=[False, True]).iloc[0]
                if best["skill"] > 0:
                    pick = str(best["candidate"])
            self.choice_[h] = pick
            errors = self.inner_.loc[(self.inner_["horizon"] == h)
                                     & (self.inner_["candidate"] == pick)]
            if self.calibration_origins:
                recent = sorted(errors["origin"].unique())[-self.calibration_origins:]
                errors = errors[errors["origin"].isin(recent)]
            self.halfwidth_[h] = (conformal_halfwidth(errors["forecast"] - errors["actual"],
                                                      self.alpha) if len(errors) else math.inf)
        self.last_year_ = int(Y.columns.max())
        path = held_drivers(X, self.last_year_, self.last_year_ + self.horizon)
        self._path = path
        self.fitted_ = {}
        for name in dict.fromkeys(self.choice_.values()):
            self.fitted_[name] = clone(cands[name]).fit(Y[Y.notna().any(axis=1)], path)
        self.labels_ = {name: candidate_label(cands[name]) for name in cands}
        return self

    def predict(self, X: pd.DataFrame | None = None) -> pd.DataFrame:
        """``entity, year, horizon, value, lower, upper, candidate`` for 1..horizon years after
        the last year. ``X``: the drivers' scenario (default: held at their last value)."""
        if not hasattr(self, "fitted_"):
            raise AimakError("fit the procedure before forecasting")
        path = self._path if X is None else X
        frames = []
        for name, model in self.fitted_.items():
            fc = model.predict(self.horizon, path)
            for h, pick in self.choice_.items():
                if pick != name:
                    continue
                year = self.last_year_ + h
                w = self.halfwidth_[h]
                frames.append(pd.DataFrame({
                    "entity": fc.index, "year": year, "horizon": h,
                    "value": fc[year].to_numpy(), "lower": fc[year].to_numpy() - w,
                    "upper": fc[year].to_numpy() + w, "candidate": name}))
        return pd.concat(frames, ignore_index=True).sort_values(["entity", "year"],
                                                                ignore_index=True)


def skill_table(folds: pd.DataFrame) -> pd.DataFrame:
    """Per horizon and candidate: forecasts, origins, MAE, the last value's MAE on the same
    (entity, origin) folds, and skill = 1 - MAE / MAE of the last value."""
    cols = ["horizon", "candidate", "order", "forecasts", "origins", "mae", "mae_last",
            "skill"]
    if folds.empty:
        return pd.DataFrame(columns=cols)
    order = {name: i for i, name in enumerate(dict.fromkeys(folds["candidate"]))}
    key = ["origin", "entity", "horizon"]
    base = folds[folds["candidate"] == BASELINE].set_index(key)["forecast"]
    f = folds.join(base.rename("last"), on=key).dropna(subset=["last"])
    f["err"] = (f["forecast"] - f["actual"]).abs()
    f["err_last"] = (f["last"] - f["actual"]).abs()
    out = f.groupby(["horizon", "candidate"]).agg(
        forecasts=("err", "size"), origins=("origin", "nunique"), mae=("err", "mean"),
        mae_last=("err_last", "mean")).reset_index()
    out["skill"] = np.where(out["mae_last"] > 0, 1 - out["mae"] / out["mae_last"],
                            np.where(out["mae"] > 0, -np.inf, 0.0))
    out.loc[out["candidate"] == BASELINE, "skill"] = 0.0
    out["order"] = out["candidate"].map(order)
    return out[cols]


def candidate_label(model: PanelForecaster) -> tuple[str, dict[str, Any]]:
    """The candidate in words: a message id and its parameters (``Said`` material)."""
    if isinstance(model, Combination):
        return model.label, {"members": [candidate_label(m) for m in model.members]}
    return model.label, {}


def assess(procedure: ChosenForecast, Y: pd.DataFrame, X: pd.DataFrame | None = None
           ) -> pd.DataFrame:
    """The outer backtest: ``procedure`` refitted on the years up to each origin (its choice
    and calibration made inside that window), its forecasts set beside the actual values and
    the last value and the drift of the same window. One row per forecast: ``origin, entity,
    horizon, year, actual, model, lower, upper, naive, drift, candidate``. A horizon for which
    the window held no earlier origin to choose and calibrate from is not scored (the
    procedure has no interval there)."""
    frames = []
    for t in _origins(Y):
        after = [y for y in range(t + 1, t + procedure.horizon + 1) if y in Y.columns]
        if not after or Y[after].isna().all().all():
            continue
        train = Y.loc[:, :t]
        train = train[train.notna().any(axis=1)]
        try:
            fitted = clone(procedure).fit(train, X)
        except AimakError:
            continue
        scored = [h for h, ok in fitted.evidence_.items() if ok and t + h in after]
        if not scored:
            continue
        fc = fitted.predict()
        fc = fc[fc["horizon"].isin(scored)]
        naive = LastValue().fit(train).predict(procedure.horizon)
        drift = Drift().fit(train).predict(procedure.horizon)
        fc = fc.assign(
            origin=int(t),
            actual=[Y.at[e, y] for e, y in zip(fc["entity"], fc["year"], strict=True)],
            naive=[naive.at[e, y] for e, y in zip(fc["entity"], fc["year"], strict=True)],
            drift=[drift.at[e, y] for e, y in zip(fc["entity"], fc["year"], strict=True)])
        frames.append(fc.rename(columns={"value": "model"}).dropna(subset=["actual"]))
    cols = ["origin", "entity", "horizon", "year", "actual", "model", "lower", "upper",
            "naive", "drift", "candidate"]
    if not frames:
        raise AimakError("no origin has an earlier origin to choose from: the series are too "
                         "short for a backtest of the procedure")
    return pd.concat(frames, ignore_index=True)[cols]


def _origins(Y: pd.DataFrame) -> list[int]:
    """Years a forecast can start from: all but the last, with values for at least half of
    the entities (a year nobody published, like 2019 in the poverty file, or one whose values
    were left out as copies, is no origin: most entities' forecasts would start earlier)."""
    seen = Y.notna().mean(axis=0)
    return [int(t) for t in Y.columns[:-1] if seen[t] >= 0.5]


def candidate_text(label: tuple[str, dict[str, Any]], lang: str | None = None) -> str:
    """A candidate's label (``candidate_label``) in ``lang`` (default: the current one)."""
    from aimak.i18n import gettext

    key, params = label
    if "members" in params:
        return gettext(key, lang).format(members="; ".join(
            candidate_text(m, lang) for m in params["members"]))
    return gettext(key, lang)
