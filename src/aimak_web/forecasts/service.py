"""The forecasts the pages show, computed by the core (``aimak.forecast``) once per input.

The series are the real files of the shared data folder (rayon poverty rates of the National
Statistical Committee, World Development Indicators); the procedure is the core's
(``aimak.forecast.forecast`` with ``aimak.forecast.territory.POVERTY_MODEL``): a candidate per
horizon chosen by backtests inside each training window, conformal intervals, and the whole
procedure backtested against the last published value.

Choosing and backtesting takes seconds, too long for a page request, so the result is kept in
``$AIMAK_DATA_DIR/forecasts/`` under a key made of the input files' sizes and times and the
aimak version (a changed file or release computes anew), shared by every server process, and
warmed by the demo. Each process also keeps it in memory.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings

import aimak
from aimak.errors import AimakError
from aimak.paths import folder_or_none

log = logging.getLogger(__name__)

#: The shared data files the poverty forecast reads.
INPUTS = ("rayon_poverty_2011_2020.csv", "national_series_wdi.csv")


def data_folder() -> Path | None:
    folder = folder_or_none(settings.AIMAK_SHARED_DATA)
    return folder if folder is not None and (folder / INPUTS[0]).exists() else None


def _stored(folder: str) -> Path:
    h = hashlib.sha256(aimak.__version__.encode())
    for name in INPUTS:
        path = Path(folder) / name
        st = path.stat() if path.exists() else None
        h.update(f"{name}:{st.st_size}:{st.st_mtime_ns}".encode() if st else name.encode())
    return Path(settings.DATA_DIR) / "forecasts" / f"poverty-{h.hexdigest()[:16]}.pickle"


@lru_cache(maxsize=2)
def poverty_forecast(folder: str):
    """The poverty forecast (a ``ForecastResult`` plus the rayons' codes), read from the
    shared store when this input was computed before, else computed and stored."""
    path = _stored(folder)
    if path.exists():
        try:
            return pickle.loads(path.read_bytes())  # written by this function only
        except Exception:  # a file of another library version: compute it again
            log.warning("forecast store %s unreadable; computing again", path)
    result = _compute(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".partial")
    with os.fdopen(fd, "wb") as f:
        pickle.dump(result, f)
    os.replace(tmp, path)  # atomic: a reader sees a whole file or none
    return result


def _compute(folder: str) -> dict[str, Any]:
    from aimak.forecast import forecast
    from aimak.forecast.data import national_series, poverty_series, rayon_codes, rayon_oblasts
    from aimak.forecast.territory import POVERTY_MODEL

    p = POVERTY_MODEL
    series = pd.concat([poverty_series(folder), national_series(folder)], ignore_index=True)
    result = forecast(series, p["target"], p["drivers"], horizon=p["horizon"],
                      groups=rayon_oblasts(folder), label=str(folder))
    return {"result": result, "codes": rayon_codes(folder)}


def _loaded() -> dict[str, Any] | None:
    folder = data_folder()
    return poverty_forecast(str(folder)) if folder is not None else None


def _rayons(codes: dict[str, str]) -> dict[str, Any]:
    """Entity (English name in the poverty file) -> the directory's rayon, matched on СОАТЕ."""
    from aimak_web.places.models import Rayon

    by_code = {r.code: r for r in Rayon.objects.filter(code__in=codes.values())
                                                .select_related("oblast")}
    return {e: by_code[c] for e, c in codes.items() if c in by_code}


@lru_cache(maxsize=2)
def _names(folder: str) -> dict[str, dict[str, str]]:
    from aimak.forecast.data import rayon_names

    return rayon_names(folder)


def display_name(entity: str, rayon, code: str | None) -> str:
    """A rayon's name in the reader's language: the directory's, else OCHA's names by СОАТЕ
    code, else the poverty file's (English) name."""
    from aimak_web.core.text import reader_language

    if rayon is not None:
        return rayon.name
    folder = data_folder()
    names = _names(str(folder)).get(code or "", {}) if folder is not None else {}
    return names.get(reader_language()) or names.get("ru") or entity


def overview() -> dict[str, Any] | None:
    """What the forecasts' index page shows: the procedure's verdict, its backtest, the
    choices per year ahead, the drivers' history and scenario, and the rayons."""
    loaded = _loaded()
    if loaded is None:
        return None
    result = loaded["result"]
    rayons = _rayons(loaded["codes"])
    names = sorted(map(str, result.series["entity"].unique()))
    rows = [{"entity": n, "rayon": rayons.get(n),
             "name": display_name(n, rayons.get(n), loaded["codes"].get(n))} for n in names]
    rows.sort(key=lambda r: r["name"])
    drivers = result.drivers
    years = sorted(drivers["year"].unique()) if len(drivers) else []
    wide = drivers.pivot(index="year", columns="variable", values="value") if len(drivers) \
        else pd.DataFrame()
    driver_rows = [{"year": int(y), **{v: wide.at[y, v] for v in wide.columns}}
                   for y in years if y >= int(result.series["year"].min())]
    return {"result": result, "rows": rows, "scores": _records(result.scores),
            "choices": result.choices.to_dict("records"), "driver_rows": driver_rows,
            "driver_names": list(wide.columns), "driver_last": {
                v: int(wide[v].dropna().index.max()) for v in wide.columns},
            "driver_sources": source_texts(sorted(drivers["source"].dropna().unique())),
            "sources": source_texts(result.sources)}


def rayon_view(entity: str) -> dict[str, Any] | None:
    """What a rayon's page shows, or None when there is no data or no series for it."""
    loaded = _loaded()
    if loaded is None:
        return None
    try:
        view = loaded["result"].for_entity(entity)
    except AimakError:
        return None
    rayon = _rayons({entity: loaded["codes"].get(entity, "")}).get(entity)
    view["rayon"] = rayon
    view["name"] = display_name(entity, rayon, loaded["codes"].get(entity))
    view["sources"] = source_texts(view["sources"])
    view["scores"] = _records(view["scores"])
    view["choices"] = _records(view["choices"])
    view["municipalities"] = derived_municipalities(rayon, view["forecast"]) if rayon else []
    return view


def rayon_outlook(rayon_code: str) -> dict[str, Any] | None:
    """A rayon's poverty series in brief, for other apps' pages (the rayon portraits): the
    ``entity`` (the key of its forecasts page), the ``last`` published figure (year, value, %,
    official) and the ``forecast`` for the farthest year ahead (value and 90 % interval,
    modelled), with the ``sources`` in the reader's language; None when the shared data has
    no poverty series for the rayon with СОАТЕ ``rayon_code``."""
    folder = data_folder()
    entity = _codes(str(folder)).get(rayon_code) if folder is not None else None
    if entity is None:
        return None
    try:
        view = _loaded()["result"].for_entity(entity)
    except AimakError:
        return None
    series, forecast = view["series"].sort_values("year"), view["forecast"].sort_values("year")
    if series.empty or forecast.empty:
        return None
    last, ahead = series.iloc[-1], forecast.iloc[-1]
    return {"entity": entity,
            "last": {"year": int(last["year"]), "value": float(last["value"])},
            "forecast": {"year": int(ahead["year"]), "value": float(ahead["value"]),
                         "lower": float(ahead["lower"]), "upper": float(ahead["upper"])},
            "sources": source_texts(view["sources"])}


def derived_municipalities(rayon, forecast: pd.DataFrame) -> list[dict[str, Any]]:
    """Each ayil aimak of ``rayon`` with a population: the rayon's forecast rate applied to
    its population, i.e. the number of people expected below the poverty line (derived: the
    rayon's rate, not a figure of the ayil aimak)."""
    fc = forecast.sort_values("year")
    out = []
    for m in rayon.municipalities.filter(population__isnull=False).order_by("name_ru"):
        out.append({"m": m, "years": [
            {"year": int(r.year), "people": m.population * r.value / 100,
             "lower": m.population * max(r.lower, 0.0) / 100,
             "upper": m.population * min(r.upper, 100.0) / 100} for r in fc.itertuples()]})
    return out


@lru_cache(maxsize=2)
def _codes(folder: str) -> dict[str, str]:
    from aimak.forecast.data import rayon_codes

    return {c: e for e, c in rayon_codes(folder).items()}


def municipality_view(municipality, horizon: int) -> dict[str, Any] | None:
    """One municipality's forecasts: its population projected to ``horizon`` with its range,
    and the derived poverty forecast (its rayon's rate applied to its population) where its
    rayon has a poverty series (known from the file's codes before any fit)."""
    folder = data_folder()
    if folder is None or municipality.population is None:
        return None
    proj = projection(municipality.population, municipality.population_year,
                      municipality.rayon.code, municipality.kind, horizon)
    entity = _codes(str(folder)).get(municipality.rayon.code)
    out: dict[str, Any] = {"projection": proj, "rayon": municipality.rayon, "rows": []}
    if entity is not None:
        view = _loaded()["result"].for_entity(entity)
        out.update(entity=entity, rows=derived_municipalities_for(municipality,
                                                                  view["forecast"]),
                   last_year=view["last_year"])
    return out if proj is not None or out["rows"] else None


def derived_municipalities_for(m, forecast: pd.DataFrame) -> list[dict[str, Any]]:
    return [{"year": int(r.year), "rate": r.value, "people": m.population * r.value / 100,
             "lower": m.population * max(r.lower, 0.0) / 100,
             "upper": m.population * min(r.upper, 100.0) / 100}
            for r in forecast.sort_values("year").itertuples()]


@lru_cache(maxsize=2)
def _growth(folder: str) -> dict[str, Any] | None:
    """Rayon growth rates and spreads (census file) by СОАТЕ code, and the national rural and
    urban rates (WDI 2009-2022) for rayons without a census series."""
    from aimak.forecast.data import CENSUS_FILE, WDI_FILE, national_series
    from aimak.forecast.population import national_growth, rayon_growth, read_census

    if not (Path(folder) / CENSUS_FILE).exists() or not (Path(folder) / WDI_FILE).exists():
        return None
    rates = rayon_growth(read_census(Path(folder) / CENSUS_FILE))
    return {"rayons": {r["code"]: r for r in rates.to_dict("records")},
            "national": national_growth(national_series(folder), 2009, 2022),
            "sd": float(rates["rate_sd"].median())}


def projection(population: float | None, year: int | None, rayon_code: str, kind: str,
               horizon: int) -> dict[str, Any] | None:
    """A population figure projected to ``horizon`` with its range: at its rayon's census
    growth (or the national rural or urban rate), plus or minus the spread of past rates."""
    from aimak.forecast.population import projection_range

    folder = data_folder()
    growth = _growth(str(folder)) if folder is not None else None
    if growth is None or population is None or year is None:
        return None
    own = growth["rayons"].get(rayon_code)
    if own is not None:
        rate, sd, basis = own["rate"], own["rate_sd"], "rayon"
    else:
        rate = growth["national"]["village" if kind == "ayil_aimak" else "town"]
        sd, basis = growth["sd"], "national"
    mid, low, high = projection_range(population, year, horizon, rate, sd)
    return {"year": horizon, "value": float(mid), "low": float(low), "high": float(high),
            "rate": rate, "basis": basis, "census": own}


def unit_projections(mapping: list[dict], names: dict[str, str], horizon: int
                     ) -> list[dict[str, Any]]:
    """Each unit of a scenario (``mapping``: old_code -> new_unit): population today and
    projected to ``horizon`` with its range (the sum of its municipalities'; their ranges
    added as if their rates moved together)."""
    from aimak_web.places.models import Municipality

    unit_of = {r["old_code"]: r["new_unit"] for r in mapping}
    units: dict[str, dict[str, Any]] = {}
    for m in Municipality.objects.filter(code__in=unit_of).select_related("rayon"):
        u = units.setdefault(unit_of[m.code], {"unit": unit_of[m.code], "today": 0.0,
                                                "value": 0.0, "low": 0.0, "high": 0.0,
                                                "missing": 0})
        p = projection(m.population, m.population_year, m.rayon.code, m.kind, horizon)
        if p is None:
            u["missing"] += 1
            continue
        u["today"] += m.population
        for k in ("value", "low", "high"):
            u[k] += p[k]
    return [{**u, "name": names.get(k, k)} for k, u in sorted(units.items())]


def chart_svg(entity: str, lang: str) -> str | None:
    """The rayon's published values, forecast and interval as an SVG (the core's chart), its
    words in ``lang`` and the sources under it."""
    from django.utils import translation
    from django.utils.translation import gettext as _

    from aimak.forecast.chart import forecast_svg

    view = rayon_view(entity)
    if view is None:
        return None
    with translation.override(lang):
        name = view["name"]
        return forecast_svg(
            view["series"], view["forecast"], _("Poverty rate, %"),
            "%", [entity], band_label=_("90 % interval"), forecast_label=_("forecast"),
            names={entity: name}, actual_label=_("published"),
            note=_("Sources: {sources}").format(sources="; ".join(
                source_texts(view["sources"]))))


def source_texts(sources: list[str]) -> list[str]:
    """The sources as the reader's language names them (the core's are English)."""
    from django.utils.translation import gettext as _

    known = {
        "National Statistical Committee via WFP PRISM (rayon_poverty_2011_2020.csv)":
            _("National Statistical Committee of the Kyrgyz Republic, as published by WFP "
              "PRISM (file rayon_poverty_2011_2020.csv)"),
        "World Bank World Development Indicators (national_series_wdi.csv)":
            _("World Bank, World Development Indicators (file national_series_wdi.csv)"),
    }
    return [known.get(s, s) for s in sources]


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    return frame.to_dict("records") if frame is not None else []


def warm(ctx) -> None:
    """Demo loader: compute the forecasts once now, so that no visitor waits for the fit."""
    folder = data_folder()
    if folder is None:
        ctx.log("Forecasts: no shared data folder, the forecast pages say so")
        return
    result = poverty_forecast(str(folder))["result"]
    ctx.log(f"Forecasts: poverty procedure chosen and backtested for "
            f"{result.series['entity'].nunique()} rayons")


def budget_view(hearing, sections: dict) -> dict[str, Any]:
    """The trend of a municipality's budget beside a hearing's draft: its yearly figures
    from ``local_budgets.csv`` (approved or executed) and from the budget lines of its
    hearings (previous year actual, current year plan), projected to the draft's year and
    backtested (``aimak.forecast.budget``). ``sections``: the hearing page's totals per
    section (revenue, total)."""
    from aimak.forecast.budget import budget_trend, read_local_budgets

    figures: dict[str, dict[int, tuple[float, str]]] = {"total": {}, "own_revenue": {}}
    folder = data_folder_for(BUDGET_INPUT)
    if folder is not None:
        rows = read_local_budgets(folder)
        rows = rows[(rows["code"] == hearing.municipality.code) & rows["history"]]
        for r in rows.itertuples():
            figures[r.measure].setdefault(int(r.year), (float(r.value), "file"))
    for h in hearing.municipality.hearings.order_by("-created_at", "-pk"):
        # the years whose figures the hearing holds as adopted or executed (its kind decides)
        for year, value in h.adopted_totals().items():
            figures["total"].setdefault(year, (value, "hearing"))
    draft = None
    key = "revenue" if "revenue" in sections else "total" if "total" in sections else None
    if key and sections[key].get("main") is not None:
        draft = float(sections[key]["main"]) * hearing.budget_scale
    out = {}
    for measure, by_year in figures.items():
        history = pd.DataFrame([(y, v) for y, (v, _) in by_year.items()],
                               columns=["year", "value"])
        trend = budget_trend(history, hearing.year, draft if measure == "total" else None)
        trend["sources"] = sorted({s for y, (_, s) in by_year.items() if y < hearing.year})
        trend["factor"] = float(hearing.budget_scale)
        out[measure] = trend
    return out


#: The file the budget trend reads (besides the hearings' own lines).
BUDGET_INPUT = "local_budgets.csv"


def data_folder_for(name: str) -> Path | None:
    folder = folder_or_none(settings.AIMAK_SHARED_DATA)
    return folder if folder is not None and (folder / name).exists() else None
