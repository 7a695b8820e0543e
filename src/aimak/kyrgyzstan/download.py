"""Fetch the public upstream sources of the Kyrgyz dataset when no shared copy is at hand.

:func:`resolve_source` returns a directory laid out like ``../shared/data/kyrgyzstan`` (the same
file names and columns), so that the dataset builder reads a local copy and a fresh download the
same way. :func:`fetch_sources` downloads every upstream file listed in
:mod:`aimak.kyrgyzstan.sources` into a cache (``~/.cache/aimak/kyrgyzstan/raw``) and converts the
upstream formats into the shared files' columns (``.../kyrgyzstan/data``).

Downloads use timeouts and retries; every failure names the address that failed. Each download
is written atomically, and the converted directory is built aside and moved into place only when
every file is complete, so an interrupted run never leaves a half-written source directory.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import logging
import os
import re
import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

import click
import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from aimak import __version__
from aimak.crs import KYRGYZSTAN_LAEA, WGS84
from aimak.errors import AimakError, fail
from aimak.io import atomic_path
from aimak.kyrgyzstan.sources import (
    BY_FILE,
    COD_AB,
    COD_PS,
    DEFAULT_BASE_URLS,
    GEONAMES_ALTNAMES_KG,
    GEONAMES_CITIES500,
    GEONAMES_KG,
    HOTOSM_HEALTH,
    OPEN_ADMIN_AA,
    REQUIRED_FILES,
    SIMPLEMAPS_KG,
    SOATE_SEED,
    SOURCES,
    WOF_ADMIN_KG,
    HdxResource,
    Remote,
    WikiPage,
)

log = logging.getLogger(__name__)

#: Where downloads and the converted directory live unless told otherwise
#: (``$XDG_CACHE_HOME/aimak/kyrgyzstan``, by default ``~/.cache/aimak/kyrgyzstan``).
DEFAULT_CACHE_DIR = (Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
                     / "aimak" / "kyrgyzstan")
#: (connect, read) timeouts in seconds.
TIMEOUT = (15, 300)
#: Wikimedia and HDX ask clients to identify themselves; set AIMAK_USER_AGENT to add a contact.
USER_AGENT = os.environ.get(
    "AIMAK_USER_AGENT",
    f"aimak/{__version__} (open-source territorial reform toolkit for Kyrgyzstan) "
    f"python-requests/{requests.__version__}")
CHUNK = 1 << 20
#: Times a transfer cut off midway is started again.
BODY_ATTEMPTS = 3

#: Oblast-level cities outside the OCHA ADM2 layer: GeoNames id, name, P-code.
CITY_REGIONS = (("1528675", "Bishkek", "KG11000000000"), ("1527534", "Osh (city)",
                                                          "KG21000000000"))
#: A point outside every OCHA rayon belongs to one of those cities within this distance (m).
CITY_RADIUS_M = 25_000.0
#: ... or else to the nearest rayon within this distance (m), for border slivers.
NEAREST_RAYON_M = 10_000.0
#: A SimpleMaps city is the same place as a settlement within this distance (m) ...
SIMPLEMAPS_NAME_M = 5_000.0
#: ... when their names agree, or within this distance whatever the name.
SIMPLEMAPS_ANY_M = 1_000.0

GEONAMES_COLUMNS = ("geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
                    "feature_class", "feature_code", "country_code", "cc2", "admin1_code",
                    "admin2_code", "admin3_code", "admin4_code", "population", "elevation", "dem",
                    "timezone", "modification_date")
ALTNAME_COLUMNS = ("alternatenameid", "geonameid", "isolanguage", "alternate_name",
                   "is_preferred", "is_short", "is_colloquial", "is_historic", "from", "to")


class DownloadError(AimakError):
    """An upstream source could not be downloaded or did not have the expected format."""


# --------------------------------------------------------------------------------------------
# HTTP


def make_session(retries: int = 3, backoff: float = 1.0) -> requests.Session:
    """A requests session that retries connection errors and 429/5xx answers with backoff."""
    session = requests.Session()
    retry = Retry(total=retries, connect=retries, read=retries, status=retries,
                  backoff_factor=backoff, status_forcelist=(429, 500, 502, 503, 504),
                  allowed_methods=("GET", "HEAD"), raise_on_status=False)
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


@dataclass
class Fetcher:
    """Downloads upstream files into ``raw_dir``, reusing what is already there."""

    raw_dir: Path
    base_urls: dict[str, str]
    session: requests.Session
    refresh: bool = False
    used: dict[str, list[str]] = field(default_factory=dict)  # cache name -> URLs used

    def url(self, base: str, path: str, **fmt: str) -> str:
        try:
            root = self.base_urls[base]
        except KeyError:
            raise DownloadError(f"no base URL is configured for '{base}'") from None
        return root.format(**fmt).rstrip("/") + path

    def rewrite(self, url: str) -> str:
        """Point an absolute upstream URL (e.g. from the HDX API) at the configured mirror."""
        for key, default in DEFAULT_BASE_URLS.items():
            mirror = self.base_urls.get(key, default)
            if "{" not in default and mirror != default and url.startswith(default):
                return mirror.rstrip("/") + url[len(default):]
        return url

    def _get(self, url: str, stream: bool = False) -> requests.Response:
        try:
            response = self.session.get(url, timeout=TIMEOUT, stream=stream)
        except requests.RequestException as exc:
            raise DownloadError(f"cannot download {url}: {_reason(exc)}") from exc
        if response.status_code >= 400:
            response.close()
            raise DownloadError(f"cannot download {url}: the server answered HTTP "
                                f"{response.status_code} {response.reason or ''}".rstrip())
        return response

    def get_json(self, url: str) -> Any:
        response = self._get(url)
        try:
            return response.json()
        except ValueError as exc:
            raise DownloadError(f"{url} did not answer JSON as expected") from exc

    def save(self, url: str, dest: Path) -> Path:
        """Stream ``url`` into ``dest`` atomically (no partial file on failure).

        A transfer cut off midway is started again (the session's retries only cover the
        request itself, not the body).
        """
        for attempt in range(1, BODY_ATTEMPTS + 1):
            response = self._get(url, stream=True)
            try:
                with atomic_path(dest) as tmp, open(tmp, "wb") as out:
                    for chunk in response.iter_content(CHUNK):
                        out.write(chunk)
                return dest
            except requests.RequestException as exc:
                if attempt == BODY_ATTEMPTS:
                    raise DownloadError(f"cannot download {url}: {_reason(exc)}") from exc
                log.warning("the download of %s was interrupted (%s); starting again", url,
                            _reason(exc))
            finally:
                response.close()
        return dest

    def _record(self, dest: Path, urls: list[str]) -> None:
        """Remember where a cached download came from (``<file>.source.json`` beside it)."""
        _write_json({"urls": urls, "fetched_utc": _now()}, _sidecar(dest))

    def provenance(self, dest: Path) -> dict[str, Any]:
        try:
            return json.loads(_sidecar(dest).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return {"urls": ["(unknown: the file was put in the cache by hand)"],
                    "fetched_utc": None}

    def remote(self, remote: Remote) -> Path:
        dest = self.raw_dir / remote.name
        if dest.exists() and not self.refresh:
            return dest
        errors = []
        for base, path in remote.urls:
            url = self.url(base, path)
            try:
                self.save(url, dest)
            except DownloadError as exc:
                errors.append(str(exc))
                continue
            self.used[remote.name] = [url]
            self._record(dest, [url])
            return dest
        raise DownloadError("; ".join(errors))

    def hdx(self, resource: HdxResource) -> Path:
        cached = sorted(p for p in self.raw_dir.glob(resource.name + "--*")
                        if not p.name.endswith(".source.json"))
        if cached and not self.refresh:
            return cached[0]
        api = self.url("hdx", resource.api_path)
        package = self.get_json(api)
        resources = (package.get("result") or {}).get("resources") or [] \
            if isinstance(package, dict) else []
        pattern = re.compile(resource.pattern, re.IGNORECASE)
        chosen = next((r for r in resources
                       if pattern.search(str(r.get("name", "")))
                       or pattern.search(str(r.get("url", "")).rsplit("/", 1)[-1])), None)
        if chosen is None:
            names = ", ".join(str(r.get("name")) for r in resources) or "none"
            raise DownloadError(f"the HDX dataset '{resource.dataset}' ({api}) has no resource "
                                f"matching '{resource.pattern}'; its resources are: {names}")
        url = self.rewrite(str(chosen["url"]))
        # Keep the upstream file name: it carries the edition (e.g. the reference year).
        upstream = re.sub(r"[^\w.-]+", "_", url.split("?")[0].rsplit("/", 1)[-1]) or "file"
        if not upstream.lower().endswith(_suffix(str(chosen.get("name") or ""), url)):
            upstream += _suffix(str(chosen.get("name") or ""), url)
        dest = self.save(url, self.raw_dir / f"{resource.name}--{upstream}")
        self.used[resource.name] = [api, url]
        self._record(dest, [api, url])
        return dest

    def wiki(self, page: WikiPage) -> tuple[str, int | None] | None:
        """Wikitext and revision id of a cited article, or None (logged) when unavailable."""
        title = page.title
        for _ in range(3):  # follow at most two wikitext redirects
            probe = WikiPage(page.lang, title, page.level, page.rayon, page.ayil_aimak)
            url = self.url("wikipedia", probe.api_path, lang=page.lang)
            cache = self.raw_dir / "wikipedia" / page.lang / (
                quote(title.replace(" ", "_"), safe="") + ".json")
            if cache.exists() and not self.refresh:
                stored = json.loads(cache.read_text(encoding="utf-8"))
                data = stored["response"]
                self.used.setdefault("wikipedia", []).append(stored["url"])
            else:
                try:
                    data = self.get_json(url)
                except DownloadError as exc:
                    log.warning("skipping a cited Wikipedia article: %s", exc)
                    return None
                _write_json({"url": url, "fetched_utc": _now(), "response": data}, cache)
                self.used.setdefault("wikipedia", []).append(url)
            text = str(data.get("source") or "")
            target = re.match(r"\s*#\w+\s*\[\[([^\]|#]+)", text)
            if target and len(text) < 500:
                title = target.group(1).strip()
                continue
            revision = (data.get("latest") or {}).get("id")
            return text, int(revision) if revision else None
        return None


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".source.json")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _reason(exc: Exception) -> str:
    if isinstance(exc, requests.Timeout):
        return "the server did not answer in time"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "the connection broke during the transfer"
    if isinstance(exc, requests.ConnectionError):
        return "the host cannot be reached (no network, wrong address or server down)"
    return f"{type(exc).__name__}: {exc}"


def _suffix(name: str, url: str) -> str:
    for candidate in (url.split("?")[0], name):
        match = re.search(r"(\.(?:shp\.zip|zip|csv|xlsx|xls|json|geojson))$", candidate, re.I)
        if match:
            return match.group(1).lower()
    return ".bin"


# --------------------------------------------------------------------------------------------
# Writers


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=False, encoding="utf-8")


def _write_json(obj: Any, path: Path) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as out:
        json.dump(obj, out, ensure_ascii=False)


def _read_zip_member(path: Path, pattern: str) -> tuple[str, bytes]:
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


# --------------------------------------------------------------------------------------------
# Converters: upstream format -> shared file columns

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


def _first(value: Any) -> str:
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
            "name_ru": _first(p.get("name:rus_x_preferred")),
            "name_ky": _first(p.get("name:kir_x_preferred")),
            "parent_id": p.get("wof:parent_id"), "is_current": p.get("mz:is_current"),
            "src_geom": p.get("src:geom"),
        }, "geometry": f.get("geometry")})
    return {"type": "FeatureCollection", "features": out}


def convert_hotosm(archive: Path, out: Path) -> None:
    """HOT export ZIP -> ``health_facilities_hotosm.geojson`` (properties kept as exported)."""
    # The export ZIP also holds a README and a clipping_boundary.geojson: take the data file.
    name, data = _read_zip_member(archive, r"health_facilities[^/]*\.geojson$")
    try:
        collection = json.loads(data)
    except json.JSONDecodeError as exc:
        raise DownloadError(f"{archive.name}/{name} is not valid GeoJSON") from exc
    collection.setdefault("name", Path(name).stem)
    _write_json(collection, out)


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


def _read_geonames(path: Path, member: str) -> pd.DataFrame:
    _, data = _read_zip_member(path, rf"(^|/){re.escape(member)}$")
    return pd.read_csv(io.BytesIO(data), sep="\t", header=None,
                       names=list(ALTNAME_COLUMNS if "alternate" in path.name
                                  else GEONAMES_COLUMNS),
                       dtype=str, quoting=csv.QUOTE_NONE, keep_default_na=False,
                       na_values=[""], encoding="utf-8")


def _alt_names(alt: pd.DataFrame, lang: str) -> pd.Series:
    rows = alt[(alt["isolanguage"] == lang) & (alt["is_historic"] != "1")
               & (alt["is_colloquial"] != "1")]
    rows = rows.assign(pref=rows["is_preferred"].eq("1")).sort_values("pref", ascending=False)
    return rows.drop_duplicates("geonameid").set_index("geonameid")["alternate_name"]


_NAME_NOTES = r"\(.*?\)|\b(?:имени|им|imeni|im)\b\.?"
#: Spelling variants of the same name (Russian/Kyrgyz renderings): folded before comparing.
_NAME_FOLDS = (("ё", "е"), ("дж", "ж"), ("ң", "н"), ("ө", "о"), ("ү", "у"))


def _norm(names: pd.Series) -> pd.Series:
    """A key for name matching: lower-case letters only, without '(часть)'-style notes or the
    'имени' of memorial names ('Им. Ленина' = 'Имени Ленина' = 'Ленина'), Kyrgyz and Russian
    spellings folded together ('Джениш' = 'Жениш')."""
    out = names.fillna("").astype(str).str.lower().str.replace(_NAME_NOTES, "", regex=True)
    for a, b in _NAME_FOLDS:
        out = out.str.replace(a, b, regex=False)
    return out.str.replace(r"[^\w]|_|\d", "", regex=True)


def _xy(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    pts = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=WGS84).to_crs(KYRGYZSTAN_LAEA)
    return np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])


def convert_settlements(localities: list[dict[str, Any]], geonames: pd.DataFrame,
                        altnames: pd.DataFrame, cities500: pd.DataFrame,
                        simplemaps: pd.DataFrame, rayons: gpd.GeoDataFrame,
                        ayil_aimaks: pd.DataFrame) -> pd.DataFrame:
    """WOF localities + GeoNames + SimpleMaps -> ``settlements.csv`` columns.

    Oblast and rayon come from the OCHA rayon polygon containing the point (Bishkek and Osh,
    absent from that layer, from their GeoNames centres); the ayil aimak is a guess: the one of
    the same rayon whose СОАТЕ villages include the settlement's Russian name, else the nearest
    ayil-aimak centroid of the rayon (``aa_match`` says which).
    """
    localities = [f for f in localities
                  if str((f.get("properties") or {}).get("mz:is_current", 1)) != "0"]
    props = [f.get("properties") or {} for f in localities]
    wof = pd.DataFrame({
        "wof_id": [str(p.get("wof:id", "")) for p in props],
        "geonameid": [str((p.get("wof:concordances") or {}).get("gn:id") or "") for p in props],
        "name": [p.get("wof:name") for p in props],
        "name_ru": [_first(p.get("name:rus_x_preferred")) for p in props],
        "name_ky": [_first(p.get("name:kir_x_preferred")) for p in props],
        "lat": [p.get("geom:latitude", p.get("lbl:latitude")) for p in props],
        "lon": [p.get("geom:longitude", p.get("lbl:longitude")) for p in props],
    }, dtype=object)
    # Records without centroid properties: their own Point geometry.
    for i, f in enumerate(localities):
        geom = f.get("geometry") or {}
        if wof.at[i, "lat"] is None and geom.get("type") == "Point":
            wof.at[i, "lon"], wof.at[i, "lat"] = geom["coordinates"][:2]
    wof["geonameid"] = wof["geonameid"].str.replace(r"\.0$", "", regex=True)
    wof["source"] = "wof_admin_kg(geonames)"
    gn = geonames[geonames["feature_class"] == "P"].drop_duplicates("geonameid")
    gn = gn.set_index("geonameid")
    c500 = cities500[cities500["country_code"] == "KG"].drop_duplicates("geonameid")
    extra = c500[~c500["geonameid"].isin(wof["geonameid"])]
    extra = pd.DataFrame({"wof_id": "", "geonameid": extra["geonameid"], "name": extra["name"],
                          "name_ru": "", "name_ky": "", "lat": extra["latitude"],
                          "lon": extra["longitude"], "source": "geonames_cities500"})
    df = pd.concat([wof, extra], ignore_index=True)
    has_gn = df["geonameid"].ne("")
    df["id"] = np.where(has_gn, "gn:" + df["geonameid"], "wof:" + df["wof_id"])
    df = df.drop_duplicates("id").reset_index(drop=True)
    has_gn = df["geonameid"].ne("")
    # GeoNames coordinates (5 decimals) and feature code where GeoNames knows the place.
    for col, gn_col in (("lat", "latitude"), ("lon", "longitude")):
        df[col] = pd.to_numeric(df["geonameid"].map(gn[gn_col]), errors="coerce").fillna(
            pd.to_numeric(df[col], errors="coerce"))
    df["feature_code"] = df["geonameid"].map(gn["feature_code"]).fillna(
        df["geonameid"].map(c500.set_index("geonameid")["feature_code"]))
    for col, lang in (("name_ru", "ru"), ("name_ky", "ky")):
        df[col] = df[col].replace("", np.nan).fillna(df["geonameid"].map(_alt_names(altnames,
                                                                                    lang)))
    pop = pd.to_numeric(c500.set_index("geonameid")["population"], errors="coerce")
    df["population"] = df["geonameid"].map(pop[pop > 0])
    df["pop_source"] = np.where(df["population"].notna(), "geonames_cities500", None)
    df.loc[~has_gn, "geonameid"] = ""
    df = _add_simplemaps(df, simplemaps)
    df = _add_admin(df, rayons, gn)
    df = _add_ayil_aimak(df, ayil_aimaks)
    df["lat"] = df["lat"].round(5)
    df["lon"] = df["lon"].round(5)
    df["population"] = pd.to_numeric(df["population"], errors="coerce").round().astype("Int64")
    out = df[list(BY_FILE["settlements.csv"].columns)]
    # A place without coordinates cannot be placed on the map; the builder needs them. Such
    # records are left out, and named in the log and in the manifest (df.attrs["left_out"]).
    unplaced = out["lat"].isna() | out["lon"].isna()
    if unplaced.any():
        ids = out.loc[unplaced, "id"].tolist()
        log.warning("%d places have no coordinates upstream and are left out of "
                    "settlements.csv: %s", len(ids), ", ".join(ids))
        out = out[~unplaced].reset_index(drop=True)
        out.attrs["left_out"] = [f"{i}: no coordinates upstream" for i in ids]
    return out


def _add_simplemaps(df: pd.DataFrame, sm: pd.DataFrame) -> pd.DataFrame:
    """Take SimpleMaps populations (they win over cities500) and add cities nobody else has."""
    if "iso2" in sm.columns:
        sm = sm[sm["iso2"].fillna("KG") == "KG"]
    sm = sm.assign(lat=pd.to_numeric(sm["lat"], errors="coerce"),
                   lng=pd.to_numeric(sm["lng"], errors="coerce"),
                   population=pd.to_numeric(sm.get("population"), errors="coerce"))
    sm = sm.dropna(subset=["lat", "lng", "population"]).reset_index(drop=True)
    if sm.empty or df.empty:
        return df
    from scipy.spatial import cKDTree

    # Places without coordinates are kept in the table but put out of reach of the search.
    far = 1e12
    tree = cKDTree(np.nan_to_num(_xy(df["lon"].to_numpy(float), df["lat"].to_numpy(float)),
                                 nan=far, posinf=far, neginf=far))
    xy = _xy(sm["lng"].to_numpy(float), sm["lat"].to_numpy(float))
    k = min(10, len(df))
    dist, idx = tree.query(xy, k=k, distance_upper_bound=SIMPLEMAPS_NAME_M)
    dist, idx = dist.reshape(len(sm), k), idx.reshape(len(sm), k)
    names = _norm(df["name"]).to_numpy()
    city = _norm(sm.get("city_ascii", sm["city"])).to_numpy()
    new = []
    for i in range(len(sm)):  # a few dozen cities, not a hot path
        ok = idx[i] < len(df)
        same = ok & (names[np.minimum(idx[i], len(df) - 1)] == city[i])
        hit = idx[i][same][0] if same.any() else (
            idx[i][0] if ok[0] and dist[i][0] <= SIMPLEMAPS_ANY_M else None)
        if hit is not None:
            df.loc[hit, ["population", "pop_source"]] = [sm.at[i, "population"],
                                                         "simplemaps_basic"]
            continue
        sm_id = str(sm.at[i, "id"]) if "id" in sm.columns else (
            re.sub(r"\W+", "-", str(sm.at[i, "city"])).strip("-").lower())
        new.append({"id": f"sm:{sm_id}", "geonameid": "", "wof_id": "", "name": sm.at[i, "city"],
                    "name_ru": np.nan, "name_ky": np.nan, "lat": sm.at[i, "lat"],
                    "lon": sm.at[i, "lng"], "population": sm.at[i, "population"],
                    "pop_source": "simplemaps_basic", "feature_code": np.nan,
                    "source": "simplemaps_basic"})
    if new:
        df = pd.concat([df, pd.DataFrame(new)], ignore_index=True)
    return df


def _add_admin(df: pd.DataFrame, rayons: gpd.GeoDataFrame, gn: pd.DataFrame) -> pd.DataFrame:
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=WGS84,
                              index=df.index)
    cols = ["ADM1_EN", "ADM2_EN", "ADM2_PCODE"]
    ray = rayons[[*cols, "geometry"]].to_crs(WGS84)
    hit = gpd.sjoin(points, ray, how="left", predicate="within")
    hit = hit[~hit.index.duplicated()]
    df["admin1"], df["admin2"], df["admin2_pcode"] = (hit[c] for c in cols)
    outside = df["admin2_pcode"].isna() & df["lat"].notna()
    if outside.any():
        xy = _xy(df.loc[outside, "lon"].to_numpy(float), df.loc[outside, "lat"].to_numpy(float))
        centres = [(gid, name, code) for gid, name, code in CITY_REGIONS if gid in gn.index]
        if centres:
            cxy = _xy(pd.to_numeric(gn.loc[[c[0] for c in centres], "longitude"]).to_numpy(),
                      pd.to_numeric(gn.loc[[c[0] for c in centres], "latitude"]).to_numpy())
            d = np.hypot(xy[:, None, 0] - cxy[None, :, 0], xy[:, None, 1] - cxy[None, :, 1])
            best, near = d.argmin(axis=1), d.min(axis=1) <= CITY_RADIUS_M
            rows = df.index[outside][near]
            df.loc[rows, "admin1"] = [centres[b][1] for b in best[near]]
            df.loc[rows, "admin2_pcode"] = [centres[b][2] for b in best[near]]
        still = df["admin2_pcode"].isna() & df["lat"].notna()
        if still.any():
            near = gpd.sjoin_nearest(points.loc[still].to_crs(KYRGYZSTAN_LAEA),
                                     ray.to_crs(KYRGYZSTAN_LAEA), how="left",
                                     max_distance=NEAREST_RAYON_M)
            near = near[~near.index.duplicated()].dropna(subset=["ADM2_PCODE"])
            for c, out in zip(cols, ("admin1", "admin2", "admin2_pcode"), strict=True):
                df.loc[near.index, out] = near[c]
    return df


def _add_ayil_aimak(df: pd.DataFrame, aa: pd.DataFrame) -> pd.DataFrame:
    df["aa_pcode"], df["aa_name"], df["aa_match"] = np.nan, np.nan, np.nan
    aa = aa.assign(lat=pd.to_numeric(aa["lat"], errors="coerce"),
                   lon=pd.to_numeric(aa["lon"], errors="coerce")).dropna(subset=["lat", "lon"])
    aa = aa.reset_index(drop=True)
    if aa.empty:
        return df
    aa_prefix = aa["pcode"].str[:7].to_numpy()
    s_prefix = df["admin2_pcode"].fillna("").str[:7]
    # 1. The settlement's Russian name is one of the СОАТЕ villages of an ayil aimak of its rayon.
    villages = aa[["pcode", "soate_villages"]].assign(
        v=aa["soate_villages"].fillna("").str.split(";")).explode("v")
    villages = villages.assign(key=villages["pcode"].str[:7] + "|" + _norm(villages["v"]))
    villages = villages[villages["v"].fillna("").str.strip().ne("")]
    key = s_prefix + "|" + _norm(df["name_ru"])
    sxy = _xy(df["lon"].fillna(0).to_numpy(float), df["lat"].fillna(0).to_numpy(float))
    axy = _xy(aa["lon"].to_numpy(float), aa["lat"].to_numpy(float))
    d = np.hypot(sxy[:, None, 0] - axy[None, :, 0], sxy[:, None, 1] - axy[None, :, 1])
    # A name found under several ayil aimaks of the rayon: the nearest of those.
    pairs = pd.DataFrame({"row": np.arange(len(df)), "key": key.to_numpy()})[
        df["name_ru"].fillna("").ne("").to_numpy()].merge(
        villages[["key", "pcode"]].drop_duplicates(), on="key")
    position = pd.Series(np.arange(len(aa)), index=aa["pcode"])
    position = position[~position.index.duplicated()]
    pairs["dist"] = d[pairs["row"].to_numpy(), position.loc[pairs["pcode"]].to_numpy()]
    best = pairs.sort_values(["row", "dist"]).drop_duplicates("row")
    named = pd.Series(best["pcode"].to_numpy(), index=df.index[best["row"].to_numpy()]
                      ).reindex(df.index)
    # 2. Otherwise the nearest ayil-aimak centroid of the same rayon.
    d[s_prefix.to_numpy()[:, None] != aa_prefix[None, :]] = np.inf
    nearest = np.where(np.isfinite(d.min(axis=1)), aa["pcode"].to_numpy()[d.argmin(axis=1)],
                       None)
    df["aa_pcode"] = named.fillna(pd.Series(nearest, index=df.index))
    df["aa_match"] = np.where(named.notna(), "soate_village_name",
                              np.where(pd.notna(nearest), "nearest_aa_centroid(approx)", None))
    df["aa_name"] = df["aa_pcode"].map(aa.drop_duplicates("pcode").set_index("pcode")["name_en"])
    return df


# --------------------------------------------------------------------------------------------
# Wikipedia

_REF = re.compile(r"<ref[^>/]*/>|<ref[^>]*>.*?</ref>|<!--.*?-->", re.DOTALL | re.IGNORECASE)
_POP_KEYS = ("population_total", "population", "pop", "einwohner", "население", "калкы",
             "калкынын саны", "аҳолӣ", "шумораи аҳолӣ", "stanovništvo", "broj stanovnika",
             "počet obyvatel", "obyvatelé")
_YEAR_KEYS = ("population_as_of", "population_date", "population_census", "stand",
              "год переписи", "год оценки", "перепись", "год", "жыл", "эсеп жылы", "сол",
              "соли барӯйхатгирӣ", "godina", "popis", "rok")


_NUMBER = re.compile(r"\d[\d\s\u00a0\u202f.,']*")


def _number(text: str) -> int | None:
    match = _NUMBER.search(text)
    if not match:
        return None
    digits = re.sub(r"\D", "", match.group(0).rstrip(".,"))
    return int(digits) if digits else None


def _year(text: str) -> str:
    match = re.search(r"\b(19\d\d|20\d\d)\b", text)
    return match.group(1) if match else ""


def _clean(text: str) -> str:
    text = _REF.sub("", text)
    text = re.sub(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]", r"\1", text)
    text = re.sub(r"'{2,}", "", text)
    return text.strip()


def parse_infobox(wikitext: str) -> tuple[int, str] | None:
    """Population and year of an article's infobox (``| population_total = 11,306``)."""
    fields = {}
    for match in re.finditer(r"^\s*\|\s*([^=|\n]+?)\s*=\s*(.*)$", _REF.sub("", wikitext),
                             re.MULTILINE):
        fields.setdefault(match.group(1).strip().lower(), _clean(match.group(2)))
    for key in _POP_KEYS:
        value = re.sub(r"\{\{\s*formatnum\s*:\s*([^{}|]*)[^{}]*\}\}", r"\1",
                       fields.get(key, ""), flags=re.IGNORECASE)
        value = re.sub(r"\{\{[^{}]*\}\}", "", value)  # arrows, flags, notes
        match = _NUMBER.search(value)
        population = _number(value) if match else None
        if population:
            # "14.141 (2009)": a year written after the figure, else the infobox's date field.
            year = _year(value[match.end():]) or next(
                (_year(fields[k]) for k in _YEAR_KEYS if _year(fields.get(k, ""))), "")
            return population, year
    return None


class TableRow(NamedTuple):
    """One census figure of a wikitable row."""

    place: str
    year: str
    population: int
    total: bool  # the row is the whole unit ("Insgesamt"), not one village
    place_ru: str = ""  # from a column headed "Russisch"/"Russian", when the table has one


def parse_tables(wikitext: str) -> list[TableRow]:
    """Census figures of wikitables, one :class:`TableRow` per row and census column.

    A column is a census column when its header holds a year (``Einwohner 2009``); the place is
    the first column without a year. A row whose place reads like "total" is the whole unit.
    """
    out = []
    for table in re.findall(r"\{\|.*?\n\|\}", _REF.sub("", wikitext), re.DOTALL):
        rows = re.split(r"\n\|-[^\n]*", table)
        header: list[str] = []
        for row in rows:
            lines = [ln for ln in row.split("\n") if ln.startswith(("!", "|"))
                     and not ln.startswith(("{|", "|}", "|+"))]
            if not lines:
                continue
            cells = []
            for ln in lines:
                sep = "!!" if ln.startswith("!") else "||"
                for cell in ln[1:].split(sep):
                    cell = cell.split("|", 1)[1] if re.match(r"^[^[{]*?=[^|]*\|", cell) else cell
                    cells.append(_clean(cell))
            if lines[0].startswith("!") and not header:
                header = cells
                continue
            if not header:
                continue
            years = {i: _year(h) for i, h in enumerate(header) if _year(h)}
            name_col = next((i for i in range(len(header)) if i not in years), None)
            if not years or name_col is None or name_col >= len(cells):
                continue
            place = cells[name_col]
            total = bool(re.search(r"gesamt|insgesamt|summe|total|всего|жалпы", place, re.I))
            ru_col = next((i for i, h in enumerate(header) if i not in years
                           and re.search(r"russisch|russian|русск|орусча", h, re.I)), None)
            place_ru = cells[ru_col] if ru_col is not None and ru_col < len(cells) else ""
            for i, year in years.items():
                value = _number(cells[i]) if i < len(cells) else None
                if value is not None:
                    out.append(TableRow(place, year, value, total, place_ru))
    return out


def wiki_rows(fetcher: Fetcher, pages: tuple[WikiPage, ...], level: str) -> pd.DataFrame:
    """Rows of one population CSV (``level``: village, ayil_aimak or town) from cited pages."""
    rows, skipped = [], []
    for page in pages:
        got = fetcher.wiki(page)
        if got is None:
            skipped.append(f"{page.url}: not available")
            continue
        text, revision = got
        url = page.url + (f"?oldid={revision}" if revision else "")
        base = {"rayon": page.rayon, "ayil_aimak": page.ayil_aimak}
        if page.kind == "table":
            for t in parse_tables(text):
                if t.total and level == "ayil_aimak":
                    rows.append({**base, "population": t.population, "year": t.year,
                                 "source_url": url})
                elif not t.total and level == "village":
                    rows.append({**base, "village_ru": t.place_ru, "village_en": t.place,
                                 "population": t.population, "year": t.year,
                                 "source_url": url})
        elif page.level == level:
            found = parse_infobox(text)
            if found is None:
                log.warning("no population figure in the infobox of %s", page.url)
                skipped.append(f"{page.url}: no population figure in the infobox")
                continue
            row = {**base, "village_ru": page.village_ru, "village_en": page.village_en,
                   "population": found[0], "year": found[1], "source_url": url}
            if level == "town":
                row["note"] = page.note or "infobox figure"
            rows.append(row)
    source = next(s for s in SOURCES if s.file.startswith(
        {"village": "village_", "ayil_aimak": "ayil_aimak_", "town": "town_"}[level]))
    out = pd.DataFrame(rows, columns=list(source.columns))
    out.attrs["left_out"] = skipped
    return out


# --------------------------------------------------------------------------------------------
# Orchestration


def fetch_sources(dest_dir: Path | str | None = None, base_urls: dict[str, str] | None = None,
                  session: requests.Session | None = None, refresh: bool = False) -> Path:
    """Download and convert every upstream source; return the converted source directory.

    ``dest_dir`` (default ``~/.cache/aimak/kyrgyzstan``) receives the downloads in ``raw/`` and
    the converted files in ``data/``, laid out like the shared ``data/kyrgyzstan`` directory.
    ``base_urls`` replaces any upstream base of :data:`~aimak.kyrgyzstan.sources.DEFAULT_BASE_URLS`
    (mirrors, tests). Downloads already in ``raw/`` are reused unless ``refresh``. Raises
    :class:`DownloadError` naming the address that failed; then ``data/`` is left as it was.
    """
    dest = Path(dest_dir).expanduser() if dest_dir is not None else DEFAULT_CACHE_DIR
    raw = dest / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    bases = {**DEFAULT_BASE_URLS, **(base_urls or {})}
    fetcher = Fetcher(raw, bases, session or make_session(), refresh)
    log.info("downloading the Kyrgyz public sources into %s", raw)
    # Every download first, so that a network failure stops the run before any conversion.
    paths: dict[str, Path] = {}
    for remote in (SOATE_SEED, OPEN_ADMIN_AA, WOF_ADMIN_KG, HOTOSM_HEALTH, GEONAMES_KG,
                   GEONAMES_ALTNAMES_KG, GEONAMES_CITIES500, SIMPLEMAPS_KG):
        paths[remote.name] = fetcher.remote(remote)
    for resource in (COD_AB, COD_PS):
        paths[resource.name] = fetcher.hdx(resource)
    final = dest / "data"
    with _staging(final) as stage:
        left_out = _convert_all(fetcher, paths, stage)
        _write_manifest(fetcher, paths, stage, left_out)
    return final


@contextlib.contextmanager
def _staging(final: Path) -> Iterator[Path]:
    """A fresh directory beside ``final`` that replaces it only if the block succeeds."""
    stage = Path(tempfile.mkdtemp(prefix=".data-staging-", dir=final.parent))
    try:
        yield stage
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=".data-old-", dir=final.parent))
            os.replace(final, old / "data")
        os.replace(stage, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def _convert_all(fetcher: Fetcher, paths: dict[str, Path], out: Path) -> dict[str, list[str]]:
    """Write every shared file into ``out``; return, per file, the upstream records left out."""
    soate = convert_soate(paths[SOATE_SEED.name].read_text(encoding="utf-8-sig"))
    _write_csv(soate, out / "soate.csv")
    try:
        records = json.loads(paths[OPEN_ADMIN_AA.name].read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DownloadError(f"{OPEN_ADMIN_AA.name} is not valid JSON") from exc
    ayil_aimaks = convert_ayil_aimaks(records, soate)
    _write_csv(ayil_aimaks, out / "ayil_aimaks.csv")
    convert_cod_ab(paths[COD_AB.name], out / "rayons_ocha_adm2.geojson")
    wof = read_wof(paths[WOF_ADMIN_KG.name])
    _write_json(wof_polygons(wof["region"]), out / "oblasts_wof.geojson")
    _write_json(wof_polygons(wof["county"]), out / "rayons_wof.geojson")
    convert_hotosm(paths[HOTOSM_HEALTH.name], out / "health_facilities_hotosm.geojson")
    ps_path = paths[COD_PS.name]
    _write_csv(convert_cod_ps(ps_path, ps_path.name.split("--", 1)[-1]),
               out / "rayon_population_2018.csv")
    rayons = gpd.read_file(out / "rayons_ocha_adm2.geojson", engine="pyogrio")
    settlements = convert_settlements(
        wof["locality"], _read_geonames(paths[GEONAMES_KG.name], "KG.txt"),
        _read_geonames(paths[GEONAMES_ALTNAMES_KG.name], "KG.txt"),
        _read_geonames(paths[GEONAMES_CITIES500.name], "cities500.txt"),
        pd.read_csv(paths[SIMPLEMAPS_KG.name], dtype=str, encoding="utf-8-sig"),
        rayons, ayil_aimaks)
    _write_csv(settlements, out / "settlements.csv")
    left_out = {"settlements.csv": list(settlements.attrs.get("left_out", []))}
    for level, file in (("village", "village_population_wikipedia.csv"),
                        ("ayil_aimak", "ayil_aimak_population_wikipedia.csv"),
                        ("town", "town_population_wikipedia.csv")):
        rows = wiki_rows(fetcher, BY_FILE[file].pages, level)
        left_out[file] = list(rows.attrs.get("left_out", []))
        _write_csv(rows, out / file)
    return left_out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_manifest(fetcher: Fetcher, paths: dict[str, Path], out: Path,
                    left_out: dict[str, list[str]]) -> None:
    """``SOURCES.md`` (for people) and ``sources.json`` (for programs) beside the files."""
    now = _now()
    downloads = {name: {"file": p.name, "sha256": _sha256(p), **fetcher.provenance(p)}
                 for name, p in paths.items()}
    wiki = sorted(set(fetcher.used.get("wikipedia", [])))
    files = []
    for s in SOURCES:
        rows = len(pd.read_csv(out / s.file, dtype=str)) if s.file.endswith(".csv") else None
        files.append({"file": s.file, "rows": rows, "description": s.description,
                      "licence": s.licence, "homepage": s.homepage, "differs": s.differs,
                      "downloads": [r.name for r in s.remotes],
                      "pages": [p.url for p in s.pages],
                      "left_out": left_out.get(s.file, [])})
    manifest = {"fetched_utc": now, "downloads": downloads, "wikipedia_api": wiki,
                "files": files}
    _write_json(manifest, out / "sources.json")
    lines = ["# Kyrgyzstan open data, downloaded from the upstream sources", "",
             f"Fetched {now} by `aimak.kyrgyzstan.download.fetch_sources`; same file names and "
             "columns as the shared `data/kyrgyzstan` directory. `sources.json` lists every "
             "address used and the SHA-256 of every download.", "",
             "| file | rows | what | upstream | licence | differs from the shared copy |",
             "|---|---|---|---|---|---|"]
    for f, s in zip(files, SOURCES, strict=True):
        ups = [u for r in s.remotes for u in downloads[r.name]["urls"]] or f["pages"]
        lines.append(f"| `{s.file}` | {f['rows'] if f['rows'] is not None else ''} | "
                     f"{s.description} | {'<br>'.join(ups)} | {s.licence} | {s.differs} |")
    with atomic_path(out / "SOURCES.md") as tmp:
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _repo_root() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").exists():
            return parent
    return None


def _complete(path: Path) -> bool:
    return path.is_dir() and all((path / f).exists() for f in REQUIRED_FILES)


def resolve_source(path: Path | str | None = None, cache_dir: Path | str | None = None,
                   base_urls: dict[str, str] | None = None,
                   session: requests.Session | None = None) -> Path:
    """The Kyrgyz source directory to build from.

    ``path`` if it is an existing directory; else ``../shared/data/kyrgyzstan`` relative to the
    current directory or to the repository root, if present; else a download by
    :func:`fetch_sources` into ``cache_dir`` (reused when already complete).
    """
    if path is not None:
        given = Path(path).expanduser()
        if given.is_dir():
            missing = [f for f in REQUIRED_FILES if not (given / f).exists()]
            if missing:
                raise fail(f"the source directory lacks {', '.join(missing)}; expected the "
                           "files of the shared data/kyrgyzstan directory", given)
            return given
        log.warning("the source directory %s does not exist; looking for the shared copy "
                    "or downloading", given)
    shared = Path("..") / "shared" / "data" / "kyrgyzstan"
    candidates = [Path.cwd() / shared]
    root = _repo_root()
    if root is not None:
        candidates.append(root / shared)
    for candidate in candidates:
        if _complete(candidate):
            return candidate.resolve()
    cache = Path(cache_dir).expanduser() if cache_dir is not None else DEFAULT_CACHE_DIR
    if _complete(cache / "data") and base_urls is None:
        return cache / "data"
    return fetch_sources(cache, base_urls=base_urls, session=session)


@click.command()
@click.argument("dest", required=False, type=click.Path(path_type=Path))
@click.option("--refresh", is_flag=True, help="Download again even what is in the cache.")
def main(dest: Path | None, refresh: bool) -> None:
    """Download the Kyrgyz public sources into DEST (default ~/.cache/aimak/kyrgyzstan)."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        out = fetch_sources(dest, refresh=refresh)
    except AimakError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Source directory ready: {out}")


if __name__ == "__main__":
    main()
