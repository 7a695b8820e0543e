"""Readers of the Kyrgyz upstream formats, each turning one download into a shared file's columns.

СОАТЕ seed file, Open Admin Data JSON, OCHA COD-AB and COD-PS, Who's On First archive, HOT
export, GeoNames dumps, and Wikipedia wikitext (infoboxes and census tables, read with
mwparserfromhell). Every reader raises :class:`~aimak.kyrgyzstan.fetch.DownloadError` naming the
file when the upstream format has changed.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import re
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any, NamedTuple

import geopandas as gpd
import mwparserfromhell
import numpy as np
import pandas as pd
import pyogrio

from aimak.crs import WGS84
from aimak.io import atomic_path
from aimak.kyrgyzstan.fetch import DownloadError, write_json

log = logging.getLogger(__name__)

GEONAMES_COLUMNS = ("geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
                    "feature_class", "feature_code", "country_code", "cc2", "admin1_code",
                    "admin2_code", "admin3_code", "admin4_code", "population", "elevation", "dem",
                    "timezone", "modification_date")
ALTNAME_COLUMNS = ("alternatenameid", "geonameid", "isolanguage", "alternate_name",
                   "is_preferred", "is_short", "is_colloquial", "is_historic", "from", "to")




def read_zip_member(path: Path, pattern: str) -> tuple[str, bytes]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if re.search(pattern, n, re.IGNORECASE)]
            if not names:
                raise DownloadError(f"{path.name}: no file matching '{pattern}' in the archive "
                                    f"(it holds {', '.join(archive.namelist()) or 'nothing'})")
            return names[0], archive.read(names[0])
    except zipfile.BadZipFile as exc:
        raise DownloadError(f"{path.name} is not a ZIP archive; the download may be damaged "
                            "(delete it from the cache and run again)") from exc



_SEED_RECORD = re.compile(
    r"Id\s*=\s*(?P<id>\d+)\s*,\s*Name\s*=\s*\"(?P<name>(?:[^\"\\]|\\.)*)\"\s*,\s*"
    r"Code\s*=\s*\"(?P<code>\d*)\"\s*,\s*CoateType\s*=\s*CoateType\.(?P<type>\w+)\s*,\s*"
    r"ParentId\s*=\s*(?P<parent>null|\d+)")


def convert_soate(seed_text: str) -> pd.DataFrame:
    """СОАТЕ records from the C# seed file of the public copy -> ``soate.csv`` columns."""
    rows = [m.groupdict() for m in _SEED_RECORD.finditer(seed_text)]
    if not rows:
        raise DownloadError("the СОАТЕ classifier file holds no 'new CoateRecord { Id = ..., "
                            "Name = ..., Code = ... }' records; the upstream file has changed")
    df = pd.DataFrame(rows)
    df["name"] = df["name"].str.replace(r"\\(.)", r"\1", regex=True)
    df["parent"] = df["parent"].where(df["parent"] != "null", "")
    names = dict(zip(df["id"], df["name"], strict=True))
    return pd.DataFrame({
        "id": df["id"], "name_ru": df["name"], "soate": df["code"], "type": df["type"],
        "parent_id": df["parent"], "parent_name": df["parent"].map(names).fillna(""),
    })


def convert_ayil_aimaks(records: list[dict[str, Any]], soate: pd.DataFrame) -> pd.DataFrame:
    """Open Admin Data level-3 records joined with СОАТЕ -> ``ayil_aimaks.csv`` columns."""
    rows = []
    for rec in records:
        code = str(rec.get("id") or (rec.get("code") or {}).get("id") or "")
        if not re.fullmatch(r"KG\d{11}", code):
            continue
        name, parent = rec.get("name") or {}, rec.get("parent") or {}
        ancestors = rec.get("ancestors") or [{}]
        geo, zips = rec.get("geo") or {}, rec.get("zip_codes") or []
        rows.append({
            "pcode": code, "soate": "417" + code[2:], "name_ky": name.get("local", ""),
            "name_en": name.get("en", ""), "rayon": (parent.get("name") or {}).get("en", ""),
            "oblast": (ancestors[0].get("name") or {}).get("en", ""),
            "lat": geo.get("lat", ""), "lon": geo.get("lon", ""), "zip": ";".join(zips),
        })
    if not rows:
        raise DownloadError("the Open Admin Data file holds no ayil aimak records with a "
                            "KG P-code; the upstream file has changed")
    aa = pd.DataFrame(rows)
    by_code = soate.drop_duplicates("soate").set_index("soate")
    aa["soate_name_ru"] = aa["soate"].map(by_code["name_ru"]).fillna("")
    villages = soate[soate["type"] == "Village"].groupby("parent_id")["name_ru"].agg(";".join)
    aa["soate_villages"] = aa["soate"].map(by_code["id"]).map(villages).fillna("")
    return aa


def convert_cod_ab(archive: Path, out: Path) -> None:
    """OCHA COD-AB shapefile ZIP -> ``rayons_ocha_adm2.geojson`` (ADM2 layer, WGS84)."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            with zipfile.ZipFile(archive) as z:
                z.extractall(tmp)
        except zipfile.BadZipFile as exc:
            raise DownloadError(f"{archive.name} is not a ZIP archive; the download may be "
                                "damaged (delete it from the cache and run again)") from exc
        candidates = sorted(p for p in Path(tmp).rglob("*")
                            if p.suffix.lower() in (".shp", ".geojson", ".json", ".gpkg")
                            and re.search(r"adm(in)?2", p.name, re.IGNORECASE))
        if not candidates:
            raise DownloadError(f"{archive.name}: no ADM2 layer (a file named like "
                                "'*adm2*.shp') in the COD-AB archive")
        layer = candidates[0]
        gdf = gpd.read_file(layer, engine="pyogrio")
        gdf = gdf.rename(columns=_cod_ab_names(gdf.columns))
        if "ADM2TYP_EN" not in gdf.columns and "ADM2_EN" in gdf.columns:
            # The 2018 edition types its units; otherwise the "(city)" of the English name says.
            gdf["ADM2TYP_EN"] = np.where(gdf["ADM2_EN"].fillna("").str.contains("(city)",
                                                                                regex=False),
                                         "independent city", "district")
        missing = [c for c in ("ADM2_EN", "ADM2_PCODE", "ADM1_EN") if c not in gdf.columns]
        if missing:
            raise DownloadError(f"{archive.name}/{layer.name}: the COD-AB layer lacks the "
                                f"columns {', '.join(missing)} (it has "
                                f"{', '.join(map(str, gdf.columns))})")
        gdf = gdf.set_crs(WGS84) if gdf.crs is None else gdf.to_crs(WGS84)
        with atomic_path(out) as tmp_out:
            pyogrio.write_dataframe(gdf, tmp_out, driver="GeoJSON", layer=layer.stem)


def _cod_ab_names(columns: pd.Index) -> dict[str, str]:
    """Renames from the newer lower-case COD-AB schema (``adm2_name``, ``adm2_pcode``) to the
    2018 one the shared file has (``ADM2_EN``, ``ADM2_PCODE``); the 2018 schema maps to itself.
    """
    present = set(columns)
    rename = {}
    for col in columns:
        match = re.fullmatch(r"adm(\d)_(name|name1|name2|pcode|en|ru|ky|type)", str(col))
        if not match:
            continue
        level, part = match.groups()
        # name = English, name1 = Russian (as in the 2024 Kyrgyz edition), name2 = Kyrgyz.
        suffix = {"name": "_EN", "name1": "_RU", "name2": "_KY", "type": "TYP_EN"}.get(
            part, "_" + part.upper())
        target = f"ADM{level}{suffix}"
        if target not in present:
            rename[col] = target
    return rename


def first_value(value: Any) -> str:
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return "" if value is None else str(value)


def read_wof(archive: Path, placetypes: tuple[str, ...] = ("region", "county", "locality")
             ) -> dict[str, list[dict[str, Any]]]:
    """Non-deprecated, non-superseded Who's On First records of an admin repository archive.

    Records flagged ``mz:is_current = 0`` are kept (the shared polygon files keep them, with
    their ``is_current`` flag); :func:`convert_settlements` leaves such localities out.
    """
    found: dict[str, list[dict[str, Any]]] = {p: [] for p in placetypes}
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                base = member.name.rsplit("/", 1)[-1]
                if (not member.isfile() or "/data/" not in member.name
                        or not base.endswith(".geojson") or "-alt-" in base):
                    continue
                handle = tar.extractfile(member)
                if handle is None:
                    continue
                feature = json.load(handle)
                props = feature.get("properties") or {}
                kind = props.get("wof:placetype")
                if kind not in found:
                    continue
                deprecated = str(props.get("edtf:deprecated") or "")
                if props.get("wof:superseded_by") or deprecated not in ("", "uuuu"):
                    continue
                found[kind].append(feature)
    except (tarfile.TarError, OSError, json.JSONDecodeError) as exc:
        raise DownloadError(f"{archive.name}: cannot read the Who's On First archive ({exc}); "
                            "delete it from the cache and run again") from exc
    return found


def wof_polygons(features: list[dict[str, Any]]) -> dict[str, Any]:
    """WOF region/county records -> the shared ``*_wof.geojson`` FeatureCollection."""
    out = []
    for f in sorted(features, key=lambda f: str(f["properties"].get("wof:name"))):
        p = f["properties"]
        out.append({"type": "Feature", "properties": {
            "wof_id": p.get("wof:id"), "name": p.get("wof:name"),
            "name_ru": first_value(p.get("name:rus_x_preferred")),
            "name_ky": first_value(p.get("name:kir_x_preferred")),
            "parent_id": p.get("wof:parent_id"), "is_current": p.get("mz:is_current"),
            "src_geom": p.get("src:geom"),
        }, "geometry": f.get("geometry")})
    return {"type": "FeatureCollection", "features": out}


def convert_hotosm(archive: Path, out: Path) -> None:
    """HOT export ZIP -> ``health_facilities_hotosm.geojson`` (properties kept as exported)."""
    # The export ZIP also holds a README and a clipping_boundary.geojson: take the data file.
    name, data = read_zip_member(archive, r"health_facilities[^/]*\.geojson$")
    try:
        collection = json.loads(data)
    except json.JSONDecodeError as exc:
        raise DownloadError(f"{archive.name}/{name} is not valid GeoJSON") from exc
    collection.setdefault("name", Path(name).stem)
    write_json(collection, out)


# Known column names, exact (lower case); the 2018 Kyrgyz COD-PS names its columns like
# ``admin1Name_en`` and is Windows-1251 encoded.
_PS_COLUMNS = {
    "oblast_en": ("adm1_en", "adm1_name", "admin1name_en", "oblast", "oblast_en", "region"),
    "rayon_en": ("adm2_en", "adm2_name", "admin2name_en", "rayon", "rayon_en", "district"),
    "type_en": ("adm2typ_en", "adm2_type", "adm2type_en", "admin2type_en", "type", "type_en"),
    "population_total": ("t_tl", "total", "population", "pop_total", "population_total",
                         "total_population", "t_total"),
    "population_urban": ("urban", "u_tl", "t_urb", "urban_tl", "pop_urban", "population_urban"),
    "population_rural": ("rural", "r_tl", "t_rur", "rural_tl", "pop_rural", "population_rural"),
    "year": ("year", "reference_year", "ref_year"),
}
# Otherwise the first column whose lower-case name contains the word and none of the others.
_PS_FUZZY = {
    "population_total": (("total", "population"), ("male", "urban", "rural", "name", "code")),
    "population_urban": (("urban",), ("male", "name", "code")),
    "population_rural": (("rural",), ("male", "name", "code")),
}


def _ps_column(columns: pd.Index, key: str) -> str | None:
    lower = {str(c).strip().lower(): c for c in columns}
    exact = next((lower[n] for n in _PS_COLUMNS[key] if n in lower), None)
    if exact is not None or key not in _PS_FUZZY:
        return exact
    words, avoid = _PS_FUZZY[key]
    return next((c for low, c in lower.items()
                 if any(w in low for w in words) and not any(a in low for a in avoid)), None)


def convert_cod_ps(path: Path, source_name: str = "") -> pd.DataFrame:
    """OCHA COD-PS ADM2 table (CSV or XLSX) -> ``rayon_population_2018.csv`` columns."""
    if path.suffix.lower() in (".xlsx", ".xls"):
        sheets = pd.read_excel(path, sheet_name=None, dtype=str)
        frame = next((df for name, df in sheets.items() if "adm2" in name.lower()),
                     next(iter(sheets.values())))
    else:
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""],
                                encoding="utf-8-sig", sep=None, engine="python")
        except UnicodeDecodeError:  # the Kyrgyz COD-PS CSV is Windows-1251
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""],
                                encoding="cp1251", sep=None, engine="python")
    # HXL files carry a second header row of '#hashtags'.
    if len(frame) and str(frame.iloc[0, 0]).startswith("#"):
        frame = frame.iloc[1:]
    found = {key: _ps_column(frame.columns, key) for key in _PS_COLUMNS}
    missing = [k for k in ("oblast_en", "rayon_en", "population_total") if found[k] is None]
    if missing:
        raise DownloadError(f"{source_name or path.name}: the COD-PS table has no column for "
                            f"{', '.join(missing)}; its columns are "
                            f"{', '.join(map(str, frame.columns))}")
    blank = frame[found["rayon_en"]].fillna("").str.strip().eq("")
    if blank.any():  # national or oblast subtotal lines
        log.info("%s: %d rows without a rayon name (subtotals) are not rayons; left out",
                 source_name or path.name, int(blank.sum()))
        frame = frame[~blank]
    out = pd.DataFrame({"oblast_en": frame[found["oblast_en"]].str.strip(),
                        "rayon_en": frame[found["rayon_en"]].str.strip()})
    if found["type_en"] is not None:
        out["type_en"] = frame[found["type_en"]].str.strip().str.lower()
    else:
        out["type_en"] = np.where(out["rayon_en"].str.contains("(city)", regex=False),
                                  "independent city", "district")
    for key in ("population_total", "population_urban", "population_rural"):
        col = found[key]
        if col is None:
            out[key] = pd.array([pd.NA] * len(out), dtype="Int64")
            continue
        text = frame[col].astype("string").str.replace(r"[\s,]", "", regex=True)
        out[key] = pd.to_numeric(text, errors="coerce").round().astype("Int64")
    if found["year"] is not None:
        out["year"] = frame[found["year"]].str.extract(r"((?:19|20)\d\d)")[0]
    else:
        years = re.findall(r"(?:19|20)\d\d", source_name or path.name)
        out["year"] = years[-1] if years else ""
    return out.reset_index(drop=True)


def read_geonames(path: Path, member: str) -> pd.DataFrame:
    _, data = read_zip_member(path, rf"(^|/){re.escape(member)}$")
    return pd.read_csv(io.BytesIO(data), sep="\t", header=None,
                       names=list(ALTNAME_COLUMNS if "alternate" in path.name
                                  else GEONAMES_COLUMNS),
                       dtype=str, quoting=csv.QUOTE_NONE, keep_default_na=False,
                       na_values=[""], encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Wikipedia wikitext

_POP_KEYS = ("population_total", "population", "pop", "einwohner", "население", "калкы",
             "калкынын саны", "аҳолӣ", "шумораи аҳолӣ", "stanovništvo", "broj stanovnika",
             "počet obyvatel", "obyvatelé")
_YEAR_KEYS = ("population_as_of", "population_date", "population_census", "stand",
              "год переписи", "год оценки", "перепись", "год", "жыл", "эсеп жылы", "сол",
              "соли барӯйхатгирӣ", "godina", "popis", "rok")
_NUMBER = re.compile(r"\d[\d\s\u00a0\u202f.,']*")
_TOTAL = re.compile(r"gesamt|insgesamt|summe|total|всего|жалпы", re.IGNORECASE)
_RUSSIAN = re.compile(r"russisch|russian|русск|орусча", re.IGNORECASE)


def _number(text: str) -> int | None:
    match = _NUMBER.search(text)
    if not match:
        return None
    digits = re.sub(r"\D", "", match.group(0).rstrip(".,"))
    return int(digits) if digits else None


def _year(text: str) -> str:
    match = re.search(r"\b(19\d\d|20\d\d)\b", text)
    return match.group(1) if match else ""


def _wikicode(wikitext: str) -> mwparserfromhell.wikicode.Wikicode:
    """Parsed wikitext without references and comments (their numbers are not figures)."""
    code = mwparserfromhell.parse(wikitext)
    for ref in code.filter_tags(matches=lambda n: str(n.tag).strip().lower() == "ref"):
        _remove(code, ref)
    for comment in code.filter_comments():
        _remove(code, comment)
    return code


def _remove(code: mwparserfromhell.wikicode.Wikicode, node: Any) -> None:
    with contextlib.suppress(ValueError):  # already gone with an enclosing node
        code.remove(node)


def _text(code: mwparserfromhell.wikicode.Wikicode) -> str:
    """What a reader sees: links as their label, templates dropped except ``formatnum``'s
    number, line breaks (``<br />``) as spaces."""
    for template in code.filter_templates(recursive=False):
        name = str(template.name).strip().lower()
        if name.startswith("formatnum:"):
            code.replace(template, str(template.name).split(":", 1)[1])
    for br in code.filter_tags(matches=lambda n: str(n.tag).strip().lower() == "br"):
        code.replace(br, " ")
    text = code.strip_code(normalize=True, collapse=True)
    return " ".join(text.split())


def parse_infobox(wikitext: str) -> tuple[int, str] | None:
    """Population and year of an article's infobox (``| population_total = 11,306``)."""
    for template in _wikicode(wikitext).filter_templates(recursive=False):
        fields: dict[str, mwparserfromhell.wikicode.Wikicode] = {}
        for param in template.params:
            fields.setdefault(str(param.name).strip().lower(), param.value)
        for key in _POP_KEYS:
            if key not in fields:
                continue
            value = _text(fields[key])
            match = _NUMBER.search(value)
            population = _number(value) if match else None
            if population:
                # "14.141 (2009)": a year written after the figure, else the date field.
                year = _year(value[match.end():]) or next(
                    (_year(_text(fields[k])) for k in _YEAR_KEYS
                     if k in fields and _year(_text(fields[k]))), "")
                return population, year
    return None


class TableRow(NamedTuple):
    """One census figure of a wikitable row."""

    place: str
    year: str
    population: int
    total: bool  # the row is the whole unit ("Insgesamt"), not one village
    place_ru: str = ""  # from a column headed "Russisch"/"Russian", when the table has one


def _is(tag: str, *names: str) -> Any:
    return lambda node: str(node.tag).strip().lower() in names


def _rows(table: Any) -> list[tuple[bool, list[str]]]:
    """(header?, cell texts) per row of a wikitable; cells before the first ``|-`` are a row
    of their own; the caption (``|+``) is no cell."""
    rows: list[tuple[bool, list[str]]] = []
    loose = [n for n in table.contents.filter_tags(matches=_is("", "th", "td"), recursive=False)
             if n.wiki_markup != "|+" and not str(n.contents).startswith("+")]
    for row in ([loose] if loose else []) + [
            r.contents.filter_tags(matches=_is("", "th", "td"), recursive=False)
            for r in table.contents.filter_tags(matches=_is("", "tr"), recursive=False)]:
        if row:
            rows.append((str(row[0].tag).strip().lower() == "th",
                         [_text(cell.contents) for cell in row]))
    return rows


def parse_tables(wikitext: str) -> list[TableRow]:
    """Census figures of wikitables, one :class:`TableRow` per row and census column.

    A column is a census column when its header holds a year (``Einwohner 2009``); the place is
    the first column without a year. A row whose place reads like "total" is the whole unit.
    """
    out = []
    for table in _wikicode(wikitext).filter_tags(matches=_is("", "table")):
        header: list[str] = []
        for is_header, cells in _rows(table):
            if is_header and not header:
                header = cells
                continue
            if not header:
                continue
            years = {i: _year(h) for i, h in enumerate(header) if _year(h)}
            name_col = next((i for i in range(len(header)) if i not in years), None)
            if not years or name_col is None or name_col >= len(cells):
                continue
            place = cells[name_col]
            ru_col = next((i for i, h in enumerate(header)
                           if i not in years and _RUSSIAN.search(h)), None)
            place_ru = cells[ru_col] if ru_col is not None and ru_col < len(cells) else ""
            for i, year in years.items():
                value = _number(cells[i]) if i < len(cells) else None
                if value is not None:
                    out.append(TableRow(place, year, value, bool(_TOTAL.search(place)),
                                        place_ru))
    return out
