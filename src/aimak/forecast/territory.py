"""Forecasts for the territory report: projected population per proposed unit, and the rayon
poverty panel (fit on every rural rayon, shown for the region's) with its backtest.

Everything returned is plain data (lists of records, strings), so the pipeline can cache it as
JSON and the report (or a web page) can render it without refitting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from aimak.forecast.data import CENSUS_FILE, POVERTY_FILE, WDI_FILE

#: The poverty forecast's settings: the target, the national drivers the pooled ARDL
#: candidates may use (remittances as a share of GDP, GDP growth; held at their last value),
#: and the years ahead (3: the furthest the nested backtest can check on 2011-2020).
POVERTY_MODEL = {"target": "poverty_rate_pct",
                 "drivers": ["remittances_pct_gdp_derived", "gdp_growth_pct"], "horizon": 3}
HORIZON_YEAR = 2030


def has_inputs(folder: Path | None) -> bool:
    """Whether ``folder`` holds the census, poverty and WDI files the section needs."""
    return folder is not None and all((Path(folder) / f).exists()
                                      for f in (CENSUS_FILE, POVERTY_FILE, WDI_FILE))


def population_projection(folder: Path, settlements: pd.DataFrame,
                          horizon: int = HORIZON_YEAR) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Settlement projections to ``horizon`` and the rayon growth rates used."""
    from aimak.forecast.data import national_series
    from aimak.forecast.population import (
        national_growth,
        project_settlements,
        rayon_growth,
        read_census,
    )

    rates = rayon_growth(read_census(Path(folder) / CENSUS_FILE))
    national = national_growth(national_series(folder), 2009, 2022)
    projected = project_settlements(settlements, rates, horizon, national, (2009, 2022))
    # the rates this region uses: its rayons', and the national ones where a rayon has none
    shown = rates[rates["rayon"].isin(set(settlements["rayon"]))]
    fallback = settlements.loc[~settlements["rayon"].isin(set(rates["rayon"])), "kind"]
    extra = [{"rayon": "Kyrgyzstan, " + ("rural" if k == "village" else "urban"),
              "rate": national[k], "basis": "World Development Indicators 2009 - 2022",
              "source": "World Bank World Development Indicators"}
             for k in sorted({"village" if k == "village" else "town" for k in fallback},
                             reverse=True)]
    return projected, pd.concat([shown, pd.DataFrame(extra)], ignore_index=True)


def plan_projection(mapping: pd.DataFrame, settlements: pd.DataFrame, projected: pd.DataFrame,
                    criteria: dict[str, Any]) -> pd.DataFrame:
    """``new_unit, projected_population`` with its range (``projected_population_low``,
    ``projected_population_high``), ``projection_year``, ``below_minimum_projected`` and
    ``below_minimum_possible`` (the low end of the range below the minimum) of a plan."""
    from aimak.forecast.population import project_units

    units = project_units(mapping, settlements, projected, criteria.get("min_population"))
    return units.rename(columns={"population_projected": "projected_population",
                                 "population_low": "projected_population_low",
                                 "population_high": "projected_population_high"})


def poverty_section(folder: Path, region_rayons: list[str], lang: str = "ru",
                    params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Choose, backtest and forecast rayon poverty over all rural rayons; the region's rayons
    are shown. Plain data: the report renders it without refitting."""
    from aimak.forecast import candidate_text, forecast
    from aimak.forecast.chart import forecast_svg
    from aimak.forecast.data import national_series, poverty_series, rayon_oblasts
    from aimak.i18n import _, use_language

    p = {**POVERTY_MODEL, **(params or {})}
    series = pd.concat([poverty_series(folder), national_series(folder)], ignore_index=True)
    extra = {k: p[k] for k in ("alpha", "min_origins", "calibration_origins") if k in p}
    result = forecast(series, p["target"], p["drivers"], horizon=p["horizon"],
                      groups=rayon_oblasts(folder), label=str(folder), **extra)
    shown = [r for r in region_rayons if r in set(result.forecast["entity"])]
    fc = result.forecast[result.forecast["entity"].isin(shown)].assign(
        scenario=result.scenario)
    hist = result.series[result.series["entity"].isin(shown)]
    with use_language(lang):
        svg = forecast_svg(hist, fc, _("Poverty rate, % (forecast with {level} interval)")
                           .format(level=result.facts["interval"]), "%", shown,
                           band_label=_("interval"), forecast_label=_("forecast"))
        method = "; ".join(dict.fromkeys(candidate_text(lab) for lab in
                                         result.choices["label"]))
    used = set(zip(result.series["entity"], result.series["year"], strict=True))
    first = result.series.groupby("entity")["year"].min()
    lagless = sum(1 for e, y in used if y > first[e] and (e, y - 1) not in used)
    facts = {"method": method, "observations": result.facts["values_used"],
             "entities": result.facts["entities"],
             "flagged_excluded": result.facts["flagged_excluded"],
             "rows_left_out": lagless, "interval": result.facts["interval"],
             "last_year": result.last_year}
    return {"target": p["target"], "drivers": list(p["drivers"]), "shown": shown,
            "forecast": fc.to_dict("records"), "history": hist.to_dict("records"),
            "scores": result.scores.to_dict("records"),
            "verdict": [v.text(lang) for v in result.verdict], "facts": facts,
            "sources": result.sources, "chart": svg}
