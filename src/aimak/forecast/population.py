"""Population projections of settlements to a horizon year, and of the units of a plan.

Method (``census growth``): each rayon's yearly growth rate is the geometric rate from its last
census before its latest figure to that figure (the 2009 census to the 2022 census, or to the
statistics committee's 2021 estimate where the 2022 figure is missing); a settlement's
population grows at its rayon's rate from the year of its figure to the horizon. A rayon
without two figures (and a town outside any rayon series) takes the national rate of its kind
from the World Development Indicators: rural population for villages, urban (total minus
rural) for towns and cities, over 2009-2022.
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
        out.append({"rayon": rayon, "rate": float(rate), "from_year": int(a["year"]),
                    "to_year": int(b["year"]), "from_population": float(a["population"]),
                    "to_population": float(b["population"]),
                    "basis": f"{a['kind']} {a['year']} - {b['kind']} {b['year']}",
                    "source": src or "rayon census table"})
    return pd.DataFrame(out, columns=["rayon", "rate", "from_year", "to_year",
                                      "from_population", "to_population", "basis", "source"])


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
    factor = (1 + rate) ** (horizon - years)
    return pd.DataFrame({
        "id": s["id"].to_numpy(), "population": s["population"].to_numpy(float),
        "population_year": years.to_numpy(), "population_source": s["population_source"],
        "population_projected": (s["population"] * factor).to_numpy(float),
        "projection_year": horizon, "growth_rate": rate.to_numpy(float),
        "projection_method": method.to_numpy(), "projection_source": source.to_numpy(),
        "projection_provenance": "projected"})


def project_units(mapping: pd.DataFrame, settlements: pd.DataFrame, projected: pd.DataFrame,
                  min_population: float | None = None) -> pd.DataFrame:
    """Projected population of each unit of a plan (``mapping``: old_code -> new_unit) and
    whether it falls below ``min_population``: it meets the minimum with today's figures but
    not with the projected ones (units a plan exempts from the minimum, being below it today,
    are not flagged): ``new_unit, population_projected, projection_year,
    below_minimum_projected``."""
    unit_of = mapping.set_index("old_code")["new_unit"]
    s = settlements[["id", "municipality_code"]].merge(projected, on="id", how="left")
    s["new_unit"] = s["municipality_code"].map(unit_of)
    out = s.groupby("new_unit").agg(today=("population", "sum"),
                                    population_projected=("population_projected", "sum"))
    out["projection_year"] = int(projected["projection_year"].iloc[0]) if len(projected) else 0
    if min_population is None:
        out["below_minimum_projected"] = False
    else:
        out["below_minimum_projected"] = ((out["today"] >= min_population)
                                          & (out["population_projected"] < min_population))
    return out.drop(columns="today").reset_index()
