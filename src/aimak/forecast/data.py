"""Long tables of yearly series: reading, checking, and the real Kyrgyz sources turned into them.

A series table has one row per value: ``entity, year, variable, value, source`` and optionally
``qc_flag`` (a non-empty flag marks a value that looks wrong) and ``provenance`` (``observed``,
``official``, ``derived``...). Row numbers of the file are kept in the ``row`` column so that later
checks (gaps, series too short) can still name the row a person has to look at.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from aimak.errors import InputError, Problem, fail
from aimak.schema import SOURCE_ROW, Column, Schema, validate

SERIES = Schema(
    "series",
    (
        Column("entity", "str", "who the value describes: a rayon, an ayil aimak, 'KG'"),
        Column("year", "int", "calendar year", minimum=1800),
        Column("variable", "str", "indicator name, e.g. poverty_rate_pct"),
        Column("value", "float", "the indicator's value (a number)"),
        Column("source", "str", "where the value comes from (publisher, file or URL)"),
        Column("qc_flag", "str", "non-empty when the value looks wrong", nullable=True,
               required=False),
        Column("provenance", "str", "observed, official or derived", nullable=True,
               required=False),
    ),
    doc="Yearly values in long form, one row per entity, year and variable.",
)

#: Files of the shared Kyrgyz data folder used by the worked examples.
POVERTY_FILE = "rayon_poverty_2011_2020.csv"
WDI_FILE = "national_series_wdi.csv"
CENSUS_FILE = "rayon_population_census.csv"
NATIONAL = "KG"


def read_series(path: str | Path) -> pd.DataFrame:
    """Read and check a long series table (CSV or XLSX); every problem names file, row, column."""
    from aimak.io import read_table

    path = Path(path)
    raw = read_table(path)
    if hasattr(raw, "geometry"):
        raw = pd.DataFrame(raw.drop(columns="geometry"))
    return check_series(raw, str(path))


def check_series(frame: pd.DataFrame, label: str = "series") -> pd.DataFrame:
    """Validate a long table; duplicate (entity, variable, year) rows are refused."""
    frame = frame.copy()
    if SOURCE_ROW not in frame:
        frame[SOURCE_ROW] = np.arange(1, len(frame) + 1)
    rows = frame[SOURCE_ROW].to_numpy()
    out = validate(frame, SERIES, label)
    out["row"] = rows
    out["file"] = label
    if "qc_flag" not in out:
        out["qc_flag"] = None
    if "provenance" not in out:
        out["provenance"] = "observed"
    out["year"] = out["year"].astype(int)
    key = ["entity", "variable", "year"]
    dup = out.duplicated(key, keep=False)
    if dup.any():
        problems = []
        for (entity, variable, year), group in out[dup].groupby(key):
            first, *others = group["row"].tolist()
            problems.extend(Problem(
                f"year {year} of '{variable}' for '{entity}' already given in row {first}; "
                "expected one value per entity, variable and year", label, int(r), "year")
                for r in others)
        raise InputError(problems)
    return out.sort_values(key).reset_index(drop=True)


#: Flags of the poverty file that concern the rayon code, not the value: SOURCES.md says the
#: code is corrected from the rayon's name, and the series are keyed by name here.
CODE_ONLY_FLAGS = ("code in source file was wrong",)


def poverty_series(folder: str | Path) -> pd.DataFrame:
    """Rayon poverty rates 2011-2020 (WFP PRISM copy of National Statistical Committee figures)
    as a long table keyed by rayon name. Value flags (typing slips, spikes) stay in ``qc_flag``;
    flags about the swapped rayon code move to ``note`` because the code is not used."""
    path = Path(folder) / POVERTY_FILE
    df = _read(path)
    flag = df["qc_flag"].fillna("")
    code_only = flag.str.startswith(CODE_ONLY_FLAGS)
    df["note"] = flag.where(code_only, None)
    df["qc_flag"] = df["qc_flag"].where(~code_only, None)
    out = pd.DataFrame({
        "entity": df["district"], "year": df["year"], "variable": "poverty_rate_pct",
        "value": df["poverty_rate_pct"],
        "source": "National Statistical Committee via WFP PRISM (" + POVERTY_FILE + ")",
        "qc_flag": df["qc_flag"], "note": df["note"], "provenance": "official",
        SOURCE_ROW: df[SOURCE_ROW]})
    return flag_copied_years(check_series(out, str(path)))


def rayon_codes(folder: str | Path) -> dict[str, str]:
    """Rayon -> its СОАТЕ code as the poverty file gives it (corrected from the name)."""
    df = _read(Path(folder) / POVERTY_FILE)
    return dict(zip(df["district"].astype(str), df["soate_rayon"].astype("int64").astype(str),
                    strict=True))


#: Rayon polygons with names in three languages (OCHA COD-AB ADM2), read for the names only.
RAYONS_FILE = "rayons_ocha_adm2.geojson"


def rayon_names(folder: str | Path) -> dict[str, dict[str, str]]:
    """СОАТЕ code -> the rayon's name in ``ru``, ``ky`` and ``en`` (OCHA's ADM2 layer, as the
    dataset builder names rayons); empty when the file is not there."""
    import pyogrio

    path = Path(folder) / RAYONS_FILE
    if not path.exists():
        return {}
    df = pyogrio.read_dataframe(path, read_geometry=False,
                                columns=["ADM2_PCODE", "ADM2_RU", "ADM2_KY", "ADM2_EN"])
    clean = lambda col: df[col].fillna("").astype(str).str.replace("\xa0", " ").str.strip()  # noqa: E731
    return {"417" + str(p)[2:]: {"ru": ru, "ky": ky or ru, "en": en}
            for p, ru, ky, en in zip(df["ADM2_PCODE"], clean("ADM2_RU"), clean("ADM2_KY"),
                                     clean("ADM2_EN"), strict=True)}


def rayon_oblasts(folder: str | Path) -> dict[str, str]:
    """Rayon -> oblast as the poverty file names them (for shrinkage towards the oblast)."""
    df = _read(Path(folder) / POVERTY_FILE)
    return dict(zip(df["district"].astype(str), df["province"].astype(str), strict=True))


#: A year whose values repeat the year before in at least this share of the entities is a copy.
COPIED_SHARE = 0.9


def flag_copied_years(series: pd.DataFrame, share: float = COPIED_SHARE) -> pd.DataFrame:
    """Flag the values of a year that repeats the previous year's value in at least ``share``
    of the entities (per variable): such a year was copied, not measured (SOURCES.md: 2015
    equals 2014 in 39 of the 40 rayons of the poverty file). Its repeated values get a
    ``qc_flag`` and are left out like other flagged values; values that differ are kept."""
    out = series.copy()
    if "qc_flag" not in out:
        out["qc_flag"] = None
    for _variable, s in out.groupby("variable"):
        wide = s.pivot(index="entity", columns="year", values="value")
        for year in wide.columns:
            if year - 1 not in wide.columns:
                continue
            both = wide[[year - 1, year]].dropna()
            same = both.index[np.isclose(both[year], both[year - 1])]
            if len(both) and len(same) / len(both) >= share:
                mask = s.index[(s["year"] == year) & s["entity"].isin(same)
                               & out.loc[s.index, "qc_flag"].isna()]
                out.loc[mask, "qc_flag"] = (
                    f"equals {year - 1} in {len(same)} of {len(both)} entities: the year was "
                    f"copied from {year - 1}, not published")
    return out


#: WDI columns offered as drivers, with their provenance (``derived`` = computed from others).
WDI_VARIABLES = {
    "remittances_pct_gdp_derived": "derived",
    "gdp_growth_pct": "official",
    "cpi_inflation_pct": "official",
    "gdp_per_capita_usd": "official",
    "population": "official",
    "rural_population": "official",
    "unemployment_pct": "official",
    "net_migration": "official",
    "remittances_received_usd": "official",
    "gdp_current_usd": "official",
    "som_per_usd": "official",
}


def national_series(folder: str | Path) -> pd.DataFrame:
    """Kyrgyzstan's yearly World Development Indicators as a long table (entity ``KG``); empty
    cells are years without a figure and are left out (they are not zeros)."""
    path = Path(folder) / WDI_FILE
    df = _read(path)
    missing = [c for c in ["year", *WDI_VARIABLES] if c not in df]
    if missing:
        raise fail(f"columns {', '.join(missing)} are missing", path)
    long = df.melt(id_vars=["year", SOURCE_ROW], value_vars=list(WDI_VARIABLES),
                   var_name="variable", value_name="value").dropna(subset=["value"])
    long["entity"] = NATIONAL
    long["source"] = "World Bank World Development Indicators (" + WDI_FILE + ")"
    long["provenance"] = long["variable"].map(WDI_VARIABLES)
    return check_series(long, str(path))


def _read(path: Path) -> pd.DataFrame:
    from aimak.io import read_table

    if not path.exists():
        raise fail("the file does not exist (is the shared data folder given?)", path)
    return read_table(path)
