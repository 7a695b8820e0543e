"""Declared schemas of aimak's tables and their validation.

Every table aimak reads or writes has a schema here. ``validate`` checks a (Geo)DataFrame against
its schema and returns a clean copy with canonical dtypes, or raises ``InputError`` listing every
problem with its file, row and column. Row numbers count data rows from 1 as a spreadsheet user
sees them (the header is row 0); loaders keep them in the ``SOURCE_ROW`` column until validation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from aimak.crs import WGS84
from aimak.errors import InputError, Problem, shown

#: Column carrying the 1-based source row number of each record while it is being validated.
SOURCE_ROW = "__source_row__"

Kind = Literal["str", "int", "float", "bool"]

#: Provenance of population figures: counted or published (observed/official) or derived.
POPULATION_SOURCES = ("observed", "official", "estimated")
#: Provenance of municipal territories.
TERRITORY_SOURCES = ("official", "approximate")
SETTLEMENT_KINDS = ("village", "town", "city")
MUNICIPALITY_KINDS = ("ayil_aimak", "town", "city")
FACILITY_TYPES = (
    "hospital", "clinic", "feldsher_post", "pharmacy", "dentist", "laboratory", "other_health",
    "school", "kindergarten", "market", "bank", "post_office", "ayil_okmotu",
    "rayon_administration",
)


@dataclass(frozen=True)
class Column:
    """One declared column: its type, whether it may be empty, and its allowed values."""

    name: str
    kind: Kind
    doc: str
    nullable: bool = False
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    required: bool = True


@dataclass(frozen=True)
class Schema:
    """A table's declared columns, its id column and its geometry type (None for plain tables)."""

    name: str
    columns: tuple[Column, ...]
    id_column: str | None = None
    geometry: Literal["Point", "Polygon", None] = None
    doc: str = ""
    extra_allowed: bool = True
    references: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_NAMES = (
    Column("name_ru", "str", "Russian name"),
    Column("name_ky", "str", "Kyrgyz name (empty when unknown)", nullable=True),
    Column("name_en", "str", "English (Latin) name"),
)

SETTLEMENTS = Schema(
    "settlements",
    (
        Column("id", "str", "stable settlement id, e.g. 'gn:1528675' for GeoNames"),
        *_NAMES,
        Column("kind", "str", "village, town or city", choices=SETTLEMENT_KINDS),
        Column("population", "float", "inhabitants", minimum=0),
        Column("population_year", "int", "year the population figure refers to", minimum=1900),
        Column("population_source", "str", "observed, official or estimated",
               choices=POPULATION_SOURCES),
        Column("municipality_code", "str", "СОАТЕ code of the municipality the settlement is in"),
        Column("rayon", "str", "rayon (district) name in English"),
        Column("oblast", "str", "oblast (region) name in English"),
        Column("is_municipal_centre", "bool", "the administrative centre of its municipality"),
    ),
    id_column="id",
    geometry="Point",
    doc="Populated places, one point each.",
)

MUNICIPALITIES = Schema(
    "municipalities",
    (
        Column("code", "str", "СОАТЕ code (14 digits)"),
        *_NAMES,
        Column("kind", "str", "ayil_aimak, town or city", choices=MUNICIPALITY_KINDS),
        Column("rayon", "str", "rayon name in English"),
        Column("oblast", "str", "oblast name in English"),
        Column("centre_id", "str", "settlement id of the administrative centre"),
        Column("population", "float", "sum of the settlements' populations", minimum=0),
        Column("territory_source", "str", "official or approximate", choices=TERRITORY_SOURCES),
    ),
    id_column="code",
    geometry="Polygon",
    doc="Municipalities (ayil aimaks, towns, cities) with their territories.",
)

RAYONS = Schema(
    "rayons",
    (
        Column("code", "str", "СОАТЕ code"),
        Column("pcode", "str", "OCHA P-code", nullable=True, required=False),
        *_NAMES,
        Column("kind", "str", "rayon, or city of oblast significance",
               choices=("rayon", "city")),
        Column("oblast", "str", "oblast name in English"),
    ),
    id_column="code",
    geometry="Polygon",
    doc="Rayons (districts) and cities of oblast significance.",
)

OBLASTS = Schema(
    "oblasts",
    (Column("code", "str", "СОАТЕ code"), *_NAMES),
    id_column="code",
    geometry="Polygon",
    doc="Oblasts (regions).",
)

FACILITIES = Schema(
    "facilities",
    (
        Column("id", "str", "stable facility id, e.g. 'osm:n123'"),
        Column("type", "str", "facility type", choices=FACILITY_TYPES),
        Column("name", "str", "name as given by the source", nullable=True),
        Column("source", "str", "where the record comes from, e.g. 'OpenStreetMap (HOT export)'"),
    ),
    id_column="id",
    geometry="Point",
    doc="Service facilities.",
)

FLOWS = Schema(
    "flows",
    (
        Column("origin", "str", "settlement (or unit) id of origin"),
        Column("destination", "str", "settlement (or unit) id of destination"),
        Column("flow", "float", "number of people or trips", minimum=0),
        Column("service", "str", "service the trip is for", nullable=True, required=False),
        Column("source", "str", "observed, surveyed or modelled (blank: the reader's default)",
               nullable=True, required=False),
    ),
    doc="Flows between settlements or units.",
)

LAYERS: dict[str, Schema] = {
    s.name: s for s in (SETTLEMENTS, MUNICIPALITIES, RAYONS, OBLASTS, FACILITIES)
}


#: A number written with spaces (plain, no-break or thin) between groups of three digits.
_GROUPED = r"^[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?$"


def _as_number(values: pd.Series) -> pd.Series:
    """Parse numbers, accepting a decimal comma and spaces between groups of three digits
    ("12 345,5"); other spaces make a cell unreadable ("1 2 3" is not 123)."""
    if pd.api.types.is_bool_dtype(values):
        return pd.Series(np.nan, index=values.index)  # true/false is not a number
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    text = values.astype("string").str.strip()  # a Python True becomes 'True': not a number
    grouped = text.str.match(_GROUPED).fillna(False)
    text = text.where(~grouped, text.str.replace(r"[ \u00a0\u202f]", "", regex=True))
    text = text.str.replace(",", ".")
    return pd.to_numeric(text.astype(object), errors="coerce").astype(float)


_TRUE = {"true", "1", "yes", "y", "да", "ооба", "t"}
_FALSE = {"false", "0", "no", "n", "нет", "жок", "f"}


def _as_bool(values: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(values):
        return values
    text = values.astype("string").str.strip().str.lower()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[text.isin(_TRUE)] = True
    out[text.isin(_FALSE)] = False
    return out


def _rows(df: pd.DataFrame, mask: pd.Series | np.ndarray) -> list[int | None]:
    idx = np.flatnonzero(np.asarray(mask))
    if SOURCE_ROW in df.columns:
        return [int(df[SOURCE_ROW].iloc[i]) for i in idx]
    return [int(i) + 1 for i in idx]


def _is_blank(values: pd.Series) -> pd.Series:
    blank = values.isna()
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        blank |= values.astype("string").str.strip().fillna("") == ""
    return blank


def validate(
    df: pd.DataFrame,
    schema: Schema,
    file: str | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    region: str = "the declared region",
    known: dict[str, Iterable[str]] | None = None,
) -> pd.DataFrame:
    """Check ``df`` against ``schema`` and return a clean copy with canonical dtypes.

    ``bounds`` (lon_min, lat_min, lon_max, lat_max, in WGS84) rejects points outside the region.
    ``known`` maps a column to the ids it may take (e.g. flows' origin -> settlement ids).
    Raises ``InputError`` listing every problem found.
    """
    problems: list[Problem] = []
    out = df.copy()
    label = file or schema.name

    missing = [c.name for c in schema.columns if c.required and c.name not in out.columns]
    for name in missing:
        problems.append(Problem(
            f"the column '{name}' ({schema.column(name).doc}) is missing; "
            f"found columns: {', '.join(str(c) for c in df.columns if c != SOURCE_ROW)}",
            label, None, name))
    if missing:
        raise InputError(problems)

    for col in schema.columns:
        if col.name not in out.columns:
            continue
        raw = out[col.name]
        blank = _is_blank(raw)
        if not col.nullable:
            for r in _rows(out, blank):
                problems.append(Problem(f"a value is required ({col.doc})", label, r, col.name))
        if col.kind in ("int", "float"):
            num = _as_number(raw)
            bad = num.isna() & ~blank
            for r, v in zip(_rows(out, bad), raw[bad], strict=True):
                problems.append(Problem(f"{shown(v)} is not a number ({col.doc})", label, r,
                                        col.name))
            infinite = np.isinf(num.to_numpy())
            for r, v in zip(_rows(out, infinite), raw[infinite], strict=True):
                problems.append(Problem(f"{shown(v)} is not a finite number; expected a finite "
                                        f"number ({col.doc})", label, r, col.name))
            num = num.where(~infinite)
            if col.minimum is not None:
                low = num < col.minimum
                for r, v in zip(_rows(out, low), num[low], strict=True):
                    what = "negative" if col.minimum == 0 else f"below {col.minimum:g}"
                    problems.append(Problem(
                        f"{v:g} is {what}; expected a number >= {col.minimum:g} ({col.doc})",
                        label, r, col.name))
            if col.kind == "int":
                frac = num.notna() & (num != np.round(num))
                for r, v in zip(_rows(out, frac), num[frac], strict=True):
                    problems.append(Problem(f"{v:g} is not a whole number", label, r, col.name))
                out[col.name] = num.round().astype("Int64")
            else:
                out[col.name] = num.astype(float)
        elif col.kind == "bool":
            parsed = _as_bool(raw)
            bad = parsed.isna() & ~blank
            for r, v in zip(_rows(out, bad), raw[bad], strict=True):
                problems.append(Problem(f"{shown(v)} is not yes/no (true/false)", label, r,
                                        col.name))
            out[col.name] = parsed
        else:
            # a list, array or mapping (Parquet list columns) is not a text value
            nested = raw.map(lambda v: isinstance(v, (list, tuple, dict, set, np.ndarray))
                             ).astype(bool)  # an empty column maps to object dtype
            for r, v in zip(_rows(out, nested), raw[nested], strict=True):
                problems.append(Problem(f"{shown(str(list(v) if isinstance(v, np.ndarray) else v))}"
                                        " is a list, not one value; expected text "
                                        f"({col.doc})", label, r, col.name))
            raw = raw.where(~nested, None)
            text = raw.astype("string").str.strip()
            text = text.where(~blank & ~nested, pd.NA)
            if pd.api.types.is_float_dtype(raw):  # ids read as numbers: 12.0 -> "12"
                text = raw.map(lambda v: pd.NA if pd.isna(v) else f"{v:g}").astype("string")
            out[col.name] = text.astype(object).where(text.notna(), None)
            if col.choices:
                bad = text.notna() & ~text.isin(col.choices)
                for r, v in zip(_rows(out, bad), text[bad], strict=True):
                    problems.append(Problem(
                        f"{shown(v)} is not one of: {', '.join(col.choices)}", label, r,
                        col.name))

    if schema.id_column:
        ids = out[schema.id_column]
        dup = ids.notna() & ids.duplicated(keep=False)
        for value, rows in out[dup].groupby(schema.id_column)[SOURCE_ROW if SOURCE_ROW in out
                                                              else schema.id_column]:
            where = ", ".join(str(r) for r in rows) if SOURCE_ROW in out else ""
            problems.append(Problem(
                f"the id '{value}' appears more than once (rows {where}); ids must be unique",
                label, None, schema.id_column))

    for column, allowed in (known or {}).items():
        if column not in out.columns:
            continue
        allowed_set = set(allowed)
        unknown = out[column].notna() & ~out[column].isin(allowed_set)
        for r, v in zip(_rows(out, unknown), out.loc[unknown, column], strict=True):
            problems.append(Problem(f"{shown(v)} is not a known id", label, r, column))

    if schema.geometry:
        problems.extend(_check_geometry(out, schema, label, bounds, region))

    if problems:
        raise InputError(problems)
    return out.drop(columns=[SOURCE_ROW], errors="ignore")


def _check_geometry(df: pd.DataFrame, schema: Schema, label: str,
                    bounds: tuple[float, float, float, float] | None,
                    region: str) -> list[Problem]:
    problems: list[Problem] = []
    if not isinstance(df, gpd.GeoDataFrame) or df.geometry.name not in df.columns:
        return [Problem("the table has no geometry", label)]
    geom = df.geometry.values
    empty = shapely.is_missing(geom) | shapely.is_empty(geom)
    for r in _rows(df, empty):
        problems.append(Problem("the geometry is missing or empty", label, r, "geometry"))
    types = shapely.get_type_id(geom)
    wanted = {"Point": {0}, "Polygon": {3, 6}}[schema.geometry]
    wrong = ~empty & ~np.isin(types, list(wanted))
    for r in _rows(df, wrong):
        problems.append(Problem(f"expected a {schema.geometry.lower()} geometry",
                                label, r, "geometry"))
    invalid = ~empty & ~wrong & ~shapely.is_valid(geom)
    for r, g in zip(_rows(df, invalid), geom[invalid], strict=True):
        problems.append(Problem(f"invalid geometry ({shapely.is_valid_reason(g)})",
                                label, r, "geometry"))
    if bounds is not None and df.crs is not None:
        ll = df.to_crs(WGS84).geometry.values if not df.crs.equals(WGS84) else geom
        # empty geometries (reported above) have no centroid: GEOS raises on their coordinates
        centre = shapely.centroid(np.where(empty, shapely.Point(0, 0), ll))
        x, y = shapely.get_x(centre), shapely.get_y(centre)
        lon0, lat0, lon1, lat1 = bounds
        out = ~empty & ((x < lon0) | (x > lon1) | (y < lat0) | (y > lat1))
        for r, xi, yi in zip(_rows(df, out), x[out], y[out], strict=True):
            problems.append(Problem(
                f"the point ({yi:.5f} N, {xi:.5f} E) lies outside {region} "
                f"(latitude {lat0}-{lat1}, longitude {lon0}-{lon1}); are latitude and "
                "longitude swapped?", label, r, "geometry"))
    return problems
