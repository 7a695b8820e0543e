"""Registry of the public upstream sources behind the Kyrgyz source directory.

One :class:`Source` per file of the shared source directory (``../shared/data/kyrgyzstan``):
where the file comes from upstream, under which licence, and what the readers in
:mod:`aimak.kyrgyzstan.parse` and :mod:`aimak.kyrgyzstan.merge` do to turn the upstream format
into the shared file's columns.

Every remote address is written as a *base key* plus a path so that a mirror, or a local test
server, can replace the base (``fetch_sources(base_urls={"geonames": "http://mirror/geonames"})``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

#: Upstream bases. Keys are what ``base_urls`` overrides; values are the real public addresses.
DEFAULT_BASE_URLS: dict[str, str] = {
    # Humanitarian Data Exchange (OCHA), CKAN API and resource downloads.
    "hdx": "https://data.humdata.org",
    # HOT OSM exports (raw-data-api bucket behind the HDX "hotosm_<iso3>_*" datasets).
    "hotosm": "https://s3.dualstack.us-east-1.amazonaws.com/production-raw-data-api",
    # GeoNames daily dumps.
    "geonames": "https://download.geonames.org/export/dump",
    # SimpleMaps free ("basic") city databases.
    "simplemaps": "https://simplemaps.com/static/data",
    # GitHub source archives (codeload redirects are followed).
    "github": "https://github.com",
    # GitHub raw files.
    "github_raw": "https://raw.githubusercontent.com",
    # The National Statistical Committee (table 825) and the Web Archive (its past editions).
    "nsc": "https://stat.gov.kg",
    "wayback": "https://web.archive.org",
    # Wikipedia; ``{lang}`` is replaced by the language edition (en, de, ru, ky, ...).
    "wikipedia": "https://{lang}.wikipedia.org",
}

#: The committee's table 825 (population by ayil aimak and village, one XLS workbook). The
#: address always serves the newest edition: the committee replaces the file each spring.
NSC_TABLE_PATH = "/ru/statistics/download/operational/825/"
#: Web Archive captures (timestamps) of that address holding an edition no longer served live:
#: 2025-02-05 the start-2024 edition (pre-reform units), 2025-05-25 the start-2025 edition (the
#: first on the reform's units). Licence: CC BY-NC-SA 4.0, citing the committee.
NSC_TABLE_CAPTURES = {2024: "20250205", 2025: "20250525"}

#: Git commits the GitHub-hosted files are pinned to (reproducible downloads).
SOATE_REPO = "bomorov/KSTUHostel"
SOATE_COMMIT = "07fa1d1ff2c1352e5216e5aec3e4a7130decd5dd"
SOATE_PATH = "WebUI/Data/Seeds/CoateRecordSeed.cs"
OPEN_ADMIN_REPO = "open-admin-data/kyrgyzstan-administrative-divisions"
OPEN_ADMIN_COMMIT = "cf6fc6932dc0b5c5fd351a20563b1d1517d8e8c0"
WOF_REPO = "whosonfirst-data/whosonfirst-data-admin-kg"
WOF_BRANCH = "master"


@dataclass(frozen=True)
class Remote:
    """One upstream file, saved in the download cache under ``name``.

    ``urls`` are ``(base key, path)`` pairs tried in order (the first that answers wins).
    ``sha256`` pins the content of a file whose address is stable (a Git commit); the fetcher
    refuses a download or a cached copy that differs. ``None`` for files published under a
    moving address (daily dumps, branch archives, re-uploaded exports), whose SHA-256 the
    manifest records instead.
    """

    name: str
    urls: tuple[tuple[str, str], ...]
    sha256: str | None = None


@dataclass(frozen=True)
class HdxResource:
    """One resource of an HDX dataset, found through the CKAN ``package_show`` API.

    The resource is the first whose name (or URL) matches ``pattern`` (a regular expression,
    case-insensitive); resolving it by API rather than by a fixed resource id keeps working when
    OCHA re-uploads a file.
    """

    name: str
    dataset: str
    pattern: str

    @property
    def api_path(self) -> str:
        return f"/api/3/action/package_show?id={self.dataset}"


_TITLE_SAFE = ",()'!:"


@dataclass(frozen=True)
class WikiPage:
    """A Wikipedia article cited for a population figure, and the place it describes.

    ``kind`` says how the figure is read: ``infobox`` (one figure for the article's subject) or
    ``table`` (a German "Landgemeinde" article listing its villages with census columns).
    ``cited`` is the address (often a mirror) the shared file cites.
    """

    lang: str
    title: str
    level: str  # village | ayil_aimak | town
    rayon: str
    ayil_aimak: str
    village_ru: str = ""
    village_en: str = ""
    kind: str = "infobox"
    cited: str = ""
    note: str = ""

    @property
    def api_path(self) -> str:
        """Path of the MediaWiki REST endpoint answering the article's wikitext as JSON."""
        return f"/w/rest.php/v1/page/{quote(self.title.replace(' ', '_'), safe=_TITLE_SAFE)}"

    @property
    def url(self) -> str:
        return (f"https://{self.lang}.wikipedia.org/wiki/"
                f"{quote(self.title.replace(' ', '_'), safe=_TITLE_SAFE)}")


@dataclass(frozen=True)
class Source:
    """One file of the shared source directory and the upstream data it is made from."""

    file: str
    description: str
    licence: str
    homepage: str
    remotes: tuple[Remote | HdxResource, ...] = ()
    needs: tuple[str, ...] = ()  # other shared files the converter reads
    pages: tuple[WikiPage, ...] = ()
    differs: str = ""  # what the converted file cannot reproduce exactly
    columns: tuple[str, ...] = field(default=())


GEONAMES_KG = Remote("geonames_KG.zip", (("geonames", "/KG.zip"),))
GEONAMES_CITIES500 = Remote("geonames_cities500.zip", (("geonames", "/cities500.zip"),))
GEONAMES_ALTNAMES_KG = Remote("geonames_alternatenames_KG.zip",
                              (("geonames", "/alternatenames/KG.zip"),))
SIMPLEMAPS_KG = Remote("simplemaps_kg.csv", (
    ("simplemaps", "/country-cities/kg/kg.csv"),
))
WOF_ADMIN_KG = Remote("whosonfirst-data-admin-kg.tar.gz", (
    ("github", f"/{WOF_REPO}/archive/refs/heads/{WOF_BRANCH}.tar.gz"),
    ("github", f"/{WOF_REPO}/archive/refs/heads/main.tar.gz"),  # should the branch be renamed
))
# Commit-pinned, so stable: its sha256 belongs here (the digest sources.json records on a
# fetch where the upstream host is reachable); until then the manifest records it.
SOATE_SEED = Remote("soate_CoateRecordSeed.cs", (
    ("github_raw", f"/{SOATE_REPO}/{SOATE_COMMIT}/{SOATE_PATH}"),
))
# Commit-pinned, so stable: its sha256 belongs here (the digest sources.json records on a
# fetch where the upstream host is reachable); until then the manifest records it.
OPEN_ADMIN_AA = Remote("open_admin_all-settlement.json", (
    ("github_raw", f"/{OPEN_ADMIN_REPO}/{OPEN_ADMIN_COMMIT}/data/all-settlement.json"),
))
# e.g. "kgz_admin_boundaries.shp.zip" (2024 edition) or "kgz_adm_moes_20181119_shp.zip"
COD_AB = HdxResource("hdx_cod-ab-kgz", "cod-ab-kgz", r"kgz.*adm.*shp.*\.zip$")
# e.g. "kyrgyzstan_population_statistics_2018_adm2_v2.csv"
COD_PS = HdxResource("hdx_cod-ps-kgz", "cod-ps-kgz",
                     r"(kgz|kyrgyzstan).*adm(in)?2.*\.(csv|xlsx)$")
HOTOSM_HEALTH = Remote("hotosm_kgz_health_facilities_points_geojson.zip", (
    ("hotosm", "/ISO3/KGZ/health_facilities/points/"
               "hotosm_kgz_health_facilities_points_geojson.zip"),
))

_VILLAGE_COLS = ("rayon", "ayil_aimak", "village_ru", "village_en", "population", "year",
                 "source_url")

VILLAGE_PAGES: tuple[WikiPage, ...] = (
    WikiPage("en", "Naryn, Jalal-Abad", "village", "Аксыйский район",
             "Назаралиевский айылный аймак", "Нарын", "Naryn",
             cited="https://iiab.me/kiwix/content/wikipedia_en_all_maxi_2023-10/A/"
                   "Naryn%2C_Jalal-Abad"),
    WikiPage("en", "Birinchi May, Jalal-Abad", "village", "Базар-Коргонский район",
             "Кенешский айылный аймак", "Первое Мая", "Birinchi May",
             cited="https://en.m.wikipedia.org/wiki/Birinchi_May,_Jalal-Abad (via a proxy)"),
    WikiPage("en", "Suzak", "village", "Сузакский район", "Сузакский айылный аймак", "Сузак",
             "Suzak", cited="https://en.wikipedia.org/wiki/Suzak (via a proxy)"),
    WikiPage("ky", "Жай-Терек, Базар-Коргон району", "village", "Базар-Коргонский район",
             "Арстанбапский айылный аймак", "Джай-Терек", "Jay-Terek"),
    WikiPage("ru", "Такталык", "village", "Токтогульский район", "Уч-Терекский айылный аймак",
             "Такталык", "Taktalyk"),
    WikiPage("en", "Kazarman", "village", "Тогуз-Тороуский район", "Каргалыкский айылный аймак",
             "Казарман", "Kazarman"),
    WikiPage("en", "Terek-Say", "village", "Чаткальский район", "Терек-Сайский айылный аймак",
             "Терек-Сай", "Terek-Say",
             cited="https://wikicestina.icu/wiki/Terek-Say; https://perceptiode.com/Терек-Сай",
             note="the shared file cites Czech and German mirrors; the English article is read"),
    WikiPage("tg", "Бозор-Қӯрғон", "village", "Базар-Коргонский район",
             "Базар-Коргонский айылный аймак", "Базар-Коргон", "Bazar-Korgon",
             note="the shared file also takes three neighbouring villages from this article's "
                  "text; only the infobox figure is read"),
    WikiPage("en", "Oktyabr', Jalal-Abad Region", "village", "Сузакский район",
             "Багышский айылный аймак", "Октябрьское", "Oktyabr'",
             cited="https://pinocchiopedia.com/wiki/Oktyabr',_Jalal-Abad_Region"),
    WikiPage("ky", "Авлетим", "village", "Аксыйский район", "Авлетимский айылный аймак",
             "Авлетим", "Avletim"),
    WikiPage("de", "Yrys (Landgemeinde)", "village", "Сузакский район", "Ырысский айылный аймак",
             kind="table",
             cited="https://wikipedia.jakami.de/content/wikipedia_de_all_mini_2023-10/A/"
                   "Yrys_(Landgemeinde)"),
    WikiPage("de", "Barpy", "village", "Сузакский район", "Барпынский айылный аймак",
             kind="table",
             cited="http://wikipedia.ddns.net:12345/content/wikipedia_de_all_maxi_2024-04/A/Barpy"),
)

AYIL_AIMAK_PAGES: tuple[WikiPage, ...] = (
    WikiPage("ky", "Чаткал айыл аймагы", "ayil_aimak", "Чаткальский район",
             "Чаткальский айылный аймак"),
)

TOWN_PAGES: tuple[WikiPage, ...] = (
    WikiPage("hr", "Kochkor-Ata", "town", "Ноокенский район", "(town Kochkor-Ata)",
             "Кочкор-Ата", "Kochkor-Ata", cited="https://hr.mgwiki.top/wiki/Kochkor-Ata"),
    WikiPage("de", "Kerben (Kirgisistan)", "town", "Аксыйский район", "(town Kerben)",
             "Кербен", "Kerben", cited="https://de.zxc.wiki/wiki/Kerben_(Kirgisistan)"),
)

_WIKI_DIFFERS = (
    "Figures are read from the cited articles' current wikitext through the MediaWiki REST API "
    "(canonical Wikipedia, not the mirrors the shared file cites): one figure per article "
    "infobox, or every census column of a German 'Landgemeinde' village table. The shared file "
    "was compiled by hand and can hold two years per article, text-only figures and two "
    "non-Wikipedia sources (the Kyrgyz encyclopedia pages for Jangy-Shaar and Jygach-Korgon), "
    "which are not reproduced; village_ru is empty for rows read from German tables without "
    "a Russian-name column."
)

SOURCES: tuple[Source, ...] = (
    Source(
        "soate.csv",
        "Official territorial classifier (СОАТЕ) hierarchy with codes and Russian names.",
        "public official classifier (State Classification of Administrative-Territorial "
        "Units of the Kyrgyz Republic)",
        f"https://github.com/{SOATE_REPO}/blob/{SOATE_COMMIT}/{SOATE_PATH}",
        (SOATE_SEED,),
        columns=("id", "name_ru", "soate", "type", "parent_id", "parent_name"),
        differs="Names are kept verbatim (including stray spaces), as in the shared copy.",
    ),
    Source(
        "ayil_aimaks.csv",
        "Ayil aimaks (pre-2024) with OCHA P-code, СОАТЕ code, names, centroid, postal code and "
        "the СОАТЕ villages under each.",
        "CC BY 4.0 (Open Admin Data) / public classifier",
        f"https://github.com/{OPEN_ADMIN_REPO}",
        (OPEN_ADMIN_AA,),
        needs=("soate.csv",),
        columns=("pcode", "soate", "name_ky", "name_en", "rayon", "oblast", "lat", "lon", "zip",
                 "soate_name_ru", "soate_villages"),
    ),
    Source(
        "rayons_ocha_adm2.geojson",
        "Rayon and oblast-city polygons with P-codes and names (OCHA COD-AB, ADM2).",
        "CC BY-IGO",
        "https://data.humdata.org/dataset/cod-ab-kgz",
        (COD_AB,),
        columns=("ADM2_EN", "ADM2_RU", "ADM2_KY", "ADM2_PCODE", "ADM1_EN", "ADM1_PCODE"),
        differs="If OCHA has replaced the 2018 MoES edition, the current edition is converted.",
    ),
    Source(
        "oblasts_wof.geojson",
        "Oblast polygons (and Bishkek, Osh) from Who's On First (placetype region).",
        "CC0 (Who's On First; some geometries carry their own attribution)",
        f"https://github.com/{WOF_REPO}",
        (WOF_ADMIN_KG,),
        columns=("wof_id", "name", "name_ru", "name_ky", "parent_id", "is_current", "src_geom"),
    ),
    Source(
        "rayons_wof.geojson",
        "Rayon polygons from Who's On First (placetype county).",
        "CC0 (Who's On First)",
        f"https://github.com/{WOF_REPO}",
        (WOF_ADMIN_KG,),
        columns=("wof_id", "name", "name_ru", "name_ky", "parent_id", "is_current", "src_geom"),
    ),
    Source(
        "health_facilities_hotosm.geojson",
        "Health facilities from OpenStreetMap (amenity/healthcare tags), HOT export.",
        "ODbL 1.0 (© OpenStreetMap contributors)",
        "https://data.humdata.org/dataset/hotosm_kgz_health_facilities",
        (HOTOSM_HEALTH,),
        differs="OpenStreetMap changes daily: the current export, not the shared snapshot.",
    ),
    Source(
        "rayon_population_2018.csv",
        "Population per rayon / oblast city: total, urban, rural (National Statistical "
        "Committee via OCHA COD-PS).",
        "CC BY-IGO",
        "https://data.humdata.org/dataset/cod-ps-kgz",
        (COD_PS,),
        columns=("oblast_en", "rayon_en", "type_en", "population_total", "population_urban",
                 "population_rural", "year"),
        differs="Urban and rural columns stay empty when the COD-PS edition has no such split; "
                "the year is the COD-PS reference year.",
    ),
    Source(
        "settlements.csv",
        "Populated places: Who's On First localities (GeoNames points) + GeoNames cities500 + "
        "SimpleMaps basic; oblast/rayon by point-in-polygon on the OCHA rayons; a GUESS of the "
        "ayil aimak by СОАТЕ village name or nearest ayil-aimak centroid.",
        "WOF CC0; GeoNames CC BY 4.0; SimpleMaps CC BY 4.0",
        "https://www.geonames.org/ ; https://whosonfirst.org/ ; "
        "https://simplemaps.com/data/kg-cities",
        (WOF_ADMIN_KG, GEONAMES_KG, GEONAMES_ALTNAMES_KG, GEONAMES_CITIES500, SIMPLEMAPS_KG),
        needs=("rayons_ocha_adm2.geojson", "ayil_aimaks.csv"),
        columns=("id", "geonameid", "wof_id", "name", "name_ru", "name_ky", "lat", "lon",
                 "population", "pop_source", "feature_code", "admin1", "admin2", "admin2_pcode",
                 "aa_pcode", "aa_name", "aa_match", "source"),
        differs="Rebuilt from the current upstream releases with the same rules; row counts and "
                "ayil-aimak guesses can differ slightly from the shared snapshot.",
    ),
    Source(
        "village_population_wikipedia.csv",
        "Village populations (2009 census or later estimates), each with its source URL.",
        "facts, cited (Wikipedia text CC BY-SA 4.0)",
        "https://www.wikipedia.org/",
        pages=VILLAGE_PAGES,
        columns=_VILLAGE_COLS,
        differs=_WIKI_DIFFERS,
    ),
    Source(
        "ayil_aimak_population_wikipedia.csv",
        "Ayil-aimak populations with source URL.",
        "facts, cited (Wikipedia text CC BY-SA 4.0)",
        "https://www.wikipedia.org/",
        pages=AYIL_AIMAK_PAGES + tuple(p for p in VILLAGE_PAGES if p.kind == "table"),
        columns=("rayon", "ayil_aimak", "population", "year", "source_url"),
        differs=_WIKI_DIFFERS + " Ayil-aimak totals of the German tables come from their "
                "total row.",
    ),
    Source(
        "town_population_wikipedia.csv",
        "Towns not inside an ayil aimak, with source URL.",
        "facts, cited (Wikipedia text CC BY-SA 4.0)",
        "https://www.wikipedia.org/",
        pages=TOWN_PAGES,
        columns=(*_VILLAGE_COLS, "note"),
        differs=_WIKI_DIFFERS,
    ),
)

#: Shared file name -> its Source.
BY_FILE: dict[str, Source] = {s.file: s for s in SOURCES}

#: Files the dataset builder needs in a source directory.
REQUIRED_FILES: tuple[str, ...] = tuple(s.file for s in SOURCES)
