"""Population projections of settlements to a horizon year, and of the units of a plan.

Method (``census growth``): each rayon's yearly growth rate is the geometric rate from its last
census before its latest figure to that figure (the 2009 census to the 2022 census, or to the
statistics committee's 2021 estimate where the 2022 figure is missing); a settlement's
population grows at its rayon's rate from the year of its figure to the horizon. A rayon
without two figures (and a town outside any rayon series) takes the national rate of its kind
from the World Development Indicators: rural population for villages, urban (total minus
rural) for towns and cities, over 2009-2022.
The range of a projection grows the figure at the rate plus or minus 1.645 times the spread
(standard deviation) of the rayon's yearly growth over its census periods since 1989; a rayon
with fewer than two such periods takes the median spread of those with two or more.
Every projected figure is labelled ``projected`` with its method and source.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from aimak.errors import AimakError, fail
from aimak.schema import SOURCE_ROW, Column, Schema, validate

CENSUS = Schema(
    "rayon_population_census",
    (
        Column("rayon", "str", "rayon name in English"),
        Column("year", "int", "year of the figure", minimum=1800),
        Column("population", "float", "inhabitants", minimum=0),
        Column("kind", "str", "census or an estimate"),
        Column("source_url", "str", "where the figure is published", nullable=True,
               required=False),
    ),
    doc="Rayon populations at the censuses (and official estimates).",
)


def read_census(path: str | Path) -> pd.DataFrame:
    """Read and check a rayon census table; a rayon given twice for one year is refused."""
    from aimak.io import read_table

    path = Path(path)
    raw = read_table(path)
    rows = raw[SOURCE_ROW].to_numpy()
    out = validate(raw, CENSUS, str(path))
    out["row"] = rows
    dup = out.duplicated(["rayon", "year"], keep="first")
    if dup.any():
        r = out[dup].iloc[0]
        raise fail(f"'{r['rayon']}' has a second figure for {r['year']}; expected one per year",
                   path, int(r["row"]), "year")
    return out


def rayon_growth(census: pd.DataFrame) -> pd.DataFrame:
    """Yearly geometric growth per rayon from its last census before its latest figure to that
    figure (a census or an official estimate):
    ``rayon, rate, from_year, to_year, from_population, to_population, source``."""
    out = []
    for rayon, g in census.groupby("rayon"):
        g = g.sort_values("year")
        b = g.iloc[-1]
        before = g[(g["year"] < b["year"]) & g["kind"].str.lower().str.startswith("census")]
        if before.empty:
            before = g[g["year"] < b["year"]]
        if before.empty:
            continue
        a = before.iloc[-1]
        pair = pd.DataFrame([a, b])
        rate = (b["population"] / a["population"]) ** (1 / (b["year"] - a["year"])) - 1
        src = "; ".join(dict.fromkeys(str(u) for u in pair.get("source_url", []) if
                                      isinstance(u, str)))
        rates = _period_rates(g, SPREAD_SINCE)
        out.append({"rayon": rayon, "rate": float(rate), "from_year": int(a["year"]),
                    "to_year": int(b["year"]), "from_population": float(a["population"]),
                    "to_population": float(b["population"]),
                    "basis": f"{a['kind']} {a['year']} - {b['kind']} {b['year']}",
                    "source": src or "rayon census table",
                    "code": str(g["soate_code"].iloc[-1]) if "soate_code" in g else "",
                    "periods": len(rates),
                    "rate_sd": float(np.std(rates, ddof=1)) if len(rates) >= 2 else np.nan})
    cols = ["rayon", "rate", "from_year", "to_year", "from_population", "to_population",
            "basis", "source", "code", "periods", "rate_sd"]
    table = pd.DataFrame(out, columns=cols)
    pooled = float(table["rate_sd"].median()) if table["rate_sd"].notna().any() else 0.0
    table["spread_basis"] = np.where(table["rate_sd"].notna(), "own census periods",
                                     "median spread of the rayons with two or more periods")
    table["rate_sd"] = table["rate_sd"].fillna(pooled)
    return table


#: Census periods starting before this year are left out of the growth's spread (Soviet-era
#: growth says little about today's).
SPREAD_SINCE = 1989
#: The projection range: the 5 % and 95 % points of the rate's spread (a 90 % range).
RANGE_Z = 1.6448536269514722


def _period_rates(g: pd.DataFrame, since: int) -> np.ndarray:
    """Yearly geometric growth between consecutive figures of one rayon from ``since``."""
    g = g[g["year"] >= since].sort_values("year")
    pop, year = g["population"].to_numpy(float), g["year"].to_numpy(float)
    return (pop[1:] / pop[:-1]) ** (1 / np.diff(year)) - 1


def projection_range(population: float | np.ndarray, from_year: float | np.ndarray,
                     horizon: int, rate: float | np.ndarray, rate_sd: float | np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Projected population at ``horizon`` with its range: grown at ``rate``, and at the rate
    plus or minus ``RANGE_Z`` times the spread of the past census periods' rates."""
    years = horizon - np.asarray(from_year, float)
    pop = np.asarray(population, float)
    rate, sd = np.asarray(rate, float), np.asarray(rate_sd, float)
    return (pop * (1 + rate) ** years, pop * (1 + rate - RANGE_Z * sd) ** years,
            pop * (1 + rate + RANGE_Z * sd) ** years)


def national_growth(national: pd.DataFrame, from_year: int, to_year: int) -> dict[str, float]:
    """National yearly growth of the rural and urban population (WDI long table, entity KG)."""
    wide = national.pivot_table(index="year", columns="variable", values="value")
    need = {"population", "rural_population"}
    if not need <= set(wide.columns):
        raise AimakError("the national series lack population and rural_population")
    years = [y for y in (from_year, to_year) if y in wide.index]
    if len(years) < 2:
        raise AimakError(f"the national series lack {from_year} or {to_year}")
    rural = wide["rural_population"]
    urban = wide["population"] - rural
    span = to_year - from_year
    return {"village": float((rural[to_year] / rural[from_year]) ** (1 / span) - 1),
            "town": float((urban[to_year] / urban[from_year]) ** (1 / span) - 1)}


def project_settlements(settlements: pd.DataFrame, rates: pd.DataFrame, horizon: int,
                        national: dict[str, float] | None = None,
                        national_years: tuple[int, int] = (2009, 2022)) -> pd.DataFrame:
    """Each settlement's population at ``horizon``: ``id, population, population_year,
    population_projected, projection_year, growth_rate, projection_method, projection_source,
    projection_provenance`` (always ``projected``)."""
    s = settlements
    by_rayon = rates.set_index("rayon")
    rate = s["rayon"].map(by_rayon["rate"])
    method = s["rayon"].map(lambda r: (
        f"rayon growth {by_rayon.loc[r, 'basis']} ({100 * by_rayon.loc[r, 'rate']:.2f} %/yr)"
        if r in by_rayon.index else None))
    source = s["rayon"].map(by_rayon["source"])
    lacking = rate.isna()
    if lacking.any():
        if national is None:
            names = ", ".join(sorted(s.loc[lacking, "rayon"].astype(str).unique()))
            raise AimakError(f"no growth rate for the rayon(s) {names} and no national rate")
        kind = np.where(s["kind"].eq("village"), "village", "town")
        nat = pd.Series([national[k] for k in kind], index=s.index)
        rate = rate.fillna(nat)
        a, b = national_years
        label = pd.Series([f"national {'rural' if k == 'village' else 'urban'} growth {a}-{b} "
                           f"({100 * national[k]:.2f} %/yr)" for k in kind], index=s.index)
        method = method.where(~lacking, label)
        source = source.where(~lacking, "World Bank World Development Indicators")
    years = s["population_year"].astype(float)
    sd = s["rayon"].map(by_rayon["rate_sd"]) if "rate_sd" in by_rayon else \
        pd.Series(np.nan, index=s.index)
    sd = sd.fillna(float(by_rayon["rate_sd"].median()) if "rate_sd" in by_rayon
                   and by_rayon["rate_sd"].notna().any() else 0.0)
    mid, low, high = projection_range(s["population"], years, horizon, rate, sd)
    return pd.DataFrame({
        "id": s["id"].to_numpy(), "population": s["population"].to_numpy(float),
        "population_year": years.to_numpy(), "population_source": s["population_source"],
        "population_projected": mid, "population_low": low, "population_high": high,
        "projection_year": horizon, "growth_rate": rate.to_numpy(float),
        "projection_method": method.to_numpy(), "projection_source": source.to_numpy(),
        "projection_provenance": "projected"})


def project_units(mapping: pd.DataFrame, settlements: pd.DataFrame, projected: pd.DataFrame,
                  min_population: float | None = None) -> pd.DataFrame:
    """Projected population of each unit of a plan (``mapping``: old_code -> new_unit) and
    whether it falls below ``min_population``: it meets the minimum with today's figures but
    not with the projected ones (units a plan exempts from the minimum, being below it today,
    are not flagged): ``new_unit, population_projected, population_low, population_high,
    projection_year, below_minimum_projected, below_minimum_possible`` (the low end of the
    range below the minimum). The range adds up its settlements' ranges, as if their rayons'
    growth rates moved together (the wider, cautious reading)."""
    unit_of = mapping.set_index("old_code")["new_unit"]
    s = settlements[["id", "municipality_code"]].merge(projected, on="id", how="left")
    s["new_unit"] = s["municipality_code"].map(unit_of)
    out = s.groupby("new_unit").agg(today=("population", "sum"),
                                    population_projected=("population_projected", "sum"),
                                    population_low=("population_low", "sum"),
                                    population_high=("population_high", "sum"))
    out["projection_year"] = int(projected["projection_year"].iloc[0]) if len(projected) else 0
    if min_population is None:
        out["below_minimum_projected"] = False
        out["below_minimum_possible"] = False
    else:
        meets = out["today"] >= min_population
        out["below_minimum_projected"] = meets & (out["population_projected"] < min_population)
        out["below_minimum_possible"] = meets & (out["population_low"] < min_population)
    return out.drop(columns="today").reset_index()
