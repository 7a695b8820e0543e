"""Tests of ``aimak.kyrgyzstan.download`` and its fetch, parse and merge modules against a local
HTTP server on 127.0.0.1.

Every upstream file served here is SYNTHETIC: a handful of made-up rows written by this module in
the upstream formats (GeoNames dump, Who's On First archive, HDX CKAN API, HOT export, СОАТЕ seed
file, Open Admin Data JSON, SimpleMaps CSV, MediaWiki REST API). None of it is real data.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import socket
import tarfile
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from shapely.geometry import Point, box

from aimak.errors import AimakError, InputError
from aimak.kyrgyzstan import download, fetch, merge, parse
from aimak.kyrgyzstan.sources import (
    BY_FILE,
    COD_AB,
    COD_PS,
    DEFAULT_BASE_URLS,
    REQUIRED_FILES,
    SIMPLEMAPS_KG,
    SOURCES,
    TOWN_PAGES,
    WikiPage,
)

# ---------------------------------------------------------------------------------------------
# Synthetic upstream files

SEED_CS = r'''
namespace WebUI.Data.Seeds
{
    internal static class CoateRecordSeed
    {
        internal static ModelBuilder AddCoateSeedData(this ModelBuilder builder)
        {
            var coateRecords = new CoateRecord[]
            {
                new CoateRecord
                {
                    Id = 4, Name = "Джалал-Абадская область", Code = "41703000000000",
                    CoateType = CoateType.RegionAndCity, ParentId = null, CreatedBy = 1
                },
                new CoateRecord { Id = 23, Name = "Аксыйский район", Code = "41703211000000",
                    CoateType = CoateType.District, ParentId = 4, CreatedBy = 1 },
                new CoateRecord { Id = 24, Name = "Ноокенский район", Code = "41703215000000",
                    CoateType = CoateType.District, ParentId = 4, CreatedBy = 1 },
                new CoateRecord { Id = 100, Name = "Авлетимский айылный аймак",
                    Code = "41703211805000", CoateType = CoateType.Countryside, ParentId = 23 },
                new CoateRecord { Id = 101, Name = "Кара-Суйский айылный аймак",
                    Code = "41703215810000", CoateType = CoateType.Countryside, ParentId = 24 },
                new CoateRecord { Id = 200, Name = "Авлетим", Code = "41703211805010",
                    CoateType = CoateType.Village, ParentId = 100 },
                new CoateRecord { Id = 201, Name = "Им. \"Ленина\"", Code = "41703211805020",
                    CoateType = CoateType.Village, ParentId = 100 },
                new CoateRecord { Id = 202, Name = "Кара-Суу", Code = "41703215810010",
                    CoateType = CoateType.Village, ParentId = 101 },
                new CoateRecord { Id = 203, Name = "Восточный ", Code = "41703215810020",
                    CoateType = CoateType.Village, ParentId = 101 },
            };
        }
    }
}
'''

OPEN_ADMIN = [
    {"id": "KG03211805000", "level": 3, "name": {"local": "Авлетим", "en": "Avletim"},
     "parent": {"id": "KG03211000000", "name": {"local": "Аксы", "en": "Aksy"}},
     "ancestors": [{"id": "KG03000000000", "name": {"local": "Жалалабат", "en": "Jalal-Abad"}},
                   {"id": "KG03211000000", "name": {"local": "Аксы", "en": "Aksy"}}],
     "zip_codes": ["720600"], "geo": {"lat": "41.200", "lon": "72.200"}},
    {"id": "KG03215810000", "level": 3, "name": {"local": "Кара-Суу", "en": "Kara-Suu"},
     "parent": {"id": "KG03215000000", "name": {"local": "Ноокен", "en": "Nooken"}},
     "ancestors": [{"id": "KG03000000000", "name": {"local": "Жалалабат", "en": "Jalal-Abad"}},
                   {"id": "KG03215000000", "name": {"local": "Ноокен", "en": "Nooken"}}],
     "zip_codes": ["721200"], "geo": {"lat": "41.200", "lon": "72.700"}},
    {"id": "not-a-pcode", "name": {"en": "ignored"}},
]

GN_ROWS = [  # geonameid, name, lat, lon, class, code, country, population
    ("1001", "Avletim", "41.21", "72.21", "P", "PPL", "KG", "0"),
    ("1002", "Kara-Suu", "41.22", "72.71", "P", "PPLA3", "KG", "0"),
    ("1528675", "Bishkek", "42.87", "74.59", "P", "PPLC", "KG", "900000"),
    ("5001", "Synthetic Peak", "41.3", "72.3", "T", "MT", "KG", "0"),
]
CITIES500_ROWS = [
    ("1528675", "Bishkek", "42.87", "74.59", "P", "PPLC", "KG", "900000"),
    ("2000", "Newtown", "41.30", "72.80", "P", "PPL", "KG", "600"),
    ("3000", "Elsewhere", "10.0", "10.0", "P", "PPL", "XX", "5000"),
]
ALTNAMES = [  # id, geonameid, lang, name, preferred, short, colloquial, historic
    ("1", "1002", "ru", "Кара-Суу", "1", "", "", ""),
    ("2", "1002", "ky", "Кара-Суу", "", "", "", ""),
    ("3", "1001", "ru", "Старое имя", "", "", "", "1"),
    ("4", "2000", "ru", "Новый город", "", "", "", ""),
]
SIMPLEMAPS_CSV = ("city,lat,lng,country,iso2,admin_name,capital,population,population_proper\n"
                  "Kara-Suu,41.221,72.712,Kyrgyzstan,KG,Jalal-Abad,,12000,12000\n"
                  "Baetov,41.45,72.9,Kyrgyzstan,KG,Jalal-Abad,,10682,10682\n")

INFOBOX = ("{{Infobox settlement\n| name = Synthetic\n"
           "| population_total = 1,234<ref>synthetic reference</ref>\n"
           "| population_as_of = 2021\n}}\nSynthetic text.")
TABLE = ("Synthetic article.\n{| class=\"wikitable sortable\"\n"
         "! Ort !! Einwohner 2009 !! Einwohner 2021\n|-\n"
         "| [[Synthdorf (Ort)|Synthdorf]] || 1.000 || 1.100\n|-\n"
         "| Zweitdorf || 500 || 650\n|-\n"
         "| '''Insgesamt''' || 1.500 || 1.750\n|}\n")


def _gn_txt(rows) -> bytes:
    lines = []
    for gid, name, lat, lon, fclass, code, cc, pop in rows:
        cols = [gid, name, name, "", lat, lon, fclass, code, cc, "", "", "", "", "", pop, "",
                "", "Asia/Bishkek", "2024-01-01"]
        lines.append("\t".join(cols))
    return ("\n".join(lines) + "\n").encode()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _wof_feature(wof_id, placetype, name, geometry, **props) -> bytes:
    p = {"wof:id": wof_id, "wof:placetype": placetype, "wof:name": name, "mz:is_current": 1,
         "wof:parent_id": 85632761, "src:geom": "synthetic", **props}
    return json.dumps({"type": "Feature", "properties": p, "geometry": geometry}).encode()


def _point(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


def _wof_tar() -> bytes:
    rect = {"type": "Polygon", "coordinates": [[[72, 41], [73, 41], [73, 41.5], [72, 41.5],
                                                [72, 41]]]}
    files = {
        "856/1/1/85600001.geojson": _wof_feature(
            85600001, "region", "Jalal-Abad", rect, **{"name:rus_x_preferred": ["Джалал-Абад"]}),
        "856/1/2/85600002.geojson": _wof_feature(85600002, "region", "Gone", rect,
                                                 **{"edtf:deprecated": "2020-01-01"}),
        "856/2/1/85600021.geojson": _wof_feature(85600021, "county", "Aksy", rect),
        "856/2/2/85600022.geojson": _wof_feature(85600022, "county", "Nooken", rect),
        "856/2/3/85600023.geojson": _wof_feature(85600023, "county", "Old rayon", rect,
                                                 **{"mz:is_current": 0}),
        "100/1/1001.geojson": _wof_feature(
            1001, "locality", "Avletim", _point(72.2, 41.2),
            **{"wof:concordances": {"gn:id": 1001}, "name:rus_x_preferred": ["Авлетим"],
               "geom:latitude": 41.2, "geom:longitude": 72.2}),
        "100/1/1001-alt-quattroshapes.geojson": _wof_feature(
            1001, "locality", "Alt geometry", _point(0, 0)),
        "100/2/1002.geojson": _wof_feature(
            1002, "locality", "Kara-Suu", _point(72.7, 41.2),
            **{"wof:concordances": {"gn:id": 1002}, "geom:latitude": 41.2,
               "geom:longitude": 72.7}),
        "100/3/1003.geojson": _wof_feature(1003, "locality", "Somewhere", _point(72.3, 41.4)),
        "100/4/1004.geojson": _wof_feature(
            1004, "locality", "Bishkek", _point(74.6, 42.87),
            **{"wof:concordances": {"gn:id": 1528675}, "name:rus_x_preferred": ["Бишкек"],
               "geom:latitude": 42.87, "geom:longitude": 74.6}),
        "100/5/1005.geojson": _wof_feature(1005, "locality", "Former", _point(72.4, 41.1),
                                           **{"mz:is_current": 0}),
        "100/6/1006.geojson": _wof_feature(1006, "locality", "Nowhere", None),
    }
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"whosonfirst-data-admin-kg-master/data/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _cod_ab_zip(tmp: Path) -> bytes:
    base = {"ADM1_EN": "Jalal-Abad", "ADM1_RU": "Джалал-Абадская", "ADM1_KY": "Жалал-Абад",
            "ADM1_PCODE": "KG03000000000", "ADM0_EN": "Kyrgyzstan", "ADM0_PCODE": "KG",
            "ADM2TYP_EN": "district"}
    adm2 = gpd.GeoDataFrame([
        {**base, "ADM2_EN": "Aksy", "ADM2_RU": "Аксыйский", "ADM2_KY": "Аксы",
         "ADM2_PCODE": "KG03211000000", "geometry": box(72.0, 41.0, 72.5, 41.5)},
        {**base, "ADM2_EN": "Nooken", "ADM2_RU": "Ноокенский", "ADM2_KY": "Ноокен",
         "ADM2_PCODE": "KG03215000000", "geometry": box(72.5, 41.0, 73.0, 41.5)},
    ], crs="EPSG:4326")
    adm1 = gpd.GeoDataFrame([{**base, "geometry": box(72.0, 41.0, 73.0, 41.5)}],
                            crs="EPSG:4326")
    folder = tmp / "codab"
    folder.mkdir()
    adm2.to_file(folder / "kgz_admbnda_adm2_moes_20181119.shp", engine="pyogrio")
    adm1.to_file(folder / "kgz_admbnda_adm1_moes_20181119.shp", engine="pyogrio")
    return _zip({p.name: p.read_bytes() for p in sorted(folder.iterdir())})


def _hotosm_zip() -> bytes:
    features = [{"type": "Feature", "geometry": _point(72.2, 41.2),
                 "properties": {"name": "Synthetic clinic", "amenity": "clinic", "osm_id": 1,
                                "osm_type": "nodes"}},
                {"type": "Feature", "geometry": _point(72.7, 41.2),
                 "properties": {"name": None, "amenity": "pharmacy", "osm_id": 2,
                                "osm_type": "nodes"}}]
    collection = {"type": "FeatureCollection", "features": features}
    clip = {"type": "FeatureCollection", "features": []}
    return _zip({"clipping_boundary.geojson": json.dumps(clip).encode(),
                 "hotosm_kgz_health_facilities_points_geojson.geojson":
                 json.dumps(collection).encode(), "README.txt": b"synthetic"})


COD_PS_CSV = ("ADM0_EN,ADM1_EN,ADM1_PCODE,ADM2_EN,ADM2_PCODE,T_TL,Urban,Rural\n"
              "#country,#adm1+name,#adm1+code,#adm2+name,#adm2+code,#population,,\n"
              "Kyrgyzstan,Jalal-Abad,KG03000000000,Aksy,KG03211000000,\"135,900\",13100,122800\n"
              "Kyrgyzstan,Jalal-Abad,KG03000000000,Kara-Kul (city),KG03440000010,23900.0,"
              "23900,0\n")


def _routes(tmp: Path) -> dict[str, bytes]:
    """Path (with query) -> body, every key under the base names of DEFAULT_BASE_URLS."""
    routes: dict[str, bytes] = {
        "/github_raw/bomorov/KSTUHostel/07fa1d1ff2c1352e5216e5aec3e4a7130decd5dd/"
        "WebUI/Data/Seeds/CoateRecordSeed.cs": SEED_CS.encode(),
        "/github_raw/open-admin-data/kyrgyzstan-administrative-divisions/"
        "cf6fc6932dc0b5c5fd351a20563b1d1517d8e8c0/data/all-settlement.json":
            json.dumps(OPEN_ADMIN).encode(),
        # only the fallback address answers: the branch "master" gives 404 here
        "/github/whosonfirst-data/whosonfirst-data-admin-kg/archive/refs/heads/main.tar.gz":
            _wof_tar(),
        "/hotosm/ISO3/KGZ/health_facilities/points/"
        "hotosm_kgz_health_facilities_points_geojson.zip": _hotosm_zip(),
        "/geonames/KG.zip": _zip({"KG.txt": _gn_txt(GN_ROWS), "readme.txt": b"synthetic"}),
        "/geonames/cities500.zip": _zip({"cities500.txt": _gn_txt(CITIES500_ROWS)}),
        "/geonames/alternatenames/KG.zip": _zip({"KG.txt": (
            "\n".join("\t".join([*r, "", ""]) for r in ALTNAMES) + "\n").encode()}),
        "/simplemaps/country-cities/kg/kg.csv": SIMPLEMAPS_CSV.encode(),
        "/hdx/files/kgz_adm_moes_20181119_shp.zip": _cod_ab_zip(tmp),
        "/hdx/dataset/ps/resource/1/download/kgz_admpop_adm2_2018.csv": COD_PS_CSV.encode(),
    }
    return routes


def _hdx_routes(base: str) -> dict[str, bytes]:
    ab = {"success": True, "result": {"resources": [
        {"name": "kgz_adm_moes_20181119_emf.zip", "url": f"{base}/hdx/files/emf.zip"},
        {"name": "kgz_adm_moes_20181119_shp.zip",
         "url": f"{base}/hdx/files/kgz_adm_moes_20181119_shp.zip"}]}}
    # An absolute upstream address, as HDX answers: the fetcher must rewrite it to the mirror.
    ps = {"success": True, "result": {"resources": [
        {"name": "kgz_admpop_adm2_2018.csv", "url": DEFAULT_BASE_URLS["hdx"]
         + "/dataset/ps/resource/1/download/kgz_admpop_adm2_2018.csv"}]}}
    return {f"/hdx{COD_AB.api_path}": json.dumps(ab).encode(),
            f"/hdx{COD_PS.api_path}": json.dumps(ps).encode()}


def _wiki_routes() -> dict[str, bytes]:
    routes = {}
    pages = {p for s in SOURCES for p in s.pages}
    for page in pages:
        if page.title == "Kochkor-Ata":
            continue  # a missing article: skipped, not fatal
        text = TABLE if page.kind == "table" else INFOBOX
        if page.title == "Kerben (Kirgisistan)":
            text = "#WEITERLEITUNG [[Kerben (Stadt)]]"
        body = {"title": page.title, "latest": {"id": 42}, "source": text}
        routes[f"/wikipedia/{page.lang}{page.api_path}"] = json.dumps(body).encode()
    target = WikiPage("de", "Kerben (Stadt)", "town", "", "")
    routes[f"/wikipedia/de{target.api_path}"] = json.dumps(
        {"latest": {"id": 7}, "source": "{{Infobox Ort\n| Einwohner = 14.141 (2009)\n}}"}
    ).encode()
    return routes


class _Server:
    def __init__(self, routes: dict[str, bytes]):
        self.routes = routes
        self.hits: list[str] = []
        self.truncate: dict[str, int] = {}  # path -> how many more answers to cut short
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.hits.append(self.path)
                body = outer.routes.get(self.path)
                if body is None:
                    self.send_error(404, "Not Found")
                    return
                cut = outer.truncate.get(self.path, 0) > 0
                if cut:
                    outer.truncate[self.path] -= 1
                self.send_response(200)
                self.send_header("Content-Length", str(len(body) + (1000 if cut else 0)))
                self.end_headers()
                self.wfile.write(body)
                if cut:
                    self.close_connection = True

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def bases(self) -> dict[str, str]:
        out = {k: f"{self.base}/{k}" for k in DEFAULT_BASE_URLS}
        out["wikipedia"] = f"{self.base}/wikipedia/{{lang}}"
        return out

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("upstream")
    srv = _Server({})
    srv.routes.update(_routes(tmp))
    srv.routes.update(_hdx_routes(srv.base))
    srv.routes.update(_wiki_routes())
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def fetched(server, tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("cache")
    return download.fetch_sources(dest, base_urls=server.bases(),
        session=fetch.make_session(retries=0))


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


# ---------------------------------------------------------------------------------------------
# The converted directory


def test_layout_matches_the_shared_directory(fetched):
    assert fetched.name == "data"
    for name in REQUIRED_FILES:
        assert (fetched / name).is_file(), name
    for source in SOURCES:
        if source.file.endswith(".csv"):
            assert list(_csv(fetched / source.file).columns) == list(source.columns)
    assert (fetched / "SOURCES.md").is_file()
    manifest = json.loads((fetched / "sources.json").read_text())
    assert {f["file"] for f in manifest["files"]} == set(REQUIRED_FILES)
    assert all(len(d["sha256"]) == 64 for d in manifest["downloads"].values())
    geonames = manifest["downloads"]["geonames_KG.zip"]
    assert geonames["urls"][0].endswith("/geonames/KG.zip") and geonames["fetched_utc"]
    assert any(u.endswith("/Naryn,_Jalal-Abad") for u in manifest["wikipedia_api"])


def test_soate_keeps_hierarchy_and_verbatim_names(fetched):
    soate = _csv(fetched / "soate.csv").set_index("id")
    assert len(soate) == 9
    assert soate.loc["4", "parent_id"] == "" and soate.loc["4", "type"] == "RegionAndCity"
    assert soate.loc["200", "parent_name"] == "Авлетимский айылный аймак"
    assert soate.loc["201", "name_ru"] == 'Им. "Ленина"'
    assert soate.loc["203", "name_ru"] == "Восточный "
    assert soate.loc["23", "soate"] == "41703211000000"


def test_ayil_aimaks_join_open_admin_data_with_soate(fetched):
    aa = _csv(fetched / "ayil_aimaks.csv").set_index("pcode")
    assert list(aa.index) == ["KG03211805000", "KG03215810000"]
    row = aa.loc["KG03211805000"]
    assert row["soate"] == "41703211805000"
    assert (row["name_en"], row["rayon"], row["oblast"], row["zip"]) == (
        "Avletim", "Aksy", "Jalal-Abad", "720600")
    assert row["soate_name_ru"] == "Авлетимский айылный аймак"
    assert row["soate_villages"] == 'Авлетим;Им. "Ленина"'


def test_boundaries_are_converted(fetched):
    ocha = gpd.read_file(fetched / "rayons_ocha_adm2.geojson")
    assert sorted(ocha["ADM2_PCODE"]) == ["KG03211000000", "KG03215000000"]
    assert ocha.crs.to_epsg() == 4326
    oblasts = json.loads((fetched / "oblasts_wof.geojson").read_text())
    assert [f["properties"]["name"] for f in oblasts["features"]] == ["Jalal-Abad"]
    assert set(oblasts["features"][0]["properties"]) == set(
        BY_FILE["oblasts_wof.geojson"].columns)
    assert oblasts["features"][0]["properties"]["name_ru"] == "Джалал-Абад"
    rayons = json.loads((fetched / "rayons_wof.geojson").read_text())
    # a non-current record is kept with its flag (as in the shared file), a deprecated one not
    assert [(f["properties"]["wof_id"], f["properties"]["is_current"])
            for f in rayons["features"]] == [(85600021, 1), (85600022, 1), (85600023, 0)]


def test_health_facilities_keep_the_export_properties(fetched):
    health = json.loads((fetched / "health_facilities_hotosm.geojson").read_text())
    assert health["name"] == "hotosm_kgz_health_facilities_points_geojson"
    assert [f["properties"]["amenity"] for f in health["features"]] == ["clinic", "pharmacy"]


def test_rayon_population_from_cod_ps(fetched, server):
    pop = _csv(fetched / "rayon_population_2018.csv")
    assert pop.to_dict("records") == [
        {"oblast_en": "Jalal-Abad", "rayon_en": "Aksy", "type_en": "district",
         "population_total": "135900", "population_urban": "13100",
         "population_rural": "122800", "year": "2018"},
        {"oblast_en": "Jalal-Abad", "rayon_en": "Kara-Kul (city)", "type_en": "independent city",
         "population_total": "23900", "population_urban": "23900", "population_rural": "0",
         "year": "2018"}]
    # the absolute data.humdata.org address of the API answer was fetched from the mirror
    assert "/hdx/dataset/ps/resource/1/download/kgz_admpop_adm2_2018.csv" in server.hits


def test_settlements(fetched):
    s = _csv(fetched / "settlements.csv").set_index("id")
    assert sorted(s.index) == ["gn:1001", "gn:1002", "gn:1528675", "gn:2000", "sm:baetov",
                               "wof:1003"]
    # wof:1006 has no coordinates at all: left out, and said so in the manifest
    manifest = json.loads((fetched / "sources.json").read_text())
    entry = next(f for f in manifest["files"] if f["file"] == "settlements.csv")
    assert entry["left_out"] == ["wof:1006: no coordinates upstream"]
    towns = next(f for f in manifest["files"] if f["file"] == "town_population_wikipedia.csv")
    assert towns["left_out"] == ["https://hr.wikipedia.org/wiki/Kochkor-Ata: not available"]
    avletim = s.loc["gn:1001"]
    assert (avletim["name_ru"], avletim["lat"], avletim["feature_code"]) == (
        "Авлетим", "41.21", "PPL")  # coordinates and code from GeoNames, name from WOF
    assert (avletim["admin1"], avletim["admin2"], avletim["admin2_pcode"]) == (
        "Jalal-Abad", "Aksy", "KG03211000000")
    assert (avletim["aa_pcode"], avletim["aa_name"], avletim["aa_match"]) == (
        "KG03211805000", "Avletim", "soate_village_name")
    kara_suu = s.loc["gn:1002"]  # Russian name from GeoNames alternate names, SimpleMaps pop.
    assert (kara_suu["name_ru"], kara_suu["name_ky"]) == ("Кара-Суу", "Кара-Суу")
    assert (kara_suu["population"], kara_suu["pop_source"]) == ("12000", "simplemaps_basic")
    assert kara_suu["aa_match"] == "soate_village_name"
    somewhere = s.loc["wof:1003"]
    assert (somewhere["geonameid"], somewhere["wof_id"]) == ("", "1003")
    assert (somewhere["lat"], somewhere["lon"]) == ("41.4", "72.3")  # from its Point geometry
    assert (somewhere["aa_pcode"], somewhere["aa_match"]) == (
        "KG03211805000", "nearest_aa_centroid(approx)")
    bishkek = s.loc["gn:1528675"]
    assert (bishkek["admin1"], bishkek["admin2"], bishkek["admin2_pcode"]) == (
        "Bishkek", "", "KG11000000000")
    assert (bishkek["population"], bishkek["pop_source"], bishkek["aa_pcode"]) == (
        "900000", "geonames_cities500", "")
    newtown = s.loc["gn:2000"]
    assert (newtown["source"], newtown["name_ru"], newtown["admin2"]) == (
        "geonames_cities500", "Новый город", "Nooken")
    baetov = s.loc["sm:baetov"]
    assert (baetov["source"], baetov["population"], baetov["admin2_pcode"]) == (
        "simplemaps_basic", "10682", "KG03215000000")
    assert baetov["aa_pcode"] == "KG03215810000"
    assert s.loc["gn:1001", "source"] == "wof_admin_kg(geonames)"


def test_wikipedia_figures(fetched):
    villages = _csv(fetched / "village_population_wikipedia.csv")
    naryn = villages[villages["village_en"] == "Naryn"]
    assert naryn[["population", "year"]].values.tolist() == [["1234", "2021"]]
    assert naryn["source_url"].iloc[0] == (
        "https://en.wikipedia.org/wiki/Naryn,_Jalal-Abad?oldid=42")
    yrys = villages[villages["ayil_aimak"] == "Ырысский айылный аймак"]
    assert sorted(map(tuple, yrys[["village_en", "year", "population"]].values.tolist())) == [
        ("Synthdorf", "2009", "1000"), ("Synthdorf", "2021", "1100"),
        ("Zweitdorf", "2009", "500"), ("Zweitdorf", "2021", "650")]
    aa = _csv(fetched / "ayil_aimak_population_wikipedia.csv")
    assert set(map(tuple, aa[aa["ayil_aimak"] == "Барпынский айылный аймак"][
        ["year", "population"]].values.tolist())) == {("2009", "1500"), ("2021", "1750")}
    assert "Чаткальский айылный аймак" in set(aa["ayil_aimak"])
    towns = _csv(fetched / "town_population_wikipedia.csv")
    # Kochkor-Ata answered 404 and is skipped; Kerben's redirect is followed.
    assert towns[["village_en", "population", "year"]].values.tolist() == [
        ["Kerben", "14141", "2009"]]
    assert len(TOWN_PAGES) == 2


# ---------------------------------------------------------------------------------------------
# Failures, caching, resolution


def _dead_base() -> str:
    """An address on 127.0.0.1 where nothing listens (a port just freed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.startswith(".")]


def test_missing_file_names_the_url_and_writes_nothing(server, tmp_path):
    bases = {**server.bases(), "geonames": f"{server.base}/nowhere"}
    with pytest.raises(fetch.DownloadError) as err:
        download.fetch_sources(tmp_path, base_urls=bases,
        session=fetch.make_session(retries=0))
    assert f"{server.base}/nowhere/KG.zip" in str(err.value)
    assert "HTTP 404" in str(err.value)
    assert isinstance(err.value, AimakError)
    assert not (tmp_path / "data").exists()
    assert not (tmp_path / "raw" / "geonames_KG.zip").exists()
    assert _leftovers(tmp_path) == []


def test_unreachable_host_gives_a_clear_error(server, tmp_path):
    dead = _dead_base()
    bases = {**server.bases(), "github_raw": dead}
    with pytest.raises(fetch.DownloadError, match=rf"{re.escape(dead)}/.*cannot be reached"):
        download.fetch_sources(tmp_path, base_urls=bases,
        session=fetch.make_session(retries=0))
    assert not (tmp_path / "data").exists()
    assert _leftovers(tmp_path) == []


def test_failed_conversion_keeps_the_previous_directory(fetched, server, tmp_path):
    dest = tmp_path / "cache"
    (dest / "raw").mkdir(parents=True)
    for f in (fetched.parent / "raw").iterdir():
        if f.is_file():
            (dest / "raw" / f.name).write_bytes(f.read_bytes())
    (dest / "data").mkdir()
    (dest / "data" / "previous.txt").write_text("kept")
    (dest / "raw" / "open_admin_all-settlement.json").write_text("[]")  # no records
    with pytest.raises(fetch.DownloadError, match="no ayil aimak records"):
        download.fetch_sources(dest, base_urls=server.bases(),
        session=fetch.make_session(retries=0))
    assert (dest / "data" / "previous.txt").read_text() == "kept"
    assert _leftovers(dest) == []


def test_interrupted_transfer_is_started_again(server, tmp_path):
    fetcher = fetch.Fetcher(tmp_path, server.bases(), fetch.make_session(retries=0))
    url = f"{server.base}/simplemaps/country-cities/kg/kg.csv"
    server.truncate[url.removeprefix(server.base)] = 1
    assert fetcher.save(url, tmp_path / "kg.csv").read_text() == SIMPLEMAPS_CSV
    server.truncate[url.removeprefix(server.base)] = fetch.BODY_ATTEMPTS
    with pytest.raises(fetch.DownloadError, match="broke during the transfer"):
        fetcher.save(url, tmp_path / "again.csv")
    assert not (tmp_path / "again.csv").exists()
    assert _leftovers(tmp_path) == []


def test_cached_downloads_need_no_network(fetched):
    dead = dict.fromkeys(DEFAULT_BASE_URLS, _dead_base())
    again = download.fetch_sources(fetched.parent, base_urls=dead,
        session=fetch.make_session(retries=0))
    assert again == fetched
    assert len(_csv(again / "settlements.csv")) == 6
    assert len(_csv(again / "village_population_wikipedia.csv")) > 0
    assert _leftovers(fetched.parent) == []
    # the manifest still names the addresses the cached files came from
    manifest = json.loads((again / "sources.json").read_text())
    assert manifest["downloads"]["simplemaps_kg.csv"]["urls"][0].endswith("/kg/kg.csv")
    assert any("/wikipedia/" in u for u in manifest["wikipedia_api"])


def test_resolve_source(fetched, server, tmp_path, monkeypatch):
    assert download.resolve_source(fetched) == fetched
    incomplete = tmp_path / "incomplete"
    incomplete.mkdir()
    with pytest.raises(InputError, match="lacks"):
        download.resolve_source(incomplete)
    # No given directory and no shared copy: the cache, fetched through the mirror.
    monkeypatch.setattr(download, "_repo_root", lambda: None)
    monkeypatch.chdir(tmp_path)
    got = download.resolve_source(tmp_path / "absent", cache_dir=fetched.parent,
                            base_urls=server.bases(),
        session=fetch.make_session(retries=0))
    assert got == fetched.parent / "data"
    # A shared copy beside the current directory wins.
    shared = tmp_path / "shared" / "data" / "kyrgyzstan"
    shared.mkdir(parents=True)
    for name in REQUIRED_FILES:
        (shared / name).write_text("synthetic")
    (tmp_path / "main").mkdir()
    monkeypatch.chdir(tmp_path / "main")
    assert download.resolve_source(None) == shared.resolve()


# ---------------------------------------------------------------------------------------------
# Parsers and helpers on hand-checkable inputs


def test_parse_infobox_languages():
    assert parse.parse_infobox(INFOBOX) == (1234, "2021")
    assert parse.parse_infobox("{{Населённый пункт\n|Население = 7730<ref>x</ref>\n"
                            "|Год переписи = 2009\n}}") == (7730, "2009")
    assert parse.parse_infobox("{{Infobox Ort\n| Einwohner = 4.302 (2009)\n}}") == (4302, "2009")
    assert parse.parse_infobox("{{Infobox\n| population_total = {{increase}} {{formatnum:11306}}\n"
                            "| population_as_of = 2021\n}}") == (11306, "2021")
    assert parse.parse_infobox("No infobox here.") is None


def test_parse_tables_reads_census_columns():
    rows = parse.parse_tables(TABLE)
    assert ("Synthdorf", "2009", 1000, False, "") in rows
    assert ("Insgesamt", "2021", 1750, True, "") in rows
    assert len(rows) == 6
    multiline = ("{| class=\"wikitable\"\n|+ Dörfer\n! Ort\n! Russisch\n! Einwohner<br />2009\n"
                 "|-\n| Synthdorf\n| Синтдорф\n| align=\"right\" | 10 555\n|}")
    assert parse.parse_tables(multiline) == [("Synthdorf", "2009", 10555, False, "Синтдорф")]
    assert parse.parse_tables("{| class=\"wikitable\"\n! Ort !! Fläche\n|-\n| A || 3\n|}") == []


@example(population=2009, year=1999, sep="")
@given(population=st.integers(min_value=1, max_value=10**7),
       year=st.integers(min_value=1900, max_value=2099),
       sep=st.sampled_from([",", ".", " ", "\u00a0", ""]))
def test_parse_infobox_reads_any_thousands_separator(population, year, sep):
    text = f"{population:,}".replace(",", sep)
    wikitext = (f"{{{{Infobox settlement\n| population_total = {text}<ref>x</ref>\n"
                f"| population_as_of = {year}\n}}}}")
    assert parse.parse_infobox(wikitext) == (population, str(year))


def test_mirror_rewrite_and_registry():
    fetcher = fetch.Fetcher(Path("."), {**DEFAULT_BASE_URLS, "hdx": "http://mirror/hdx"},
                         fetch.make_session(retries=0))
    assert fetcher.rewrite("https://data.humdata.org/dataset/x/a.zip") == (
        "http://mirror/hdx/dataset/x/a.zip")
    assert fetcher.rewrite("https://example.org/a.zip") == "https://example.org/a.zip"
    assert fetcher.url("wikipedia", "/w", lang="de") == "https://de.wikipedia.org/w"
    assert [s.file for s in SOURCES] == list(REQUIRED_FILES)
    assert all(s.licence and s.homepage for s in SOURCES)
    assert all(s.remotes or s.pages for s in SOURCES)


def test_convert_soate_rejects_a_changed_file():
    with pytest.raises(fetch.DownloadError, match="CoateRecord"):
        parse.convert_soate("nothing to see")


def test_cod_ps_2018_layout_in_windows_1251(tmp_path):
    # column names as in the Kyrgyz COD-PS 2018 files; Russian names in Windows-1251
    path = tmp_path / "kyrgyzstan_population_statistics_2018_adm2_v2.csv"
    text = ("admin1Name_en,admin1Name_ru,admin2Name_en,admin2Pcode,Total_population,"
            "Urban_population,Rural_population,Number_of_male_0_4\n"
            "#adm1+name,#adm1+name+ru,#adm2+name,#adm2+code,#population,,,\n"
            ",,,,\"6,140,200\",,,\n"
            "Jalal-Abad,Джалал-Абадская,Aksy,4.1703211E+13,\"135,900\",13100,122800,7000\n")
    path.write_bytes(text.encode("cp1251"))
    got = parse.convert_cod_ps(path, path.name)
    assert got.astype(str).values.tolist() == [
        ["Jalal-Abad", "Aksy", "district", "135900", "13100", "122800", "2018"]]
    assert parse._cod_ab_names(pd.Index(["adm2_name", "adm2_name1", "adm2_name2", "adm2_pcode",
                                      "ADM1_EN"])) == {
        "adm2_name": "ADM2_EN", "adm2_name1": "ADM2_RU", "adm2_name2": "ADM2_KY",
        "adm2_pcode": "ADM2_PCODE"}


def test_cod_ps_without_population_column(tmp_path):
    path = tmp_path / "kgz_pop.csv"
    path.write_text("ADM1_EN,ADM2_EN,Women\nJalal-Abad,Aksy,1\n")
    with pytest.raises(fetch.DownloadError, match="population_total"):
        parse.convert_cod_ps(path)


def test_synthetic_points_fall_in_the_synthetic_rayons():
    # guards the fixture itself: the hand-checked answers above rely on this geometry
    assert box(72.0, 41.0, 72.5, 41.5).contains(Point(72.21, 41.21))
    assert box(72.5, 41.0, 73.0, 41.5).contains(Point(72.71, 41.22))


def test_newer_cod_ab_schema_is_renamed(tmp_path):
    folder = tmp_path / "v2"
    folder.mkdir()
    layer = gpd.GeoDataFrame([
        {"adm2_name": "Aksy", "adm2_pcode": "KG03211000000", "adm1_name": "Jalal-Abad",
         "adm1_pcode": "KG03000000000", "geometry": box(72.0, 41.0, 72.5, 41.5)},
        {"adm2_name": "Kara-Kul (city)", "adm2_pcode": "KG03440000010", "adm1_name": "Jalal-Abad",
         "adm1_pcode": "KG03000000000", "geometry": box(73.0, 41.0, 73.1, 41.1)}],
        crs="EPSG:4326")
    layer.to_file(folder / "kgz_admin2.shp", engine="pyogrio")
    archive = tmp_path / "kgz_admin_boundaries.shp.zip"
    archive.write_bytes(_zip({p.name: p.read_bytes() for p in folder.iterdir()}))
    out = tmp_path / "rayons.geojson"
    parse.convert_cod_ab(archive, out)
    got = gpd.read_file(out)
    assert got[["ADM2_EN", "ADM2_PCODE", "ADM1_EN", "ADM2TYP_EN"]].values.tolist() == [
        ["Aksy", "KG03211000000", "Jalal-Abad", "district"],
        ["Kara-Kul (city)", "KG03440000010", "Jalal-Abad", "independent city"]]
    empty = tmp_path / "empty.zip"
    empty.write_bytes(_zip({"readme.txt": b"synthetic"}))
    with pytest.raises(fetch.DownloadError, match="no ADM2 layer"):
        parse.convert_cod_ab(empty, out)



def test_name_keys_fold_spelling_variants():
    names = pd.Series(["Им. Ленина", "Имени Ленина", "Джениш", "Жениш", "Новопокровка (часть)",
                       "Кара-Суу", None])
    assert merge._norm(names).tolist() == ["ленина", "ленина", "жениш", "жениш", "новопокровка",
                                        "карасуу", ""]


def test_ayil_aimak_guess_takes_the_nearest_of_several_name_matches():
    # synthetic: "Дружба" is a СОАТЕ village of two ayil aimaks of the rayon; a third ayil
    # aimak without that village has the closest centroid
    df = pd.DataFrame({"name_ru": ["Дружба", "Безымянное"], "admin2_pcode": "KG08206000000",
                       "lat": [42.70, 42.70], "lon": [74.90, 74.90]})
    aa = pd.DataFrame({"pcode": ["KG08206820000", "KG08206873000", "KG08206999000"],
                       "name_en": ["Near", "Far", "Closest"],
                       "lat": ["42.70", "42.90", "42.70"], "lon": ["74.95", "75.20", "74.901"],
                       "soate_villages": ["Дружба;Кен-Булун", "Им. Дружбы;Дружба", "Другое"]})
    got = merge._add_ayil_aimak(df, aa)
    assert got[["aa_pcode", "aa_name", "aa_match"]].values.tolist() == [
        ["KG08206820000", "Near", "soate_village_name"],
        ["KG08206999000", "Closest", "nearest_aa_centroid(approx)"]]


def test_the_dataset_builder_reads_the_download(fetched):
    from aimak.kyrgyzstan import build  # a broken import must fail, not skip
    dataset = build.build_kyrgyzstan(fetched, None).dataset
    codes = dict(zip(dataset.settlements["id"], dataset.settlements["municipality_code"],
                     strict=True))
    assert codes["gn:1001"] == "41703211805000"  # Avletim, by its СОАТЕ village name
    assert codes["sm:baetov"] == "41703215810000"
    assert len(dataset.municipalities) == 2 and len(dataset.rayons) == 2
    # the fixture's region layer has neither Bishkek nor Osh: left out, and said so
    missing = dataset.notes[dataset.notes["message"].str.contains("has no region named")]
    assert missing["subject"].tolist() == ["Bishkek", "Osh City"]


def test_a_pinned_file_is_checked_against_its_hash(server, tmp_path):
    # SYNTHETIC pins: the digest of the served SimpleMaps file, and a wrong one
    good = hashlib.sha256(SIMPLEMAPS_CSV.encode()).hexdigest()
    path = SIMPLEMAPS_KG.urls[0][1]
    fetcher = fetch.Fetcher(tmp_path, server.bases(), fetch.make_session(retries=0))
    wrong = SIMPLEMAPS_KG.__class__(SIMPLEMAPS_KG.name, SIMPLEMAPS_KG.urls, "0" * 64)
    with pytest.raises(fetch.DownloadError, match=rf"simplemaps{re.escape(path)} is not the "
                                                   "pinned file.*0000"):
        fetcher.remote(wrong)
    assert not (tmp_path / SIMPLEMAPS_KG.name).exists()
    assert _leftovers(tmp_path) == []
    pinned = SIMPLEMAPS_KG.__class__(SIMPLEMAPS_KG.name, SIMPLEMAPS_KG.urls, good)
    assert fetcher.remote(pinned).read_text() == SIMPLEMAPS_CSV
    # a damaged cached copy of a pinned file is fetched again, not used
    (tmp_path / SIMPLEMAPS_KG.name).write_text("damaged")
    assert fetcher.remote(pinned).read_text() == SIMPLEMAPS_CSV
    # an unpinned cached copy is used as it is, without a request
    hits = len(server.hits)
    assert fetcher.remote(SIMPLEMAPS_KG).read_text() == SIMPLEMAPS_CSV
    assert len(server.hits) == hits


def test_aimak_data_fetch_uses_the_cache(fetched, server, monkeypatch):
    from click.testing import CliRunner

    from aimak.cli.main import cli

    # the article the server lacks is asked again: of the local server, never of the internet
    monkeypatch.setattr(download, "DEFAULT_BASE_URLS", server.bases())
    hits = len(server.hits)
    result = CliRunner().invoke(cli, ["data", "fetch", str(fetched.parent)])
    assert result.exit_code == 0, result.output
    assert f"Source directory ready: {fetched}" in result.output
    assert {h.rsplit("/", 1)[-1] for h in server.hits[hits:]} == {"Kochkor-Ata"}


def test_parse_tables_ignores_references_and_comments_in_cells():
    text = ("{| class=\"wikitable\"\n! Ort !! Einwohner 2009\n|-\n"
            "| Synthdorf<ref name=\"a\">Census 1999: 77</ref> || 1 200<!-- 1 100? -->\n|}")
    assert parse.parse_tables(text) == [("Synthdorf", "2009", 1200, False, "")]
