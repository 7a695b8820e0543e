"""Reading tables from CSV, XLSX, GeoJSON, GeoPackage and Shapefile; writing without half-files.

Readers return (Geo)DataFrames carrying the 1-based source row in ``schema.SOURCE_ROW`` so that
``schema.validate`` can point at the offending row. Geometries come back in WGS84 whatever the
file's own coordinate reference system.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from aimak.crs import WGS84
from aimak.errors import InputError, Problem, fail
from aimak.schema import SOURCE_ROW

TABULAR = {".csv", ".txt", ".xlsx", ".xls", ".parquet"}
SPATIAL = {".geojson", ".json", ".gpkg", ".shp", ".zip", ".fgb"}

LAT_NAMES = ("lat", "latitude", "y", "широта")
LON_NAMES = ("lon", "lng", "long", "longitude", "x", "долгота")


def read_table(path: str | Path, layer: str | None = None, sheet: str | int | None = None,
               crs: str | CRS | None = None) -> pd.DataFrame:
    """Read any supported file into a DataFrame, or a GeoDataFrame when it has locations.

    CSV and XLSX files get point geometries from latitude/longitude columns (or a WKT
    ``geometry`` column) when they have them; ``crs`` declares their coordinate system when it is
    not WGS84 longitude/latitude. Spatial files are transformed to WGS84.
    """
    path = Path(path)
    if not path.exists():
        raise fail("the file does not exist", path)
    if path.is_dir():
        raise fail("this is a folder; expected a file (CSV, XLSX, GeoJSON, GeoPackage, ...)",
                   path)
    suffix = path.suffix.lower()
    if suffix in TABULAR:
        df = _read_tabular(path, sheet)
        df.insert(0, SOURCE_ROW, np.arange(1, len(df) + 1))
        return _points_from_columns(df, path, crs)
    if suffix in SPATIAL:
        return _read_spatial(path, layer)
    raise fail(f"unsupported file type '{suffix}'; expected one of "
               f"{', '.join(sorted(TABULAR | SPATIAL))}", path)


def _first_line(exc: Exception) -> str:
    """An exception's message on one line, cut short (library messages can be long)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def read_parquet(path: str | Path) -> pd.DataFrame:
    """A Parquet file as a DataFrame, or a one-line error naming it when it is not Parquet."""
    path = Path(path)
    if not path.is_file():
        raise fail("the file does not exist" if not path.exists() else
                   "this is a folder; expected a Parquet file", path)
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError and others
        raise fail(f"cannot read the file as Parquet ({_first_line(exc)})", path) from None


def _read_tabular(path: Path, sheet: str | int | None) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return read_parquet(path)
    if suffix in (".xlsx", ".xls"):
        try:
            return pd.read_excel(path, sheet_name=sheet or 0, dtype=object)
        except Exception as exc:  # zipfile.BadZipFile, KeyError, XML errors from openpyxl
            raise fail(f"cannot read the file as a spreadsheet ({_first_line(exc)})",
                       path) from None
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""],
                           encoding="utf-8-sig", sep=_delimiter(path))
    except UnicodeDecodeError:
        raise fail("the file is not UTF-8 text; save it as 'CSV UTF-8'", path) from None
    except pd.errors.ParserError as exc:
        raise fail(f"cannot parse the table: {_first_line(exc)}", path) from None
    except (ValueError, pd.errors.EmptyDataError) as exc:
        raise fail(f"cannot read the table: {_first_line(exc)}", path) from None


def _delimiter(path: Path) -> str:
    """The field separator of a delimited text file (comma, semicolon or tab), sniffed from its
    start, so that pandas' fast C parser can read the whole file (a spreadsheet saved with a
    Russian locale writes semicolons)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        sample = f.read(65536)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _find(columns: pd.Index, names: tuple[str, ...]) -> str | None:
    lower = {str(c).strip().lower(): c for c in columns}
    return next((lower[n] for n in names if n in lower), None)


def _points_from_columns(df: pd.DataFrame, path: Path, crs: str | CRS | None) -> pd.DataFrame:
    lat_col, lon_col = _find(df.columns, LAT_NAMES), _find(df.columns, LON_NAMES)
    wkt_col = _find(df.columns, ("geometry", "wkt", "geom"))
    if lat_col is None and lon_col is None and wkt_col is None:
        return df
    problems: list[Problem] = []
    if wkt_col is not None and lat_col is None:
        geom = np.empty(len(df), dtype=object)
        for i, text in enumerate(df[wkt_col]):
            try:
                geom[i] = shapely.from_wkt(text) if isinstance(text, str) and text else None
            except shapely.errors.GEOSException:
                problems.append(Problem(f"'{text}' is not a WKT geometry", str(path),
                                        int(df[SOURCE_ROW].iloc[i]), wkt_col))
        if problems:
            raise InputError(problems)
        gdf = gpd.GeoDataFrame(df.drop(columns=[wkt_col]), geometry=list(geom),
                               crs=crs or WGS84)
        return gdf.to_crs(WGS84)
    if lat_col is None or lon_col is None:
        missing = "latitude" if lat_col is None else "longitude"
        raise fail(f"the file has a {'longitude' if lat_col is None else 'latitude'} column but "
                   f"no {missing} column (expected one of "
                   f"{', '.join(LAT_NAMES if lat_col is None else LON_NAMES)})", path)
    coords = {}
    for col in (lat_col, lon_col):
        raw = df[col]
        text = raw.astype("string").str.strip().str.replace(",", ".", regex=False)
        num = pd.to_numeric(text, errors="coerce")
        bad = num.isna()
        for r, v in zip(df[SOURCE_ROW][bad], raw[bad], strict=True):
            shown = "an empty cell" if pd.isna(v) or str(v).strip() == "" else f"'{v}'"
            problems.append(Problem(f"{shown} is not a coordinate; expected a decimal number "
                                    "such as 41.9342", str(path), int(r), str(col)))
        coords[col] = num.to_numpy(dtype=float)
    if problems:
        raise InputError(problems)
    x, y = coords[lon_col], coords[lat_col]
    source_crs = CRS.from_user_input(crs) if crs else WGS84
    if source_crs.is_geographic:
        bad = (np.abs(y) > 90) | (np.abs(x) > 180)
        for r, xi, yi in zip(df[SOURCE_ROW][bad], x[bad], y[bad], strict=True):
            problems.append(Problem(
                f"({yi}, {xi}) is not a latitude/longitude pair; if the file uses projected "
                "coordinates, give their coordinate system when reading it (e.g. EPSG:32643)",
                str(path), int(r), f"{lat_col}/{lon_col}"))
        if problems:
            raise InputError(problems)
    gdf = gpd.GeoDataFrame(df.drop(columns=[lat_col, lon_col]),
                           geometry=gpd.points_from_xy(x, y), crs=source_crs)
    return gdf.to_crs(WGS84)


def _read_spatial(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    try:
        layers = [name for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise fail(f"cannot open the file as spatial data ({exc})", path) from exc
    if layer is not None and layer not in layers:
        raise fail(f"the file has no layer '{layer}'; its layers are: {', '.join(layers)}", path)
    try:
        gdf = gpd.read_file(path, layer=layer or layers[0], engine="pyogrio")
    except Exception as exc:
        raise fail(f"cannot read the layer ({exc})", path) from exc
    gdf.insert(0, SOURCE_ROW, np.arange(1, len(gdf) + 1))
    if gdf.crs is None:
        gdf = gdf.set_crs(WGS84)
    elif not gdf.crs.equals(WGS84):
        gdf = gdf.to_crs(WGS84)
    return gdf


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only if the block succeeds.

    A run that fails therefore never leaves a half-written output behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # writers such as GDAL want to create the file themselves
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        for leftover in (tmp_path, tmp_path.with_name(tmp_path.name + "-journal"),
                         tmp_path.with_name(tmp_path.name + "-wal"),
                         tmp_path.with_name(tmp_path.name + "-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def write_layers(path: str | Path, layers: dict[str, pd.DataFrame]) -> None:
    """Write several layers into one GeoPackage atomically (all of them, or nothing)."""
    with atomic_path(path) as tmp:
        for name, frame in layers.items():
            if isinstance(frame, gpd.GeoDataFrame):
                frame.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
            else:
                pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG")


def write_table(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a plain table as CSV (UTF-8) or Parquet, chosen by the suffix, atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise fail(f"unsupported output type '{suffix}'; expected .csv or .parquet", path)
    with atomic_path(path) as tmp:
        if suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_csv(tmp, index=False, encoding="utf-8")


def read_toml(path: str | Path, what: str = "file") -> dict[str, Any]:
    """A TOML file's content, or a one-line error when it is absent, not UTF-8 or not TOML."""
    path = Path(path)
    if not path.is_file():
        raise fail(f"the {what} does not exist", path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8",
                   path) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fail(f"not valid TOML: {exc}", path) from None
