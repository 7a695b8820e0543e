"""Forecasts of local indicators a planner can use: candidates for a short panel, the choice
per horizon made by a backtest inside each training window, calibrated (conformal) intervals,
the whole procedure backtested against the last published value, and the verdict in words.
No web dependency: ``forecast()`` returns plain tables a page or a report renders.

    from aimak.forecast import forecast, poverty_series, national_series
    series = pd.concat([poverty_series(folder), national_series(folder)])
    out = forecast(series, "poverty_rate_pct", groups=rayon_oblasts(folder))
    out.forecast, out.scores, out.verdict, out.choices, out.last_year

See docs/forecast.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from aimak.errors import AimakError, fail
from aimak.forecast.choose import (
    BASELINE,
    ChosenForecast,
    assess,
    candidate_text,
    default_candidates,
)
from aimak.forecast.data import (
    check_series,
    national_series,
    poverty_series,
    rayon_oblasts,
    read_series,
)
from aimak.forecast.skill import diebold_mariano, entity_verdict, horizon_verdict, score
from aimak.i18n import Said

__all__ = [
    "BASELINE",
    "ChosenForecast",
    "ForecastResult",
    "assess",
    "candidate_text",
    "check_series",
    "default_candidates",
    "diebold_mariano",
    "forecast",
    "national_series",
    "panel_tables",
    "poverty_series",
    "rayon_oblasts",
    "read_series",
    "score",
]


@dataclass
class ForecastResult:
    """Everything a page or report shows about one forecast.

    ``series``: the published values used (entity, year, value, source); ``excluded``: the
    flagged values left out, with the flag; ``last_year``: the last year with published values;
    ``forecast``: entity, year, horizon, value, lower, upper, candidate, provenance
    (``modelled``); ``choices``: per horizon the candidate picked and its label;
    ``candidates``: the inner backtest of the last fit (per horizon and candidate: MAE, skill);
    ``scores``: the outer backtest of the whole procedure per horizon (see
    ``aimak.forecast.skill.score``); ``folds``: its every forecast; ``verdict``: sentences
    (``Said``) per horizon; ``drivers``: the drivers' history (year, variable, value, source)
    and ``scenario``: what is assumed for them; ``facts``; ``sources``.
    """

    series: pd.DataFrame
    excluded: pd.DataFrame
    last_year: int
    forecast: pd.DataFrame
    choices: pd.DataFrame
    candidates: pd.DataFrame
    scores: pd.DataFrame | None
    folds: pd.DataFrame | None
    verdict: list[Said]
    drivers: pd.DataFrame
    scenario: str
    facts: dict[str, Any] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def for_entity(self, entity: str) -> dict[str, Any]:
        """What a page about one rayon shows: its ``series``, ``excluded`` values,
        ``forecast`` and backtest ``folds``, its own ``scores`` (the procedure scored on its
        folds only) and ``verdict`` (one sentence), and the procedure's overall ``choices``,
        ``overall`` verdict, ``facts`` and ``sources``."""
        known = set(self.series["entity"])
        if entity not in known:
            raise AimakError(f"no series for '{entity}'; entities are "
                             f"{', '.join(sorted(map(str, known))[:20])}")
        folds = (self.folds[self.folds["entity"] == entity] if self.folds is not None
                 else None)
        scores = score(folds) if folds is not None and len(folds) else None
        return {"entity": entity,
                "series": self.series[self.series["entity"] == entity],
                "excluded": self.excluded[self.excluded["entity"] == entity],
                "forecast": self.forecast[self.forecast["entity"] == entity],
                "folds": folds, "scores": scores, "verdict": entity_verdict(scores),
                "overall": self.verdict, "choices": self.choices,
                "last_year": self.last_year, "facts": self.facts, "sources": self.sources}


def panel_tables(series: pd.DataFrame, target: str, drivers: tuple[str, ...] = (),
                 qc: str = "exclude", label: str = "series"
                 ) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame, pd.DataFrame]:
    """The wide panel of ``target`` (entities x consecutive years, NaN where no value), the
    national drivers (years x drivers), the values used and the flagged values left out."""
    if qc not in ("exclude", "use"):
        raise AimakError(f"qc must be 'exclude' or 'use', not '{qc}'")
    rows = series[series["variable"] == target]
    if rows.empty:
        raise fail(f"no values of the target '{target}'; variables found: "
                   f"{', '.join(sorted(series['variable'].unique())[:12])}", label, None,
                   "variable")
    flag = (rows["qc_flag"].fillna("").astype(str).str.strip() != "") if "qc_flag" in rows \
        else pd.Series(False, index=rows.index)
    excluded = rows[flag] if qc == "exclude" else rows.iloc[:0]
    used = rows[~flag] if qc == "exclude" else rows
    wide = used.pivot(index="entity", columns="year", values="value")
    years = range(int(rows["year"].min()), int(rows["year"].max()) + 1)
    Y = wide.reindex(columns=years)
    Y.columns.name = "year"
    X = None
    if drivers:
        frames = []
        for d in drivers:
            d_rows = series[series["variable"] == d]
            if d_rows.empty:
                raise fail(f"no values of the driver '{d}'", label, None, "variable")
            if d_rows["entity"].nunique() != 1:
                raise fail(f"the driver '{d}' has values for several entities; drivers are "
                           "national series (one value per year)", label, None, "entity")
            frames.append(d_rows.set_index("year")["value"].rename(d))
        X = pd.concat(frames, axis=1).sort_index()
    cols = ["entity", "year", "value", "source", "qc_flag"]
    return (Y, X, used.reindex(columns=cols).reset_index(drop=True),
            excluded.reindex(columns=cols).reset_index(drop=True))


def forecast(series: pd.DataFrame, target: str, drivers: list[str] | tuple[str, ...] = (),
             horizon: int = 3, alpha: float = 0.1, groups: dict[str, str] | None = None,
             qc: str = "exclude", backtest: bool = True, label: str = "series",
             **params: Any) -> ForecastResult:
    """Choose, calibrate and forecast ``target`` for 1..``horizon`` years after its last
    published year, and (``backtest``) score the whole procedure on earlier origins.
    ``params`` go to ``ChosenForecast`` (``min_origins``, ``calibration_origins``...)."""
    drivers = tuple(drivers)
    Y, X, used, excluded = panel_tables(series, target, drivers, qc, label)
    seen = Y.notna().mean(axis=0)
    last_year = int(max(t for t in Y.columns if seen[t] >= 0.5))
    Y = Y.loc[:, :last_year]
    proc = ChosenForecast(horizon=horizon, alpha=alpha, groups=groups, drivers=drivers,
                          **params).fit(Y, X)
    fc = proc.predict().assign(variable=target, provenance="modelled")
    choices = pd.DataFrame([{"horizon": h, "year": last_year + h, "candidate": c,
                             "label": proc.labels_[c], "evidence": proc.evidence_[h],
                             "halfwidth": proc.halfwidth_[h]}
                            for h, c in proc.choice_.items()])
    scores = folds = None
    if backtest:
        folds = assess(ChosenForecast(**proc.get_params()), Y, X)
        scores = score(folds)
    verdict: list[Said] = []
    for h, c in proc.choice_.items():
        row = None if scores is None or h not in set(scores["horizon"]) else \
            scores.set_index("horizon").loc[h]
        verdict.extend(horizon_verdict(h, last_year, c, row))
    driver_rows = (series[series["variable"].isin(drivers)]
                   .reindex(columns=["year", "variable", "value", "source"])
                   .sort_values(["variable", "year"]).reset_index(drop=True))
    scenario = ("; ".join(f"{d}: held at its {int(X[d].dropna().index.max())} value"
                          for d in drivers) if drivers else "")
    facts = {"entities": int(Y.shape[0]), "years": f"{int(Y.columns.min())}-{last_year}",
             "values_used": len(used), "flagged_excluded": len(excluded),
             "interval": f"{100 * (1 - alpha):.0f} %", "alpha": alpha, "horizon": horizon,
             "candidates": list(proc._candidates()), "min_origins": proc.min_origins,
             "calibration_origins": proc.calibration_origins}
    sources = sorted(series.loc[series["variable"].isin([target, *drivers]), "source"]
                     .dropna().unique())
    return ForecastResult(series=used, excluded=excluded, last_year=last_year, forecast=fc,
                          choices=choices, candidates=proc.table_, scores=scores, folds=folds,
                          verdict=verdict, drivers=driver_rows, scenario=scenario,
                          facts=facts, sources=sources)

