"""Scores of a backtest, the Diebold-Mariano comparison with the last value, and the verdict a
planner reads, in words (``Said``: English as a string, said in ru/ky/en by ``text(lang)``)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from aimak.i18n import N_, Said


def diebold_mariano(d: np.ndarray, horizon: int, level: float = 0.95) -> dict[str, float]:
    """Diebold-Mariano test of a mean loss differential ``d`` (one value per origin, e.g. the
    model's mean absolute error less the last value's), with the autocovariances of the
    overlapping ``horizon``-step forecasts and the small-sample correction of Harvey, Leybourne
    and Newbold (1997): the statistic times sqrt((n + 1 - 2h + h(h - 1)/n) / n), referred to
    Student's t with n - 1 degrees of freedom. Returns ``n, mean, low, high, statistic, p``;
    NaN where n is too small for the correction (it is not positive).

    Written out because it also gives the confidence interval of the mean differential (the
    PyPI ``dieboldmariano`` package returns the statistic and p-value only)."""
    d = np.asarray(d, float)
    n = len(d)
    nan = {"n": n, "mean": float(d.mean()) if n else math.nan, "low": math.nan,
           "high": math.nan, "statistic": math.nan, "p": math.nan}
    correction = (n + 1 - 2 * horizon + horizon * (horizon - 1) / n) / n if n else 0.0
    if n < 2 or correction <= 0:
        return nan
    centred = d - d.mean()
    gamma = [float(centred[k:] @ centred[:n - k]) / n for k in range(min(horizon, n))]
    var = gamma[0] + 2 * sum(gamma[1:])
    if var <= 0:
        var = gamma[0]
    if var <= 0:
        return nan
    se = math.sqrt(var / n) / math.sqrt(correction)
    stat = float(d.mean() / se)
    q = float(stats.t.ppf(0.5 + level / 2, n - 1))
    return {"n": n, "mean": float(d.mean()), "low": float(d.mean() - q * se),
            "high": float(d.mean() + q * se), "statistic": stat,
            "p": float(2 * stats.t.sf(abs(stat), n - 1))}


def score(folds: pd.DataFrame) -> pd.DataFrame:
    """Per horizon: forecasts, origins, MAE and MAPE of the procedure (``model``), the last
    value (``naive``) and the drift; skill against the last value (1 - MAE ratio); the share
    of actual values inside the interval; and the Diebold-Mariano comparison of the absolute
    errors (per origin, averaged over the entities): ``dm_mean`` (model less last value, in
    the indicator's units), ``dm_low``, ``dm_high`` (95 %), ``dm_p``."""
    out = []
    for h, f in folds.groupby("horizon"):
        row: dict = {"horizon": int(h), "forecasts": len(f), "origins": f["origin"].nunique()}
        for name in ("model", "naive", "drift"):
            err = (f[name] - f["actual"]).abs()
            row[f"mae_{name}"] = float(err.mean())
            nonzero = f["actual"] != 0
            row[f"mape_{name}"] = float((err[nonzero] / f.loc[nonzero, "actual"].abs()).mean()
                                        * 100)
        base = row["mae_naive"]
        row["skill"] = (float(1 - row["mae_model"] / base) if base > 0
                        else 0.0 if row["mae_model"] == 0 else -np.inf)
        row["coverage"] = float(((f["actual"] >= f["lower"]) & (f["actual"] <= f["upper"]))
                                .mean())
        diff = ((f["model"] - f["actual"]).abs() - (f["naive"] - f["actual"]).abs())
        per_origin = diff.groupby(f["origin"]).mean().sort_index().to_numpy()
        dm = diebold_mariano(per_origin, int(h))
        row.update({"dm_mean": dm["mean"], "dm_low": dm["low"], "dm_high": dm["high"],
                    "dm_p": dm["p"]})
        out.append(row)
    return pd.DataFrame(out)


def horizon_verdict(h: int, last_year: int, choice: str, scores: pd.Series | None
                    ) -> list[Said]:
    """What to use ``h`` years after ``last_year``, and how sure that is: the procedure's
    pick at the last fit (named apart, by ``candidate_text``), its skill in the backtest, the
    Diebold-Mariano interval."""
    year = last_year + h
    if choice == "last_value":
        said = [Said(N_("{year} ({h}-year horizon): use the "
                        "{last_year} figure; no candidate model beat it in the backtests "
                        "of the years up to {last_year}."), year=str(year), h=h,
                     last_year=str(last_year))]
    elif scores is None or not scores["skill"] > 0:
        said = [Said(N_("{year} ({h}-year horizon): the procedure "
                        "picks a model, but over the earlier origins it did not beat the "
                        "last published figure; use the {last_year} figure."), year=str(year),
                     h=h, last_year=str(last_year))]
    else:
        said = [Said(N_("{year} ({h}-year horizon): use the "
                        "forecast; in the backtest over all rayons its errors were {pct} % "
                        "smaller than those of the last published figure."), year=str(year),
                     h=h, pct=round(100 * float(scores["skill"]), 1))]
    if scores is not None:
        said.append(uncertainty(scores))
    return said


def uncertainty(scores: pd.Series) -> Said:
    """One sentence on how sure the comparison with the last value is."""
    if not np.isfinite(scores.get("dm_low", np.nan)):
        return Said(N_("With {n} backtest origins at this horizon there are too few to say "
                       "how sure this is."), n=int(scores["origins"]))
    if scores["dm_high"] < 0:
        key = N_("Over {n} origins the mean error was {diff} points lower than the last "
                 "value's (95 % interval {low} to {high}): a real gain.")
    elif scores["dm_low"] > 0:
        key = N_("Over {n} origins the mean error was {diff} points higher than the last "
                 "value's (95 % interval {low} to {high}): a real loss.")
    else:
        key = N_("Over {n} origins the difference in mean error from the last value, {diff} "
                 "points (95 % interval {low} to {high}), could be chance.")
    return Said(key, n=int(scores["origins"]), diff=round(abs(float(scores["dm_mean"])), 2)
                if scores["dm_high"] < 0 or scores["dm_low"] > 0
                else round(float(scores["dm_mean"]), 2),
                low=round(float(scores["dm_low"]), 2), high=round(float(scores["dm_high"]), 2))


def entity_verdict(scores: pd.DataFrame | None) -> Said:
    """One sentence for one rayon: at which horizons the procedure beat the last value on
    that rayon's own backtest forecasts."""
    if scores is None or scores.empty:
        return Said(N_("No backtest forecast of this rayon could be scored."))
    won = [int(h) for h in scores.loc[scores["skill"] > 0, "horizon"]]
    n = int(scores["forecasts"].sum())
    if not won:
        return Said(N_("On this rayon's {n} backtest forecasts the procedure did not "
                       "beat the last published figure at any horizon; for this rayon, use "
                       "the last figure."), n=n)
    if len(won) == len(scores):
        return Said(N_("On this rayon's {n} backtest forecasts the procedure beat the "
                       "last published figure at every horizon (few forecasts: a weak "
                       "test)."), n=n)
    return Said(N_("On this rayon's {n} backtest forecasts the procedure beat the "
                   "last published figure only {years} years ahead (few forecasts: a weak "
                   "test)."), n=n, years=", ".join(map(str, won)))
