"""Forecasters of a short panel: many entities (rayons), few years (nine for rayon poverty).

Each is a scikit-learn-style estimator on a *wide* table ``Y`` (one row per entity, one column
per consecutive year, NaN where a year has no value): parameters in ``__init__``, ``fit(Y, X)``
returns ``self``, results in attributes ending in ``_``, ``predict(horizon, X)`` returns the
forecasts of the ``horizon`` years after the panel's last year (entities x years). ``X`` holds
national drivers (one row per year, one column per driver); ``predict`` needs their values up
to the last forecast year (observed, or a scenario the caller chose).

An entity whose last value is missing (a flagged value left out) is forecast from its last
observed year, through the missing ones. Rows of an autoregression whose previous year is
missing (2019 in the poverty file) are left out of the fit.

The candidates: the last value; the drift (the line through an entity's first and last
values); the pooled drift (the entities' average change per year); a pooled autoregression
(one intercept for all, optionally with drivers: a pooled ARDL); fixed effects (the within
estimator, whose lag coefficient is biased towards zero when T is short: Nickell's bias); the
Arellano-Bond difference GMM (consistent for fixed T) with each entity's own intercept, or with
the intercepts shrunk towards their group's (oblast's) mean by empirical Bayes (a random-effects
predictor); and equal-weight combinations of these.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from aimak.errors import AimakError
from aimak.i18n import N_


class PanelForecaster(BaseEstimator):
    """Base class: the bookkeeping every panel forecaster shares."""

    #: What the candidate is, in words a page shows (a message id of the core's catalog).
    label: ClassVar[str] = ""
    #: The fewest years a training window needs.
    min_years: ClassVar[int] = 1

    def fit(self, Y: pd.DataFrame, X: pd.DataFrame | None = None) -> PanelForecaster:
        Y = _check_wide(Y)
        if Y.shape[1] < self.min_years:
            raise AimakError(f"{type(self).__name__} needs at least {self.min_years} years, "
                             f"the panel has {Y.shape[1]}")
        self.entities_ = Y.index.to_list()
        self.last_year_ = int(Y.columns.max())
        values = Y.to_numpy(float)
        seen = ~np.isnan(values)
        if not seen.any(axis=1).all():
            empty = [e for e, s in zip(self.entities_, seen.any(axis=1), strict=True) if not s]
            raise AimakError(f"no value at all for {', '.join(map(str, empty[:5]))}")
        years = Y.columns.to_numpy(int)
        last = seen.shape[1] - 1 - np.argmax(seen[:, ::-1], axis=1)
        first = np.argmax(seen, axis=1)
        rows = np.arange(len(values))
        self.last_value_ = values[rows, last]
        self.last_seen_ = years[last]
        self.first_value_ = values[rows, first]
        self.first_seen_ = years[first]
        self._fit(Y, X)
        return self

    def _fit(self, Y: pd.DataFrame, X: pd.DataFrame | None) -> None:
        """Estimate the model's own parameters (subclasses)."""

    def predict(self, horizon: int, X: pd.DataFrame | None = None) -> pd.DataFrame:
        if not hasattr(self, "entities_"):
            raise AimakError("fit the model before forecasting")
        if horizon < 1:
            raise AimakError("the horizon must be at least one year")
        years = np.arange(self.last_year_ + 1, self.last_year_ + horizon + 1)
        values = self._predict(years, X)
        return pd.DataFrame(values, index=pd.Index(self.entities_, name="entity"),
                            columns=pd.Index(years, name="year"))

    def _predict(self, years: np.ndarray, X: pd.DataFrame | None) -> np.ndarray:
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        """The fitted parameters worth stating (coefficients, their standard errors)."""
        return {}


class LastValue(PanelForecaster):
    """Each entity's last observed value, held."""

    label = N_("the last published value")

    def _predict(self, years, X):
        return np.repeat(self.last_value_[:, None], len(years), axis=1)


class Drift(PanelForecaster):
    """The straight line through each entity's first and last observed values."""

    label = N_("each rayon's own trend (first to last value)")

    def _predict(self, years, X):
        span = (self.last_seen_ - self.first_seen_).astype(float)
        slope = np.divide(self.last_value_ - self.first_value_, span,
                          out=np.zeros_like(span), where=span > 0)
        return self.last_value_[:, None] + slope[:, None] * (years[None, :]
                                                            - self.last_seen_[:, None])


class PooledDrift(PanelForecaster):
    """The last value plus the entities' average change per year (pooled over the panel)."""

    label = N_("the last value plus the average change of all rayons")
    min_years = 2

    def _fit(self, Y, X):
        change = np.diff(Y.to_numpy(float), axis=1)
        if np.isnan(change).all():
            raise AimakError("no two consecutive years to measure a change")
        self.change_ = float(np.nanmean(change))

    def _predict(self, years, X):
        return self.last_value_[:, None] + self.change_ * (years[None, :]
                                                           - self.last_seen_[:, None])

    def describe(self):
        return {"change per year": self.change_}


def ar_rows(Y: pd.DataFrame, X: pd.DataFrame | None = None, drivers: tuple[str, ...] = ()
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The rows of a first-order autoregression: entity index, y_t, y_(t-1) and the drivers
    at t, for every (entity, t) where all are known."""
    values = Y.to_numpy(float)
    now, before = values[:, 1:], values[:, :-1]
    ok = ~np.isnan(now) & ~np.isnan(before)
    xs = np.empty((Y.shape[1] - 1, 0))
    if drivers:
        xs = _drivers(X, drivers, Y.columns[1:].to_numpy(int))
        ok &= ~np.isnan(xs).any(axis=1)[None, :]
    ent, col = np.nonzero(ok)
    return ent, now[ent, col], before[ent, col], xs[col]


def _drivers(X: pd.DataFrame | None, drivers: tuple[str, ...], years: np.ndarray) -> np.ndarray:
    if X is None:
        raise AimakError(f"the drivers {', '.join(drivers)} were not given")
    missing = [d for d in drivers if d not in X]
    if missing:
        raise AimakError(f"no values of the driver(s) {', '.join(missing)}")
    return X.reindex(years)[list(drivers)].to_numpy(float)


class _AR(PanelForecaster):
    """y_t = a_i + phi y_(t-1) + beta x_t: forecasts by recursion from each entity's last
    observed value; subclasses estimate ``effect_`` (a_i), ``phi_`` and ``beta_``."""

    min_years = 2
    drivers: tuple[str, ...] = ()

    def _predict(self, years, X):
        drivers = tuple(self.drivers)
        first = int(self.last_seen_.min()) + 1
        path = np.arange(first, int(years[-1]) + 1)
        xs = _drivers(X, drivers, path) if drivers else np.zeros((len(path), 0))
        if drivers and np.isnan(xs).any():
            lack = path[np.isnan(xs).any(axis=1)]
            raise AimakError(f"the drivers have no value for {', '.join(map(str, lack))}")
        state = self.last_value_.copy()
        out = np.empty((len(state), len(years)))
        for k, year in enumerate(path):
            step = year > self.last_seen_
            new = self.effect_ + self.phi_ * state + xs[k] @ np.asarray(self.beta_, float)
            state = np.where(step, new, state)
            if year >= years[0]:
                out[:, year - years[0]] = state
        return out

    def describe(self):
        out = {"lag coefficient": self.phi_}
        out.update({f"driver {d}": float(b) for d, b in zip(self.drivers, self.beta_,
                                                             strict=True)})
        return out


class PooledAR(_AR):
    """Pooled first-order autoregression, one intercept for every entity (statsmodels OLS);
    with ``drivers`` (national series at the same year), a pooled ARDL(1, 0)."""

    def __init__(self, drivers: tuple[str, ...] = ()) -> None:
        self.drivers = drivers

    @property
    def label(self) -> str:  # type: ignore[override]
        if self.drivers:
            return N_("a pooled autoregression with the national drivers (one intercept for "
                      "all rayons)")
        return N_("a pooled autoregression (one intercept for all rayons)")

    def _fit(self, Y, X):
        import statsmodels.api as sm

        drivers = tuple(self.drivers)
        _ent, y, lag, xs = ar_rows(Y, X, drivers)
        design = np.column_stack([np.ones_like(y), lag, xs])
        if len(y) <= design.shape[1] or np.linalg.matrix_rank(design) < design.shape[1]:
            raise AimakError(f"{len(y)} rows cannot identify {design.shape[1]} coefficients")
        res = sm.OLS(y, design).fit()
        self.const_, self.phi_ = float(res.params[0]), float(res.params[1])
        self.beta_ = res.params[2:].astype(float)
        self.phi_se_ = float(res.bse[1])
        self.effect_ = np.full(Y.shape[0], self.const_)
        self.nobs_ = len(y)


class FixedEffectsAR(_AR):
    """First-order autoregression with one intercept per entity, by the within estimator
    (least squares on values less their entity's mean). With T years its lag coefficient is
    biased towards zero by about (1 + phi) / (T - 1): Nickell's bias."""

    label = N_("rayon fixed effects (within estimator)")

    def _fit(self, Y, X):
        ent, y, lag, _ = ar_rows(Y)
        n = Y.shape[0]
        count = np.bincount(ent, minlength=n)
        if len(y) < n + 2:
            raise AimakError(f"{len(y)} rows cannot identify {n + 1} coefficients")
        mean_y = np.bincount(ent, y, n) / np.maximum(count, 1)
        mean_l = np.bincount(ent, lag, n) / np.maximum(count, 1)
        dy, dl = y - mean_y[ent], lag - mean_l[ent]
        if not (dl ** 2).sum() > 0:
            raise AimakError("no variation within the entities")
        self.phi_ = float((dl * dy).sum() / (dl ** 2).sum())
        self.beta_ = np.zeros(0)
        effect = mean_y - self.phi_ * mean_l
        self.effect_ = np.where(count > 0, effect, np.average(effect, weights=count))
        resid = dy - self.phi_ * dl
        dof = max(len(y) - (count > 0).sum() - 1, 1)
        self.phi_se_ = float(np.sqrt((resid ** 2).sum() / dof / (dl ** 2).sum()))
        self.nobs_ = len(y)


def difference_gmm(Y: pd.DataFrame, max_lag: int | None = None) -> dict[str, float]:
    """Arellano-Bond difference GMM of y_t = a_i + phi y_(t-1) + e_t: first differences remove
    a_i, and y_(t-2), y_(t-3)... instrument the differenced lag (collapsed instruments, one
    column per lag distance, to keep their count small for a short panel), one-step weights
    from the MA(1) structure of the differenced errors, standard error robust to
    heteroskedasticity. Returns ``phi``, ``se``, ``rows``, ``instruments``.

    Written here because pydynpd (0.2.2) calls ``np.in1d``, which NumPy 2.4 removed, and
    linearmodels has no dynamic panel GMM."""
    values = Y.to_numpy(float)
    n, T = values.shape
    max_lag = max_lag or T
    lags = list(range(2, max_lag + 1))
    Zs, xs, ys = [], [], []
    A = np.zeros((len(lags), len(lags)))
    blocks = []
    for i in range(n):
        v = values[i]
        ts = [t for t in range(2, T) if not np.isnan(v[t - 2:t + 1]).any()]
        if not ts:
            continue
        dy = np.array([v[t] - v[t - 1] for t in ts])
        dl = np.array([v[t - 1] - v[t - 2] for t in ts])
        Z = np.array([[v[t - d] if t - d >= 0 and not np.isnan(v[t - d]) else 0.0
                       for d in lags] for t in ts])
        H = 2 * np.eye(len(ts))
        for a in range(len(ts) - 1):
            if ts[a + 1] == ts[a] + 1:
                H[a, a + 1] = H[a + 1, a] = -1
        A += Z.T @ H @ Z
        Zs.append(Z)
        xs.append(dl)
        ys.append(dy)
        blocks.append(len(ts))
    if not Zs:
        raise AimakError("no entity has three consecutive years: the difference GMM needs them")
    Z, x, y = np.vstack(Zs), np.concatenate(xs), np.concatenate(ys)
    keep = np.abs(Z).sum(axis=0) > 0
    Z, A = Z[:, keep], A[np.ix_(keep, keep)]
    W = np.linalg.pinv(A)
    zx, zy = Z.T @ x, Z.T @ y
    denom = zx @ W @ zx
    if not denom > 0:
        raise AimakError("the instruments carry no information on the lag")
    phi = float(zx @ W @ zy / denom)
    resid = y - phi * x
    S = np.zeros_like(A)
    start = 0
    for size in blocks:
        ze = Z[start:start + size].T @ resid[start:start + size]
        S += np.outer(ze, ze)
        start += size
    se = float(np.sqrt(zx @ W @ S @ W @ zx) / denom)
    return {"phi": phi, "se": se, "rows": len(y), "instruments": int(keep.sum())}


class GMMEffectsAR(_AR):
    """The lag coefficient from the difference GMM (consistent when T is short); each
    entity's intercept the mean of y_t - phi y_(t-1) over its years, optionally shrunk towards
    its group's mean (``shrink``: ``None``, ``"national"`` or ``"group"``, with ``groups``
    mapping entity to group, e.g. rayon to oblast) by the empirical-Bayes factor
    tau^2 / (tau^2 + sigma^2 / n_i): the random-effects predictor of the intercept."""

    min_years = 4

    def __init__(self, shrink: str | None = None, groups: dict[str, str] | None = None
                 ) -> None:
        self.shrink = shrink
        self.groups = groups

    @property
    def label(self) -> str:  # type: ignore[override]
        if self.shrink == "group":
            return N_("rayon effects shrunk towards the oblast mean, lag by difference GMM")
        if self.shrink == "national":
            return N_("rayon effects shrunk towards the national mean, lag by difference GMM")
        return N_("rayon effects, lag by difference GMM (Arellano-Bond)")

    def _fit(self, Y, X):
        if self.shrink not in (None, "national", "group"):
            raise AimakError(f"shrink must be None, 'national' or 'group', not '{self.shrink}'")
        gmm = difference_gmm(Y)
        self.phi_, self.phi_se_, self.nobs_ = gmm["phi"], gmm["se"], gmm["rows"]
        self.beta_ = np.zeros(0)
        ent, y, lag, _ = ar_rows(Y)
        n = Y.shape[0]
        count = np.bincount(ent, minlength=n).astype(float)
        u = y - self.phi_ * lag
        raw = np.bincount(ent, u, n) / np.maximum(count, 1)
        overall = float(u.mean())
        raw = np.where(count > 0, raw, overall)
        resid = u - raw[ent]
        sigma2 = float((resid ** 2).sum() / max(len(u) - (count > 0).sum(), 1))
        self.effect_ = raw
        self.shrinkage_ = np.ones(n)
        if self.shrink:
            groups = (pd.Series(self.groups or {}).reindex(Y.index).fillna("").to_numpy(str)
                      if self.shrink == "group" else np.full(n, ""))
            centre = np.empty(n)
            for g in np.unique(groups):
                members = (groups == g) & (count > 0)
                centre[groups == g] = raw[members].mean() if members.sum() > 1 else overall
            noise = np.where(count > 0, sigma2 / np.maximum(count, 1), np.inf)
            tau2 = max(float(np.mean((raw - centre)[count > 0] ** 2)
                             - np.mean(noise[count > 0])), 0.0)
            weight = np.where(count > 0, tau2 / (tau2 + noise), 0.0) if tau2 > 0 else \
                np.zeros(n)
            self.effect_ = centre + weight * (raw - centre)
            self.shrinkage_ = weight
            self.tau2_ = tau2
        self.sigma2_ = sigma2


class Combination(PanelForecaster):
    """The equal-weight average of its members' forecasts."""

    def __init__(self, members: tuple[PanelForecaster, ...] = ()) -> None:
        self.members = members

    @property
    def label(self) -> str:  # type: ignore[override]
        return N_("the average of: {members}")

    @property
    def min_years(self) -> int:  # type: ignore[override]
        return max((m.min_years for m in self.members), default=1)

    def _fit(self, Y, X):
        if not self.members:
            raise AimakError("a combination needs members")
        self.fitted_ = [clone(m).fit(Y, X) for m in self.members]

    def _predict(self, years, X):
        return np.mean([m._predict(years, X) for m in self.fitted_], axis=0)

    def describe(self):
        return {f"{type(m).__name__}: {k}": v for m in self.fitted_
                for k, v in m.describe().items()}


def _check_wide(Y: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(Y, pd.DataFrame) or Y.empty:
        raise AimakError("the panel is empty")
    years = Y.columns.to_numpy(int)
    if (np.diff(years) != 1).any():
        raise AimakError("the panel's columns must be consecutive years (NaN for gaps)")
    return Y
