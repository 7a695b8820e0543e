"""Dynamic regression of a yearly indicator on its own past and on drivers: ARDL, one series or
a panel of many.

``DynamicRegression`` follows the scikit-learn conventions: parameters in ``__init__``, ``fit``
returns ``self``, results in attributes ending in ``_``, a refit starts clean.

* **One entity**: statsmodels' ``ardl_select_order`` picks the lag orders by an information
  criterion within the bounds given, ``ARDL`` is fitted, and (optionally) the Pesaran-Shin-Smith
  bounds test of statsmodels' ``UECM`` says whether a long-run relation is there.
* **Panel** (``panel=True``): many entities pooled with entity effects, i.e. least squares with
  one dummy per entity (the within estimator) on the lagged terms, with statsmodels' ``OLS``; lag
  orders are picked by the same criterion on a common sample. With few years per entity the
  autoregressive coefficient carries Nickell's bias (of order -(1 + phi) / (T - 1)); the
  backtest is the honest check of what that costs.

Forecasts are conditional on a scenario path for the drivers (``hold`` the last value, a linear
``trend``, or a table of future values) and carry prediction intervals from the model's error
variance propagated through its autoregressive part (the uncertainty of the estimated
coefficients and of the scenario itself is not included: the backtest's interval coverage shows
how far that matters).
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aimak.errors import AimakError, InputError, Problem, fail

SCENARIOS = ("hold", "trend")


class RankError(AimakError):
    """The design cannot identify every coefficient (too few years for the drivers)."""


@dataclass
class Prepared:
    """The target and driver series of a fit, indexed by (entity, year)."""

    target: pd.Series
    drivers: pd.DataFrame
    rows: pd.Series
    excluded: int
    label: str


class DynamicRegression:
    """ARDL forecasts of ``target`` from its lags and ``drivers`` (long tables in, tables out).

    Parameters
    ----------
    target, drivers : variable names in the long table.
    max_lags : the most lags of the target tried (1..max_lags; 0 allowed with ``min_lags=0``).
    max_driver_lags : the most lags of each driver tried (0..max_driver_lags).
    ic : information criterion for the orders: ``bic``, ``aic`` or ``hqic``.
    trend : ``c`` (constant) or ``ct`` (constant and linear trend); single-entity mode only.
    panel : pool all entities with entity effects.
    bounds_test : run the bounds test for a long-run relation (single entity, with drivers).
    qc : ``exclude`` values carrying a ``qc_flag`` (default) or ``use`` them; either way they are
        counted in ``excluded_`` / ``flagged_used_``.
    allow_gaps : missing years inside a series are an error unless this is set; then the rows
        that need a missing lag are left out of the fit (and counted in ``rows_left_out_``).
    alpha : one minus the prediction intervals' coverage (0.1: 90 % intervals).
    """

    def __init__(self, target: str, drivers: tuple[str, ...] | list[str] = (),
                 max_lags: int = 2, max_driver_lags: int = 1, min_lags: int = 1,
                 ic: str = "bic", trend: str = "c", panel: bool = False,
                 bounds_test: bool = False, qc: str = "exclude", allow_gaps: bool = False,
                 alpha: float = 0.1) -> None:
        self.target = target
        self.drivers = tuple(drivers)
        self.max_lags = max_lags
        self.max_driver_lags = max_driver_lags
        self.min_lags = min_lags
        self.ic = ic
        self.trend = trend
        self.panel = panel
        self.bounds_test = bounds_test
        self.qc = qc
        self.allow_gaps = allow_gaps
        self.alpha = alpha

    # -- scikit-learn plumbing ---------------------------------------------------------------
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {k: getattr(self, k) for k in (
            "target", "drivers", "max_lags", "max_driver_lags", "min_lags", "ic", "trend",
            "panel", "bounds_test", "qc", "allow_gaps", "alpha")}

    def set_params(self, **params: Any) -> DynamicRegression:
        for k, v in params.items():
            setattr(self, k, v)
        return self

    def min_length(self) -> int:
        """The fewest years a series needs (single entity) for the largest orders tried."""
        maxlag = max(self.max_lags, self.max_driver_lags if self.drivers else 0)
        k = (1 + (self.trend == "ct") + self.max_lags
             + len(self.drivers) * (self.max_driver_lags + 1))
        if self.panel:
            return maxlag + 2
        return maxlag + k + 3

    # -- fitting -----------------------------------------------------------------------------
    def fit(self, series: pd.DataFrame, label: str = "series") -> DynamicRegression:
        """Fit on a long table (``entity, year, variable, value, source[, qc_flag]``)."""
        self._check_params()
        for attr in [a for a in vars(self) if a.endswith("_") and not a.startswith("_")]:
            delattr(self, attr)
        data = self._prepare(series, label)
        self.entities_ = sorted(data.target.index.get_level_values(0).unique())
        if not self.panel and len(self.entities_) != 1:
            raise fail(f"'{self.target}' has {len(self.entities_)} entities; fit one entity "
                       "at a time or use the panel mode", label, None, "entity")
        self.excluded_ = data.excluded
        used = series["variable"].isin([self.target, *self.drivers])
        self.flagged_used_ = 0 if self.qc == "exclude" or "qc_flag" not in series else int(
            (series["qc_flag"].notna() & used).sum())
        self.sources_ = sorted(series.loc[series["variable"].isin(
            [self.target, *self.drivers]), "source"].dropna().unique())
        self.history_ = data.target.rename("value").reset_index()
        self._data = data
        if self.panel:
            self._fit_panel(data)
        else:
            self._fit_single(data)
        return self

    def _check_params(self) -> None:
        if self.ic not in ("bic", "aic", "hqic"):
            raise AimakError(f"ic must be bic, aic or hqic, not '{self.ic}'")
        if self.trend not in ("c", "ct"):
            raise AimakError(f"trend must be 'c' or 'ct', not '{self.trend}'")
        if self.qc not in ("exclude", "use"):
            raise AimakError(f"qc must be 'exclude' or 'use', not '{self.qc}'")
        if not 0 <= self.min_lags <= self.max_lags or self.max_driver_lags < 0:
            raise AimakError("lag bounds must satisfy 0 <= min_lags <= max_lags and "
                             "max_driver_lags >= 0")
        if not 0 < self.alpha < 1:
            raise AimakError("alpha must lie between 0 and 1")
        if self.target in self.drivers:
            raise AimakError(f"'{self.target}' is the target; it cannot also be a driver")

    def _prepare(self, series: pd.DataFrame, label: str) -> Prepared:
        need = {"entity", "year", "variable", "value"}
        if missing := need - set(series.columns):
            raise fail(f"columns {', '.join(sorted(missing))} are missing", label)
        s = series.copy()
        if "row" not in s:
            s["row"] = np.arange(1, len(s) + 1)
        flagged = s["qc_flag"].notna() & (s["qc_flag"].astype(str).str.strip() != "") \
            if "qc_flag" in s else pd.Series(False, index=s.index)
        excluded = 0
        if self.qc == "exclude":
            excluded = int((flagged & s["variable"].isin([self.target, *self.drivers])).sum())
            s = s[~flagged]
        tgt = s[s["variable"] == self.target]
        if tgt.empty:
            raise fail(f"no values of the target '{self.target}'; variables found: "
                       f"{', '.join(sorted(s['variable'].unique())[:12])}", label, None,
                       "variable")
        target = tgt.set_index(["entity", "year"])["value"].sort_index()
        rows = tgt.set_index(["entity", "year"])["row"]
        # the file each row came from, when the table was read from several
        files = (tgt.set_index(["entity", "year"])["file"] if "file" in tgt
                 else pd.Series(label, index=rows.index))
        problems: list[Problem] = []
        for entity, y in target.groupby(level=0):
            years = y.index.get_level_values(1).to_numpy()
            holes = sorted(set(range(years.min(), years.max() + 1)) - set(years))
            if holes and (not self.allow_gaps or not self.panel):
                after = years[years > holes[0]].min()
                fix = ("set allow_gaps (--allow-gaps) to leave out the rows that need it"
                       if self.panel else "the single-series ARDL needs consecutive years; "
                       "use the panel mode with gaps allowed")
                problems.append(Problem(
                    f"'{self.target}' for '{entity}' has no value for "
                    f"{', '.join(map(str, holes))} (flagged values count as missing); {fix}",
                    str(files[(entity, after)]), int(rows[(entity, after)]), "year"))
            need = self.min_length()
            if len(y) < need:
                problems.append(Problem(
                    f"'{self.target}' for '{entity}' has {len(y)} years ({years.min()}-"
                    f"{years.max()}); lags up to {self.max_lags} (drivers "
                    f"{self.max_driver_lags}) need at least {need}: lower the lags or give "
                    "a longer series", str(files[(entity, years.min())]),
                    int(rows[(entity, years.min())]), "year"))
        if problems:
            raise InputError(problems)
        drivers = self._driver_table(s, target.index, label)
        return Prepared(target, drivers, rows, excluded, label)

    def _driver_table(self, s: pd.DataFrame, index: pd.MultiIndex, label: str) -> pd.DataFrame:
        """Driver values for every (entity, year) of ``index`` and all years observed; a driver
        given for one entity only (a national series) applies to every entity."""
        entities = index.get_level_values(0).unique()
        frames = []
        for d in self.drivers:
            rows = s[s["variable"] == d]
            if rows.empty:
                raise fail(f"no values of the driver '{d}'", label, None, "variable")
            own = set(rows["entity"])
            if len(own) == 1 and not own & set(entities):
                wide = rows.set_index("year")["value"]
                frame = pd.DataFrame([(e, y, v) for e in entities for y, v in wide.items()],
                                     columns=["entity", "year", d])
            else:
                frame = rows.rename(columns={"value": d})[["entity", "year", d]]
            frames.append(frame.set_index(["entity", "year"])[d])
        if not frames:
            return pd.DataFrame(index=index)
        table = pd.concat(frames, axis=1).sort_index()
        lacking = table.reindex(index).isna()
        problems = []
        for d in self.drivers:
            for entity, year in lacking.index[lacking[d].to_numpy()]:
                problems.append(Problem(
                    f"the driver '{d}' has no value for '{entity}' in {year}, a year of the "
                    "target (start the target later)", label, None, "year"))
        if problems:
            raise InputError(problems)
        return table

    def _fit_single(self, data: Prepared) -> None:
        from statsmodels.tsa.ardl import ARDL, ardl_select_order

        entity = self.entities_[0]
        y, X = self._single_frames(data, entity)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sel = ardl_select_order(y, self.max_lags, X, self.max_driver_lags if X is not None
                                    else None, trend=self.trend, ic=self.ic)
            p = max(sel.model.ardl_order[0], self.min_lags)
            # ardl_order is (p, q_1, ..., q_k): the largest lag of each driver, in order
            order = dict(zip(self.drivers, sel.model.ardl_order[1:], strict=True))
            self.lags_ = int(p)
            self.driver_lags_ = {d: int(order.get(d, 0)) for d in self.drivers}
            model = ARDL(y, self.lags_, X, self.driver_lags_ or None, trend=self.trend)
            res = model.fit()
        self.result_ = res
        self.params_ = res.params.copy()
        self.bse_ = res.bse.copy()
        self.sigma2_ = float(res.sigma2)
        self.nobs_ = int(res.nobs)
        self.rows_left_out_ = 0
        self.ic_value_ = float(getattr(res, self.ic))
        self.method_ = (f"ARDL({self.lags_}" + "".join(f", {q}" for q in
                                                       self.driver_lags_.values())
                        + f"), {self.ic.upper()}-selected, statsmodels")
        self.bounds_test_ = self._bounds(y, X) if self.bounds_test and self.drivers else None

    def _single_frames(self, data: Prepared, entity: str
                       ) -> tuple[pd.Series, pd.DataFrame | None]:
        y = data.target.loc[entity]
        idx = pd.PeriodIndex(y.index.astype(int).astype(str), freq="Y")
        ys = pd.Series(y.to_numpy(float), index=idx, name=self.target)
        if not self.drivers:
            return ys, None
        X = data.drivers.loc[entity].reindex(y.index)
        return ys, pd.DataFrame(X.to_numpy(float), index=idx, columns=list(self.drivers))

    def _bounds(self, y: pd.Series, X: pd.DataFrame) -> dict[str, Any]:
        from statsmodels.tsa.ardl import UECM

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            uecm = UECM(y, max(self.lags_, 1), X,
                        {d: max(q, 1) for d, q in self.driver_lags_.items()},
                        trend=self.trend).fit()
            case = 3 if self.trend == "c" else 5
            bt = uecm.bounds_test(case=case)
        lower, upper = float(bt.pvalue["lower"]), float(bt.pvalue["upper"])
        verdict = ("long-run relation" if upper < 0.05 else
                   "no long-run relation found" if lower > 0.05 else "inconclusive")
        return {"statistic": float(bt.statistic), "p_lower": lower, "p_upper": upper,
                "case": case, "verdict": verdict}

    # -- panel -------------------------------------------------------------------------------
    def _panel_design(self, data: Prepared, p: int, q: dict[str, int]) -> pd.DataFrame:
        """Target, its lags and the drivers' lags for every (entity, year) where all exist."""
        y = data.target
        cols = {"y": y}
        years = y.index.get_level_values(1)
        ents = y.index.get_level_values(0)
        for j in range(1, p + 1):
            cols[f"{self.target}.L{j}"] = y.reindex(
                pd.MultiIndex.from_arrays([ents, years - j])).to_numpy()
        for d, lags in q.items():
            for j in range(lags + 1):
                cols[f"{d}.L{j}"] = data.drivers[d].reindex(
                    pd.MultiIndex.from_arrays([ents, years - j])).to_numpy()
        return pd.DataFrame(cols, index=y.index)

    def _panel_ols(self, design: pd.DataFrame):
        import statsmodels.api as sm

        X = design.drop(columns="y")
        dummies = pd.get_dummies(design.index.get_level_values(0), prefix="entity",
                                 drop_first=True, dtype=float)
        dummies.index = design.index
        X = pd.concat([pd.Series(1.0, index=design.index, name="const"), X, dummies], axis=1)
        rank = np.linalg.matrix_rank(X.to_numpy(float))
        if rank < X.shape[1]:
            years = design.index.get_level_values(1)
            raise RankError(f"the years {years.min()}-{years.max()} are too few to tell the "
                            f"{X.shape[1]} coefficients apart (rank {rank}): give more years "
                            "or fewer drivers")
        return sm.OLS(design["y"], X).fit()

    def _fit_panel(self, data: Prepared) -> None:
        maxlag = max(self.max_lags, self.max_driver_lags if self.drivers else 0)
        full = self._panel_design(data, self.max_lags,
                                  {d: self.max_driver_lags for d in self.drivers})
        common = full.dropna().index
        k_max = 1 + self.max_lags + len(self.drivers) * (self.max_driver_lags + 1) + len(
            self.entities_) - 1
        if len(common) <= k_max + 2:
            raise fail(f"the panel has {len(common)} usable rows for lags up to {maxlag}, "
                       f"{k_max + 3} at least are needed for {k_max} coefficients: lower the "
                       "lags or give longer series", data.label, None, "year")
        best, last = None, None
        for p in range(self.min_lags, self.max_lags + 1):
            for qs in itertools.product(range(self.max_driver_lags + 1),
                                        repeat=len(self.drivers)):
                q = dict(zip(self.drivers, qs, strict=True))
                try:
                    res = self._panel_ols(self._panel_design(data, p, q).loc[common])
                except RankError as exc:
                    last = exc
                    continue
                value = getattr(res, self.ic)
                if best is None or value < best[0] - 1e-12:
                    best = (value, p, q)
        if best is None:
            raise last
        _, p, q = best
        design = self._panel_design(data, p, q)
        used = design.dropna()
        res = self._panel_ols(used)
        self.lags_, self.driver_lags_ = int(p), {d: int(v) for d, v in q.items()}
        self.result_ = res
        self.params_ = res.params.copy()
        self.bse_ = res.bse.copy()
        self.sigma2_ = float(res.ssr / res.df_resid)
        self.nobs_ = int(res.nobs)
        # rows before an entity's first year + the largest lag are not data lost; the others
        # lack a lag because a year is missing (a gap or a flagged value left out)
        first = design.index.get_level_values(0).map(
            data.target.groupby(level=0).apply(lambda v: v.index.get_level_values(1).min()))
        structural = (design.index.get_level_values(1) - first) < p
        self.rows_left_out_ = int((~structural & ~design.index.isin(used.index)).sum())
        self.ic_value_ = float(getattr(res, self.ic))
        self.bounds_test_ = None
        self.method_ = (f"panel ARDL({self.lags_}" + "".join(
            f", {v}" for v in self.driver_lags_.values()) + f") with entity effects, "
            f"{len(self.entities_)} entities, {self.ic.upper()}-selected, statsmodels OLS")

    def coefficients(self) -> pd.DataFrame:
        """The common coefficients (entity effects left out) with standard errors."""
        keep = [k for k in self.params_.index if not str(k).startswith("entity_")]
        return pd.DataFrame({"coefficient": self.params_[keep], "std_error": self.bse_[keep]})

    def effect(self, entity: str) -> float:
        """The intercept of ``entity``: the constant plus its entity effect (panel mode)."""
        return float(self.params_["const"] + self.params_.get(f"entity_{entity}", 0.0))

    # -- forecasting -------------------------------------------------------------------------
    def forecast(self, horizon: int = 5, scenario: str | pd.DataFrame = "hold",
                 entities: list[str] | None = None, trend_years: int = 5) -> pd.DataFrame:
        """Point forecasts and prediction intervals ``horizon`` years past each entity's last
        year, given the drivers' ``scenario``: ``hold`` (last value held), ``trend`` (linear
        trend of the last ``trend_years`` values) or a long table of future driver values.
        Columns: entity, year, variable, value, lower, upper, step, scenario, method."""
        if not hasattr(self, "params_"):
            raise AimakError("fit the model before forecasting")
        if horizon < 1:
            raise AimakError("the horizon must be at least one year")
        data = self._data
        entities = entities or self.entities_
        unknown = sorted(set(entities) - set(self.entities_))
        if unknown:
            raise AimakError(f"no fitted entity {', '.join(unknown)}")
        name = scenario if isinstance(scenario, str) else "table"
        if isinstance(scenario, str) and scenario not in SCENARIOS:
            raise AimakError(f"the scenario must be hold, trend or a table, not '{scenario}'")
        frames = []
        for entity in entities:
            y = data.target.loc[entity]
            last = int(y.index.max())
            years = list(range(last + 1, last + horizon + 1))
            path, label = self._driver_path(entity, years, scenario, trend_years)
            mean = self._point(entity, y, path, years)
            se = np.sqrt(self.sigma2_ * np.cumsum(self._psi(horizon) ** 2))
            from scipy.stats import norm

            z = norm.ppf(1 - self.alpha / 2)
            frames.append(pd.DataFrame({
                "entity": entity, "year": years, "variable": self.target, "value": mean,
                "lower": mean - z * se, "upper": mean + z * se,
                "step": np.arange(1, horizon + 1), "scenario": label or name,
                "method": self.method_}))
        return pd.concat(frames, ignore_index=True)

    def _psi(self, horizon: int) -> np.ndarray:
        """Moving-average weights of the fitted autoregressive part."""
        from statsmodels.tsa.arima_process import arma2ma

        phi = [float(self.params_.get(f"{self.target}.L{j}", 0.0))
               for j in range(1, self.lags_ + 1)]
        return arma2ma(np.r_[1.0, -np.asarray(phi)], np.array([1.0]), lags=horizon)

    def _driver_path(self, entity: str, years: list[int], scenario: str | pd.DataFrame,
                     trend_years: int) -> tuple[pd.DataFrame, str]:
        """Driver values for the forecast years: observed where known, else the scenario."""
        if not self.drivers:
            return pd.DataFrame(index=years), ""
        known = self._data.drivers.loc[entity]
        out = known.reindex(years)
        labels = []
        for d in self.drivers:
            have = known[d].dropna()
            todo = out[d].isna()
            if not todo.any():
                continue
            if isinstance(scenario, pd.DataFrame):
                s = scenario[(scenario["variable"] == d)
                             & scenario["entity"].isin([entity, *self._national(d)])]
                given = s.set_index("year")["value"]
                out.loc[todo, d] = given.reindex(out.index[todo]).to_numpy()
                lack = out.index[out[d].isna()].tolist()
                if lack:
                    raise AimakError(f"the scenario table gives no '{d}' for "
                                     f"{', '.join(map(str, lack))}")
                labels.append(f"{d}: scenario table")
            elif scenario == "hold":
                out.loc[todo, d] = have.iloc[-1]
                labels.append(f"{d}: held at {have.index[-1]} value")
            else:
                tail = have.iloc[-trend_years:]
                slope, icept = np.polyfit(tail.index.to_numpy(float), tail.to_numpy(), 1)
                out.loc[todo, d] = icept + slope * out.index[todo].to_numpy(float)
                labels.append(f"{d}: linear trend of {tail.index[0]}-{tail.index[-1]}")
        return out, "; ".join(labels) or "drivers observed"

    def _national(self, driver: str) -> list[str]:
        return ["KG", "national", "*"]

    def _point(self, entity: str, y: pd.Series, path: pd.DataFrame, years: list[int]
               ) -> np.ndarray:
        if not self.panel:
            idx = pd.PeriodIndex([str(v) for v in years], freq="Y")
            exog = (pd.DataFrame(path.to_numpy(float), index=idx, columns=list(self.drivers))
                    if self.drivers else None)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return np.asarray(self.result_.forecast(len(years), exog=exog), float)
        history = dict(zip(y.index.astype(int), y.to_numpy(float), strict=True))
        drivers = pd.concat([self._data.drivers.loc[entity], path]).sort_index()
        drivers = drivers[~drivers.index.duplicated(keep="last")]
        out = []
        for year in years:
            value = self.effect(entity)
            for j in range(1, self.lags_ + 1):
                if year - j not in history:
                    raise AimakError(f"'{self.target}' for '{entity}' has no value for "
                                     f"{year - j}, which the forecast of {year} needs "
                                     f"({self.lags_} lags)")
                value += self.params_[f"{self.target}.L{j}"] * history[year - j]
            for d, lags in self.driver_lags_.items():
                for j in range(lags + 1):
                    value += self.params_[f"{d}.L{j}"] * drivers.loc[year - j, d]
            history[year] = value
            out.append(value)
        return np.asarray(out)
