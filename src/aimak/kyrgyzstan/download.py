"""The Kyrgyz source directory: the shared copy, or the public upstream sources downloaded.

:func:`resolve_source` returns a directory laid out like ``../shared/data/kyrgyzstan`` (the same
file names and columns), so that the dataset builder reads a local copy and a fresh download the
same way. :func:`fetch_sources` downloads every upstream file listed in
:mod:`aimak.kyrgyzstan.sources` into a cache (``~/.cache/aimak/kyrgyzstan/raw``;
:mod:`aimak.kyrgyzstan.fetch`), reads each with :mod:`aimak.kyrgyzstan.parse`, joins the place
lists with :mod:`aimak.kyrgyzstan.merge`, and writes the shared files' columns
(``.../kyrgyzstan/data``) with a manifest of every address and SHA-256.

The converted directory is built aside and moved into place only when every file is complete, so
an interrupted run never leaves a half-written source directory.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pooch
import requests

from aimak.errors import fail
from aimak.io import atomic_path
from aimak.kyrgyzstan.fetch import (
    DEFAULT_CACHE_DIR,
    DownloadError,
    Fetcher,
    make_session,
    now_utc,
    write_csv,
    write_json,
)
from aimak.kyrgyzstan.merge import convert_settlements
from aimak.kyrgyzstan.nsc import read_population_table
from aimak.kyrgyzstan.parse import (
    convert_ayil_aimaks,
    convert_cod_ab,
    convert_cod_ps,
    convert_hotosm,
    convert_soate,
    parse_infobox,
    parse_tables,
    read_geonames,
    read_wof,
    wof_polygons,
)
from aimak.kyrgyzstan.sources import (
    BY_FILE,
    COD_AB,
    COD_PS,
    DEFAULT_BASE_URLS,
    GEONAMES_ALTNAMES_KG,
    GEONAMES_CITIES500,
    GEONAMES_KG,
    HOTOSM_HEALTH,
    NSC_TABLE_CAPTURES,
    NSC_TABLE_PATH,
    OPEN_ADMIN_AA,
    REQUIRED_FILES,
    SIMPLEMAPS_KG,
    SOATE_SEED,
    SOURCES,
    WOF_ADMIN_KG,
    WikiPage,
)

log = logging.getLogger(__name__)


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


def fetch_population_table(year: int | None = None, dest_dir: Path | str | None = None,
                           base_urls: dict[str, str] | None = None,
                           session: requests.Session | None = None,
                           refresh: bool = False) -> Path:
    """An edition of the committee's table 825 in the cache, as ``raw/op825_<year>.xls``.

    ``year`` None: the live file (the newest edition), fetched each time. A year with a Web
    Archive capture (:data:`~aimak.kyrgyzstan.sources.NSC_TABLE_CAPTURES`) comes from it, another
    from the live file; a cached edition is reused unless ``refresh``. The download is read
    (:func:`aimak.kyrgyzstan.nsc.read_population_table`) before it is kept: a file that is not
    the table is an :class:`~aimak.errors.InputError`, another year's edition a
    :class:`DownloadError`, and then nothing is written.
    """
    raw = (Path(dest_dir).expanduser() if dest_dir is not None else DEFAULT_CACHE_DIR) / "raw"
    if year is not None and not refresh and (raw / f"op825_{year}.xls").exists():
        return raw / f"op825_{year}.xls"
    raw.mkdir(parents=True, exist_ok=True)
    fetcher = Fetcher(raw, {**DEFAULT_BASE_URLS, **(base_urls or {})},
                      session or make_session(), refresh=True)
    if year in NSC_TABLE_CAPTURES:
        live = DEFAULT_BASE_URLS["nsc"] + NSC_TABLE_PATH
        url = fetcher.url("wayback", f"/web/{NSC_TABLE_CAPTURES[year]}id_/{live}")
    else:
        url = fetcher.url("nsc", NSC_TABLE_PATH)
    with tempfile.TemporaryDirectory(prefix=".download-", dir=raw) as tmp:
        got = fetcher.save(url, Path(tmp) / "op825.xls")
        edition = read_population_table(got).year
        if year is not None and edition != year:
            raise DownloadError(f"{url} holds the edition of the start of {edition}, not "
                                f"{year}; give that edition's file with --population-table")
        final = raw / f"op825_{edition}.xls"
        os.replace(got, final)
    fetcher.record(final, [url])
    return final


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
    write_csv(soate, out / "soate.csv")
    try:
        records = json.loads(paths[OPEN_ADMIN_AA.name].read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DownloadError(f"{OPEN_ADMIN_AA.name} is not valid JSON") from exc
    ayil_aimaks = convert_ayil_aimaks(records, soate)
    write_csv(ayil_aimaks, out / "ayil_aimaks.csv")
    convert_cod_ab(paths[COD_AB.name], out / "rayons_ocha_adm2.geojson")
    wof = read_wof(paths[WOF_ADMIN_KG.name])
    write_json(wof_polygons(wof["region"]), out / "oblasts_wof.geojson")
    write_json(wof_polygons(wof["county"]), out / "rayons_wof.geojson")
    convert_hotosm(paths[HOTOSM_HEALTH.name], out / "health_facilities_hotosm.geojson")
    ps_path = paths[COD_PS.name]
    write_csv(convert_cod_ps(ps_path, ps_path.name.split("--", 1)[-1]),
               out / "rayon_population_2018.csv")
    rayons = gpd.read_file(out / "rayons_ocha_adm2.geojson", engine="pyogrio")
    settlements = convert_settlements(
        wof["locality"], read_geonames(paths[GEONAMES_KG.name], "KG.txt"),
        read_geonames(paths[GEONAMES_ALTNAMES_KG.name], "KG.txt"),
        read_geonames(paths[GEONAMES_CITIES500.name], "cities500.txt"),
        pd.read_csv(paths[SIMPLEMAPS_KG.name], dtype=str, encoding="utf-8-sig"),
        rayons, ayil_aimaks)
    write_csv(settlements, out / "settlements.csv")
    left_out = {"settlements.csv": list(settlements.attrs.get("left_out", []))}
    for level, file in (("village", "village_population_wikipedia.csv"),
                        ("ayil_aimak", "ayil_aimak_population_wikipedia.csv"),
                        ("town", "town_population_wikipedia.csv")):
        rows = wiki_rows(fetcher, BY_FILE[file].pages, level)
        left_out[file] = list(rows.attrs.get("left_out", []))
        write_csv(rows, out / file)
    return left_out



def _write_manifest(fetcher: Fetcher, paths: dict[str, Path], out: Path,
                    left_out: dict[str, list[str]]) -> None:
    """``SOURCES.md`` (for people) and ``sources.json`` (for programs) beside the files."""
    now = now_utc()
    downloads = {name: {"file": p.name, "sha256": pooch.file_hash(str(p)), **fetcher.provenance(p)}
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
    write_json(manifest, out / "sources.json")
    lines = ["# Kyrgyzstan open data, downloaded from the upstream sources", "",
             f"Fetched {now} by `aimak data fetch`; same file names and columns as the shared "
             "`data/kyrgyzstan` directory. `sources.json` lists every "
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
