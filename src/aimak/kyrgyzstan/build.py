"""Build the Kyrgyz dataset (settlements, municipalities, rayons, oblasts, facilities).

Inputs are the files described in ``shared/data/kyrgyzstan/SOURCES.md`` (or their download, see
``aimak.kyrgyzstan.download``). Every derived value is labelled: how each settlement was assigned
to its municipality (``assignment_rule``), how each centre was chosen (``centre_rule``), where each
population figure comes from (``population_source``, ``population_year``, ``population_ref``) and
that territories are ``approximate`` Voronoi-based polygons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from aimak.crs import KYRGYZSTAN_LAEA, WGS84
from aimak.dataset import NOTE_COLUMNS, Dataset
from aimak.errors import InputError, Problem, fail
from aimak.io import read_table
from aimak.kyrgyzstan.classifier import Classifier, read_classifier
from aimak.kyrgyzstan.facilities import read_health_facilities
from aimak.kyrgyzstan.matching import match_settlements
from aimak.kyrgyzstan.nsc import PopulationTable, read_population_table
from aimak.kyrgyzstan.official import attach_table, reform_composition
from aimak.kyrgyzstan.population import (
    CONSTRAINED_PREFIX,
    TOTALS_REF,
    TypicalSizes,
    estimate_populations,
)
from aimak.kyrgyzstan.sources import SOURCES
from aimak.names import NameIndex, match_rule, name_key
from aimak.schema import LAYERS, validate
from aimak.territory import voronoi_territories

FILES = {
    "settlements": "settlements.csv",
    "soate": "soate.csv",
    "adm3": "ayil_aimaks.csv",
    "rayons": "rayons_ocha_adm2.geojson",
    "regions": "oblasts_wof.geojson",
    "rayon_population": "rayon_population_2018.csv",
    "village_population": "village_population_wikipedia.csv",
    "aa_population": "ayil_aimak_population_wikipedia.csv",
    "town_population": "town_population_wikipedia.csv",
    "health": "health_facilities_hotosm.geojson",
}

#: Files used when present. They were compiled by hand from Wikipedia articles citing the
#: National Statistical Committee and have no public download of their own, so a source
#: directory fetched from upstream lacks them: the build then notes it and goes on without.
OPTIONAL_FILES = {
    "aa_population_2009_2021": "ayil_aimak_population_2009_2021.csv",
    "rayon_census": "rayon_population_census.csv",
}
OPTIONAL_DESCRIPTIONS = {
    "aa_population_2009_2021": "Ayil aimak population, 2009 census and 2021 NSC estimate, for "
                               "Naryn, Ak-Talaa, Kochkor and Nookat rayons (СОАТЕ codes).",
    "rayon_census": "Rayon population at the censuses 1970-2022 and the 2021 NSC estimate.",
}


def slug(text: str) -> str:
    """'Jalal-Abad' -> 'jalal-abad' (how oblasts are named on the command line)."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


@dataclass
class BuildResult:
    dataset: Dataset
    #: From a post-reform population table: the reform as a plan (``aimak explain-plan``).
    reform: pd.DataFrame | None = None

    @property
    def rule_counts(self) -> pd.Series:
        """How many settlements each assignment rule placed in their municipality."""
        return self.dataset.settlements["assignment_rule"].value_counts()


def _require(source: Path) -> dict[str, Path]:
    paths = {k: source / v for k, v in FILES.items()}
    missing = [str(p) for p in paths.values() if not p.exists()]
    if missing:
        raise InputError([Problem("a source file is missing", m) for m in missing])
    return paths


def _soate_of(pcode: str) -> str:
    return "417" + str(pcode)[2:]


@dataclass(frozen=True)
class RepublicanCity:
    """A city of republican significance: a region of its own, outside OCHA's rayon layer."""

    wof_name: str  # its ``name`` in Who's On First's region layer
    pcode: str  # OCHA-style P-code (СОАТЕ code with KG for 417)
    name_en: str
    name_ru: str  # the region's Russian name (the classifier's «г. ...»)
    name_ky: str


#: Bishkek and Osh are regions of their own (СОАТЕ 41711/41721). OCHA's rayon layer has a hole
#: where each lies, so their polygons come from Who's On First's regions, less any overlap
#: with OCHA's rayons; each becomes an "oblast" with one rayon-level city.
REPUBLICAN_CITIES = (
    RepublicanCity("Bishkek", "KG11000000000", "Bishkek", "г. Бишкек", "Бишкек шаары"),
    RepublicanCity("Osh City", "KG21000000000", "Osh City", "г. Ош", "Ош шаары"),
)


def _republican_cities(path: Path, adm2: gpd.GeoDataFrame, notes: list[dict]
                       ) -> gpd.GeoDataFrame:
    """The republican cities as rows shaped like OCHA's rayons (ADM1 = ADM2 = the city).

    A city the region layer lacks is left out with a note, as any place without a polygon."""
    regions = read_table(path)
    for col in ("name", "name_ru", "name_ky"):
        if col not in regions.columns:
            raise fail(f"the region polygons lack the property '{col}'", path, column=col)
    others = shapely.union_all(shapely.make_valid(adm2.geometry.values))
    rows = []
    for city in REPUBLICAN_CITIES:
        hit = regions[regions["name"] == city.wof_name]
        if hit.empty:
            notes.append({"kind": "warning", "subject": city.name_en, "count": 1,
                          "message": f"{path.name} has no region named '{city.wof_name}', so "
                                     f"{city.name_en} has no polygon and is left out"})
            continue
        row = hit.iloc[0]
        own_ru = str(row["name_ru"] or "").strip() or city.name_ru.removeprefix("г. ")
        own_ky = str(row["name_ky"] or "").strip() or own_ru
        rows.append({"ADM2_PCODE": city.pcode, "ADM2_EN": city.name_en, "ADM2_RU": own_ru,
                     "ADM2_KY": own_ky, "ADM2TYP_EN": "republican city",
                     "ADM1_EN": city.name_en, "ADM1_RU": city.name_ru, "ADM1_KY": city.name_ky,
                     "ADM1_PCODE": city.pcode,
                     "geometry": shapely.make_valid(row.geometry).difference(others)})
    columns = ["ADM2_PCODE", "ADM2_EN", "ADM2_RU", "ADM2_KY", "ADM2TYP_EN", "ADM1_EN", "ADM1_RU",
               "ADM1_KY", "ADM1_PCODE", "geometry"]
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns), geometry="geometry",
                            crs=regions.crs)


def _read_rayons(path: Path, regions: Path, notes: list[dict]
                 ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Every rayon and oblast of the country (with ``oblast_code`` on the rayons)."""
    adm2 = read_table(path)
    needed = ["ADM2_PCODE", "ADM2_EN", "ADM2_RU", "ADM2_KY", "ADM2TYP_EN", "ADM1_EN",
              "ADM1_RU", "ADM1_KY", "ADM1_PCODE"]
    for col in needed:
        if col not in adm2.columns:
            raise fail(f"the rayon polygons lack the property '{col}'", path, column=col)
    cities = _republican_cities(regions, adm2, notes)
    if len(cities):
        adm2 = pd.concat([adm2[[*needed, "geometry"]], cities.to_crs(adm2.crs)],
                         ignore_index=True)
    adm2 = gpd.GeoDataFrame(adm2, geometry="geometry")
    adm2["geometry"] = shapely.make_valid(adm2.geometry.values)
    rayons = gpd.GeoDataFrame({
        "code": adm2["ADM2_PCODE"].map(_soate_of),
        "pcode": adm2["ADM2_PCODE"],
        "name_ru": adm2["ADM2_RU"].str.replace(r"^г\.\s*", "", regex=True),
        "name_ky": adm2["ADM2_KY"].str.replace("\xa0", " ").str.strip(),
        "name_en": adm2["ADM2_EN"],
        "kind": np.where(adm2["ADM2TYP_EN"].str.contains("city"), "city", "rayon"),
        "oblast": adm2["ADM1_EN"],
        "oblast_code": adm2["ADM1_PCODE"].map(_soate_of),
    }, geometry=adm2.geometry.values, crs=WGS84)
    oblasts = rayons.dissolve(by="oblast_code", as_index=False)[["oblast_code", "geometry"]]
    first = adm2.drop_duplicates("ADM1_PCODE").set_index(adm2.drop_duplicates(
        "ADM1_PCODE")["ADM1_PCODE"].map(_soate_of))
    city = oblasts["oblast_code"].map(first["ADM2TYP_EN"]) == "republican city"
    oblasts = gpd.GeoDataFrame({
        "code": oblasts["oblast_code"],
        "name_ru": oblasts["oblast_code"].map(first["ADM1_RU"]).where(
            city, oblasts["oblast_code"].map(first["ADM1_RU"]) + " область"),
        "name_ky": oblasts["oblast_code"].map(first["ADM1_KY"]).where(
            city, oblasts["oblast_code"].map(first["ADM1_KY"]) + " облусу"),
        "name_en": oblasts["oblast_code"].map(first["ADM1_EN"]),
    }, geometry=oblasts.geometry.values, crs=WGS84)
    return rayons, oblasts


def _choose_oblast(rayons: gpd.GeoDataFrame, oblasts: gpd.GeoDataFrame, oblast: str,
                   path: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The rayons and oblast of the oblast (or republican city) named ``oblast``."""
    keep = rayons["oblast"].map(slug) == slug(oblast)
    if not keep.any():
        known = sorted(rayons["oblast"].map(slug).unique())
        raise fail(f"no oblast '{oblast}'; choose one of: {', '.join(known)}", path)
    rayons = rayons[keep].reset_index(drop=True)
    return rayons, oblasts[oblasts["code"].isin(rayons["oblast_code"])].reset_index(drop=True)


def _translit(name: str) -> str:
    """A readable Latin form for names that have no English one in the sources."""
    table = {"ж": "j", "ң": "ng", "ө": "ö", "ү": "ü", "ы": "y", "й": "y", "х": "kh", "ц": "ts",
             "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ь": "", "э": "e", "ю": "yu", "я": "ya",
             "е": "e", "ё": "yo"}
    basic = dict(zip("абвгдзиклмнопрстуф", "abvgdziklmnoprstuf", strict=True))
    out = []
    for ch in name:
        low = ch.lower()
        rep = table.get(low, basic.get(low, ch))
        out.append(rep.capitalize() if ch != low and rep else rep)
    return "".join(out)


def build_kyrgyzstan(source: str | Path, oblast: str | None = None,
                     population_table: str | Path | None = None) -> BuildResult:
    """Build the dataset for one oblast (or every oblast OCHA's polygons cover).

    Every figure a settlement gets depends only on its rayon and on country-wide tables, so a
    one-oblast build equals the national build on that oblast (``tests/test_scope_invariance``).
    ``population_table``: an edition of the committee's table 825 (``aimak.kyrgyzstan.nsc``);
    every village it lists then has its official figure, and a post-reform edition gives the
    reform's composition (``BuildResult.reform``).
    """
    source = Path(source)
    paths = _require(source)
    notes: list[dict] = []
    country, all_oblasts = _read_rayons(paths["rayons"], paths["regions"], notes)
    rayons, oblasts = (_choose_oblast(country, all_oblasts, oblast, paths["rayons"]) if oblast
                       else (country, all_oblasts))
    pts = _read_points(paths["settlements"], country, rayons, oblast, notes)
    # the whole country's classifier: typical sizes come from every dated village
    national = [read_classifier(paths["soate"], paths["adm3"], code)
                for code in all_oblasts["code"]]
    classifiers = [c for c in national if c.oblast_code in set(oblasts["code"])]
    refs = _adm3_refs(paths["adm3"])
    villages = pd.concat([c.villages() for c in classifiers], ignore_index=True)
    munis = {code: m for c in classifiers for code, m in c.municipalities.items()}
    _check_rayon_codes(classifiers, rayons, notes)

    pts, centres = _assign(pts, villages, munis, refs, rayons, notes)
    pts = _names(pts, notes)
    table = read_population_table(population_table) if population_table else None
    pts = _populations(pts, paths, source, national, munis, rayons, notes, table)
    _cross_check_aa(paths["aa_population"], pts, munis, classifiers, notes)
    ds = _dataset(pts, centres, munis, rayons, oblasts, paths, source, notes)
    reform = (reform_composition(table, ds, notes=None) if table is not None
              and table.post_reform else None)
    return BuildResult(ds, reform)


def _read_points(path: Path, country: gpd.GeoDataFrame, rayons: gpd.GeoDataFrame,
                 oblast: str | None, notes: list[dict]) -> gpd.GeoDataFrame:
    """The source's settlement points inside the chosen rayons, checked, in WGS84 and metres."""
    raw = read_table(path)
    raw_cols = {"id", "name", "name_ru", "name_ky", "population", "pop_source", "source"}
    missing = sorted(raw_cols - set(raw.columns))
    if missing:
        raise InputError([Problem("the settlements file lacks this column", str(path), None, col)
                          for col in missing])
    if len(raw) == 0:
        raise fail("the settlements file has no rows; expected one row per populated place",
                   path)
    dup = raw["id"].duplicated(keep=False)
    if dup.any():
        raise InputError([Problem(f"the id '{v}' appears more than once", str(path), int(r), "id")
                          for v, r in zip(raw.loc[dup, "id"], raw.loc[dup, "__source_row__"],
                                          strict=True)])
    _check_populations(raw, path)
    _check_swapped(raw, country, path)
    raw = _drop_marked_duplicates(raw, notes)
    _note_outside_country(raw, country, notes)
    joined = gpd.sjoin(raw, rayons[["code", "geometry"]], how="inner", predicate="within")
    pts = joined.rename(columns={"code": "rayon_code", "name": "name_en"}).drop(
        columns="index_right").reset_index(drop=True)
    if pts.empty:
        raise fail(f"no settlement lies in the oblast{' ' + oblast if oblast else 's'}; "
                   "expected settlement points within its rayon polygons", path)
    if oblast:
        near = raw[~raw["id"].isin(pts["id"])]
        close = near[near.to_crs(KYRGYZSTAN_LAEA).distance(
            shapely.union_all(rayons.to_crs(KYRGYZSTAN_LAEA).geometry.values)) < 1000]
        if len(close):
            notes.append({"kind": "warning", "subject": "settlements", "count": len(close),
                          "message": "settlements within 1 km outside the oblast's polygons "
                                     "are left out: " + ", ".join(close["name"].head(10))})
    for col in ("name_ru", "name_ky", "name_en"):
        pts[col] = pts[col].where(pts[col].notna() & (pts[col].astype(str).str.strip() != ""),
                                  None)
    xy = pts.to_crs(KYRGYZSTAN_LAEA)
    pts["x"], pts["y"] = xy.geometry.x.to_numpy(), xy.geometry.y.to_numpy()
    return pts


def _adm3_refs(path: Path) -> dict[str, tuple[float, float]]:
    """OCHA's ADM3 reference point of each ayil aimak (metric), by СОАТЕ code."""
    adm3 = pd.read_csv(path, dtype=str).fillna("").set_index("soate")
    ref_pts = gpd.GeoSeries(gpd.points_from_xy(pd.to_numeric(adm3["lon"], errors="coerce"),
                                               pd.to_numeric(adm3["lat"], errors="coerce")),
                            index=adm3.index, crs=WGS84).to_crs(KYRGYZSTAN_LAEA)
    return {code: (p.x, p.y) for code, p in ref_pts.items() if not p.is_empty
            and np.isfinite(p.x)}


def _assign(pts: gpd.GeoDataFrame, villages: pd.DataFrame, munis: dict, refs: dict,
            rayons: gpd.GeoDataFrame, notes: list[dict]
            ) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Each point to a classifier village by name (else the nearest centre), one centre per
    municipality, and every classifier village without a point placed approximately."""
    match = match_settlements(pts, villages, refs)
    pts = pts.merge(match, on="id", how="left")
    pts = _drop_duplicate_points(pts, notes)
    pts = _match_nearby(pts, villages, refs)
    centres = _choose_centres(pts, munis, refs, notes)
    pts, centres = _approximate_centres(pts, centres, munis, refs, rayons, notes)
    pts = _fallback_assign(pts, centres, munis)
    pts["is_municipal_centre"] = pts["id"].isin(set(centres["centre_id"]))
    pts = _approximate_villages(pts, villages, centres, munis, notes)
    kind = np.where(pts["urban"].fillna(False).astype(bool), "town", "village")
    city_main = pts["village_code"].notna() & (pts["village_code"] == pts["municipality_code"])
    is_city = pts["municipality_code"].map(lambda c: munis[c].kind == "city")
    pts["kind"] = np.where(city_main & is_city, "city", kind)
    pts["admin_rayon"] = pts["municipality_code"].map(lambda c: munis[c].rayon_code)
    return pts, centres


def _names(pts: gpd.GeoDataFrame, notes: list[dict]) -> gpd.GeoDataFrame:
    """A Russian and a Latin name on every settlement (the classifier's, else the source's)."""
    pts["name_ru"] = pts["name_ru"].fillna(pts["village_ru"])
    no_ru = pts["name_ru"].isna()
    pts.loc[no_ru, "name_ru"] = pts.loc[no_ru, "name_en"]
    if no_ru.any():
        notes.append({"kind": "note", "subject": "settlements", "count": int(no_ru.sum()),
                      "message": "settlements without a Russian name carry their Latin name "
                                 "in name_ru"})
    pts["name_en"] = pts["name_en"].fillna(pts["name_ru"].map(_translit))
    return pts


def _populations(pts: gpd.GeoDataFrame, paths: dict[str, Path], source: Path,
                 national: list[Classifier], munis: dict, rayons: gpd.GeoDataFrame,
                 notes: list[dict], table: PopulationTable | None = None) -> gpd.GeoDataFrame:
    """Dated figures where the sources have them; the rest estimated (``population.py``)."""
    dated = _dated_figures(paths, national, set(rayons["code"]), notes)
    typical = TypicalSizes.from_dated(dated[~dated["urban"]])
    pts = _attach_dated_populations(pts, dated)
    if table is not None:
        pts = attach_table(pts, table, notes)
    optional = _optional(source, notes)
    totals = _rayon_totals(paths["rayon_population"], rayons)
    if "rayon_census" in optional:
        totals = _newer_rayon_totals(optional["rayon_census"], totals, notes)
    municipal = (_municipal_totals(optional["aa_population_2009_2021"], munis, notes)
                 if "aa_population_2009_2021" in optional else None)
    oblast_of = dict(zip(rayons["code"], rayons["oblast_code"], strict=True))
    frame = pts.assign(is_centre=pts["is_municipal_centre"] & (pts["kind"] == "village"),
                       rayon_code=pts["admin_rayon"],
                       oblast_code=pts["admin_rayon"].map(oblast_of))
    frame, pop_notes = estimate_populations(frame, totals, municipal, typical)
    notes.extend(pop_notes)
    cols = ["population", "population_year", "population_source", "population_ref",
            "population_basis"]
    pts[cols] = frame[cols]
    return pts


def _dataset(pts: gpd.GeoDataFrame, centres: pd.DataFrame, munis: dict,
             rayons: gpd.GeoDataFrame, oblasts: gpd.GeoDataFrame, paths: dict[str, Path],
             source: Path, notes: list[dict]) -> Dataset:
    """The validated layers, notes and sources of the build."""
    rayon_en = dict(zip(rayons["code"], rayons["name_en"], strict=True))
    oblast_en = dict(zip(rayons["code"], rayons["oblast"], strict=True))
    settlements = gpd.GeoDataFrame({
        "id": pts["id"], "name_ru": pts["name_ru"], "name_ky": pts["name_ky"],
        "name_en": pts["name_en"], "kind": pts["kind"], "population": pts["population"],
        "population_year": pts["population_year"],
        "population_source": pts["population_source"],
        "population_ref": pts["population_ref"],
        "population_basis": pts["population_basis"],
        "municipality_code": pts["municipality_code"],
        "rayon": pts["admin_rayon"].map(rayon_en), "oblast": pts["admin_rayon"].map(oblast_en),
        "is_municipal_centre": pts["is_municipal_centre"],
        "assignment_rule": pts["assignment_rule"],
        "classifier_village": pts["village_ru"],
        "classifier_code": pts["village_code"],
        "location_source": pts["source"],
    }, geometry=pts.geometry.values, crs=WGS84)
    adm3 = _borrowed_names(pd.read_csv(paths["adm3"], dtype=str).fillna("").set_index("soate"),
                           munis, notes)
    municipalities = _municipalities(settlements, pts, centres, munis, rayons, adm3,
                                     KYRGYZSTAN_LAEA)
    facilities = read_health_facilities(paths["health"], oblasts)
    notes.extend(location_counts(settlements, notes))
    notes_df = pd.DataFrame(notes, columns=NOTE_COLUMNS)
    sources = pd.DataFrame([{"file": src.file, "description": src.description,
                             "url": src.homepage, "licence": src.licence}
                            for src in SOURCES if src.file in FILES.values()])
    optional = [k for k, name in OPTIONAL_FILES.items() if (source / name).exists()]
    sources = pd.concat([sources, pd.DataFrame([
        {"file": OPTIONAL_FILES[k], "description": OPTIONAL_DESCRIPTIONS[k],
         "url": "one cited Wikipedia article per row (source_url column)",
         "licence": "facts, cited"} for k in optional])], ignore_index=True)
    sources["retrieved_from"] = str(source)
    layers = {"settlements": settlements, "municipalities": municipalities,
              "rayons": rayons.drop(columns=["oblast_code"]), "oblasts": oblasts,
              "facilities": facilities}
    for name, frame_ in layers.items():  # what we write must pass what we demand of readers
        layers[name] = validate(frame_, LAYERS[name], file=f"built layer {name}")
        layers[name] = gpd.GeoDataFrame(layers[name], geometry="geometry", crs=WGS84)
    notes_df = pd.concat([notes_df, pd.DataFrame(population_shares(layers["settlements"]),
                                                 columns=NOTE_COLUMNS)], ignore_index=True)
    ds = Dataset(**layers, notes=notes_df, sources=sources)
    ds.check_links("built dataset")
    return ds


def _check_rayon_codes(classifiers: list[Classifier], rayons: gpd.GeoDataFrame,
                       notes: list[dict]) -> None:
    known = set(rayons["code"])
    for c in classifiers:
        for code, name in zip(c.rayons["code"], c.rayons["name_ru"], strict=True):
            if code not in known:
                notes.append({"kind": "warning", "subject": code, "count": 1,
                              "message": f"{name} is in the classifier but has no polygon; "
                                         "its municipalities get no settlements"})


#: Two points matched to one classifier village and closer than this are one place twice.
DUPLICATE_M = 3000.0


def _drop_duplicate_points(pts: pd.DataFrame, notes: list[dict]) -> pd.DataFrame:
    """Keep one point per place where the sources list a village twice (GeoNames often does).

    Points matched to the same classifier village within ``DUPLICATE_M`` of each other are one
    place; the point with a population figure (else the first) is kept and the others are
    reported by name, so nothing disappears silently.
    """
    matched = pts[pts["village_code"].notna()]
    drop: list[int] = []
    for _, group in matched.groupby("village_code"):
        if len(group) < 2:
            continue
        hint = pd.to_numeric(group["population"], errors="coerce").fillna(-1)
        keep = hint.idxmax()
        d = np.hypot(group["x"] - group.at[keep, "x"], group["y"] - group.at[keep, "y"])
        dups = group.index[(d < DUPLICATE_M) & (group.index != keep)]
        def label(i: int) -> str:
            names = [pts.at[i, c] for c in ("name_ru", "name_en")]
            return next((n for n in names if isinstance(n, str)), "") + f" ({pts.at[i, 'id']})"

        for i in dups:
            notes.append({"kind": "duplicate_point", "subject": str(pts.at[i, "id"]),
                          "count": 1, "oblast": pts.at[i, "admin1"] if "admin1" in pts else "",
                          "message": f"{label(i)} is the same place as {label(keep)}, "
                                     f"{d[i] / 1000:.1f} km away; one point is kept"})
        drop.extend(dups)
    return pts.drop(index=drop).reset_index(drop=True)


def _choose_centres(pts: pd.DataFrame, munis: dict, refs: dict, notes: list[dict]
                    ) -> pd.DataFrame:
    """One centre settlement per municipality, with the rule that chose it."""
    rows = []
    by_muni = {code: g for code, g in pts[pts["municipality_code"].notna()].groupby(
        "municipality_code")}
    taken: set[str] = set()
    for code, m in munis.items():
        group = by_muni.get(code)
        ref = refs.get(code)
        centre, rule = None, m.centre_rule
        if group is not None and m.centre_village:
            hits = group[group["village_ru"].map(name_key) == name_key(m.centre_village)]
            if len(hits):
                centre = _nearest(hits, ref)
        if centre is None and group is not None:
            centre = _nearest(group, ref)
            rule = ("nearest_to_adm3_point" if ref else "first_located_village")
        if centre is None and ref is not None:
            free = pts[pts["municipality_code"].isna() & (pts["rayon_code"] == m.rayon_code)
                       & ~pts["id"].isin(taken)]
            if len(free):
                centre, rule = _nearest(free, ref), "unmatched_settlement_nearest_adm3_point"
        if centre is None:
            continue  # placed approximately, or left out with a warning (_approximate_centres)
        taken.add(centre)
        rows.append({"municipality_code": code, "centre_id": centre, "centre_rule": rule})
    return pd.DataFrame(rows)


def _nearest(group: pd.DataFrame, ref: tuple[float, float] | None) -> str:
    if ref is None or len(group) == 1:
        return str(group["id"].iloc[0])
    d = np.hypot(group["x"].to_numpy() - ref[0], group["y"].to_numpy() - ref[1])
    return str(group["id"].iloc[int(np.argmin(d))])


def _fallback_assign(pts: pd.DataFrame, centres: pd.DataFrame, munis: dict) -> pd.DataFrame:
    """Settlements chosen as centres without a name match, and all unmatched ones."""
    pts = pts.copy()
    by_id = pts.set_index("id")
    for c in centres.itertuples():
        if c.centre_rule == "unmatched_settlement_nearest_adm3_point":
            i = pts.index[pts["id"] == c.centre_id][0]
            pts.loc[i, "municipality_code"] = c.municipality_code
            pts.loc[i, "assignment_rule"] = "centre_nearest_adm3_point"
    # a centre placed anywhere in its rayon says nothing of which settlements are near it
    centres = centres[centres["centre_rule"] != APPROXIMATE_IN_RAYON]
    cxy = by_id.loc[centres["centre_id"], ["x", "y"]].to_numpy()
    crayon = np.array([munis[c].rayon_code for c in centres["municipality_code"]])
    ccode = centres["municipality_code"].to_numpy()
    todo = pts.index[pts["municipality_code"].isna()]
    for i in todo:
        # the settlement's own rayon polygon decides; cities of oblast significance are their own
        same = crayon == pts.at[i, "rayon_code"]
        if not same.any():
            same = np.ones(len(ccode), dtype=bool)
        d = np.hypot(cxy[same, 0] - pts.at[i, "x"], cxy[same, 1] - pts.at[i, "y"])
        pts.loc[i, "municipality_code"] = ccode[same][int(np.argmin(d))]
        pts.loc[i, "assignment_rule"] = "nearest_centre"
    return pts


def _note_outside_country(raw: gpd.GeoDataFrame, country: gpd.GeoDataFrame,
                          notes: list[dict]) -> None:
    """Note every settlement outside all the rayons of the country (left out of the dataset):
    a point in the sea or abroad usually has its latitude and longitude swapped."""
    whole = shapely.union_all(country.geometry.values)
    outside = ~shapely.covers(whole, raw.geometry.values)
    if outside.any():
        listed = [f"{i} (row {r})" for i, r in zip(
            raw.loc[outside, "id"], raw.loc[outside, "__source_row__"], strict=True)]
        shown = ", ".join(listed[:100]) + (f" and {len(listed) - 100} more"
                                            if len(listed) > 100 else "")
        notes.append({"kind": "dropped", "subject": "settlements", "count": int(outside.sum()),
                      "message": "settlements outside every rayon of the country are left out "
                                 "(latitude and longitude swapped?): " + shown})


#: Census years of the National Statistical Committee (other years are its yearly estimates).
CENSUS_YEARS = (1989, 1999, 2009, 2022)


def _dated_figures(paths: dict[str, Path], national: list[Classifier], scope: set[str],
                   notes: list[dict]) -> pd.DataFrame:
    """Every dated figure of the country's population tables on its classifier village.

    Rows are matched by rayon and name (``aimak.names``; a town row prefers the town, a row
    naming its ayil aimak that ayil aimak's village); the newest year of each village is kept.
    Returns one row per village code: ``population, year, ref, url, centre, urban,
    oblast_code``. Rows of rayons in ``scope`` that match no single village are noted.
    """
    frames = [read_table(paths["village_population"]), read_table(paths["town_population"])]
    table = pd.concat(frames, ignore_index=True)
    for col in ("rayon", "village_ru", "population", "year", "source_url"):
        if col not in table.columns:
            raise fail(f"the population table lacks the column '{col}'",
                       paths["village_population"], column=col)
    table["population"] = pd.to_numeric(table["population"], errors="coerce")
    table["year"] = pd.to_numeric(table["year"], errors="coerce")
    table = table[table["population"].notna() & table["year"].notna()]
    rayon_of: dict[str, str] = {}
    villages = []
    for c in national:
        for r in c.rayons.to_dict("records"):
            rayon_of[r["name_ru"]] = rayon_of[r["name_ru"].removeprefix("г. ")] = r["code"]
        v = c.villages()
        v["centre"] = [m.kind == "ayil_aimak" and m.centre_rule == "classifier_010"
                       and code.endswith("010") and code[:-3] + "000" == m.code
                       for code, m in zip(v["village_code"],
                                          v["municipality_code"].map(c.municipalities),
                                          strict=True)]
        v["muni_ru"] = v["municipality_code"].map(lambda k, c=c: c.municipalities[k].name_ru)
        v["oblast_code"] = c.oblast_code
        villages.append(v)
    vil = pd.concat(villages, ignore_index=True)
    indexes = {r: NameIndex(g["village_ru"].tolist(), g.index.astype(str).tolist())
               for r, g in vil.groupby("rayon_code")}
    rows, unmatched = [], []
    for row in table.itertuples():
        rayon = rayon_of.get(str(row.rayon).strip())
        index = indexes.get(rayon)
        hits = [int(h) for h in index.match(row.village_ru)[0]] if index else []
        aa = str(getattr(row, "ayil_aimak", "") or "")
        if len(hits) > 1 and aa.startswith("(town"):
            hits = [h for h in hits if vil.at[h, "urban"]] or hits
        elif len(hits) > 1 and aa:
            hits = [h for h in hits if match_rule(vil.at[h, "muni_ru"], aa, units=True)] or hits
        if len(hits) != 1:
            if rayon in scope:
                unmatched.append(f"{row.village_ru} ({row.rayon})")
            continue
        v = vil.loc[hits[0]]
        census = int(row.year) in CENSUS_YEARS
        label = (f"National Statistical Committee, {int(row.year)} census" if census else
                 f"National Statistical Committee, estimate for {int(row.year)}")
        rows.append({"village_code": v["village_code"], "population": float(row.population),
                     "year": int(row.year), "ref": f"{label} (as cited by Wikipedia; copy "
                     f"read at {row.source_url})", "url": row.source_url,
                     "basis": "census" if census else "nsc_estimate",
                     "centre": bool(v["centre"]), "urban": bool(v["urban"]),
                     "oblast_code": v["oblast_code"]})
    if unmatched:
        notes.append({"kind": "unmatched_name", "subject": "population tables",
                      "count": len(set(unmatched)),
                      "message": "population rows with no single matching settlement: "
                                 + "; ".join(sorted(set(unmatched)))})
    out = pd.DataFrame(rows, columns=["village_code", "population", "year", "ref", "url",
                                      "basis", "centre", "urban", "oblast_code"])
    return out.sort_values("year", ascending=False).drop_duplicates("village_code")


def _attach_dated_populations(pts: pd.DataFrame, dated: pd.DataFrame) -> pd.DataFrame:
    """Dated figures on the settlement of their classifier village (the first point when a
    village has two); the source's undated figures become weights (``pop_hint``)."""
    pts = pts.copy()
    by_code = dated.set_index("village_code")
    first = pts["village_code"].notna() & ~pts["village_code"].duplicated()
    code = pts["village_code"].where(first)
    pts["pop_official"] = code.map(by_code["population"]).astype(float)
    pts["pop_year"] = code.map(by_code["year"]).astype("Int64")
    pts["pop_ref"] = code.map(by_code["ref"])
    pts["pop_basis"] = code.map(by_code["basis"])
    hint = pd.to_numeric(pts["population"], errors="coerce")
    pts["pop_hint"] = hint.where(hint > 0)
    pts["pop_hint_ref"] = ("undated figure " + hint.map(lambda v: f"{v:,.0f}") + " from "
                           + pts["pop_source"].fillna("")).where(hint > 0)
    return pts


def _check_populations(raw: pd.DataFrame, path: Path) -> None:
    """A population that is given must be a number >= 0 (text or a negative figure is an error,
    not a figure to ignore quietly)."""
    text = raw["population"].astype("string").str.strip().fillna("")
    value = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = (text != "") & ~((value >= 0) & np.isfinite(value.to_numpy(float)))
    if bad.any():
        raise InputError([Problem(f"'{v[:40]}' is not a population (a number >= 0, or empty "
                                  "when unknown)", str(path), int(r), "population")
                          for v, r in zip(text[bad], raw.loc[bad, "__source_row__"],
                                          strict=True)])


def _check_swapped(raw: gpd.GeoDataFrame, country: gpd.GeoDataFrame, path: Path) -> None:
    """A point outside the country whose swapped coordinates lie inside it has latitude and
    longitude exchanged: an error naming the row (a point abroad is only noted)."""
    whole = shapely.union_all(country.geometry.values)
    outside = ~shapely.covers(whole, raw.geometry.values)
    if not outside.any():
        return
    xy = shapely.get_coordinates(raw.geometry.values[outside])
    swapped = shapely.covers(whole, shapely.points(xy[:, ::-1]))
    if swapped.any():
        rows = raw.loc[outside, "__source_row__"].to_numpy()[swapped]
        raise InputError([Problem("latitude and longitude are swapped (the point lies in "
                                  "Kyrgyzstan with them exchanged); expected latitude 39-44, "
                                  "longitude 69-81", str(path), int(r), "lat") for r in rows])


#: How GeoNames marks a point its editors found to be a second copy of a place.
_MARKED_DUPLICATE = r"\(duplicate"


def _drop_marked_duplicates(raw: gpd.GeoDataFrame, notes: list[dict]) -> gpd.GeoDataFrame:
    """Leave out points GeoNames marks "(duplicate, please delete)", each with a note."""
    marked = raw["name"].astype("string").str.contains(_MARKED_DUPLICATE, case=False,
                                                       regex=True).fillna(False)
    oblast = raw["admin1"] if "admin1" in raw.columns else pd.Series("", index=raw.index)
    for sid, name, ob in zip(raw.loc[marked, "id"], raw.loc[marked, "name"], oblast[marked],
                             strict=True):
        notes.append({"kind": "duplicate_point", "subject": str(sid), "count": 1, "oblast": ob,
                      "message": f"{name} ({sid}) is marked as a duplicate in GeoNames and is "
                                 "left out"})
    return raw[~marked.to_numpy(bool)].reset_index(drop=True)


#: centre rule of a municipality placed inside its rayon for want of any point of it
APPROXIMATE_IN_RAYON = "approximate_in_rayon"

#: Unmatched points this close to an ayil aimak's reference point may be its classifier
#: villages listed in a neighbouring rayon polygon (borders of the polygons are approximate).
NEARBY_M = 15_000.0


def _match_nearby(pts: pd.DataFrame, villages: pd.DataFrame, refs: dict) -> pd.DataFrame:
    """Classifier villages without a point, located by name among the unmatched points of their
    oblast near their ayil aimak (same rayon or not); only a single match by spelling counts."""
    pts = pts.copy()
    matched = set(pts["village_code"].dropna())
    free = pts.index[pts["village_code"].isna()]
    if len(free) == 0:
        return pts
    names, ids = [], []
    for col in ("name_ru", "name_en", "name_ky"):
        names += pts.loc[free, col].tolist()
        ids += [str(i) for i in free]
    index = NameIndex(names, ids)
    fx, fy = pts.loc[free, "x"].to_numpy(), pts.loc[free, "y"].to_numpy()
    # only points of the village's own oblast, so that the result does not depend on the scope
    foblast = pts.loc[free, "rayon_code"].astype(str).str[:5].to_numpy()
    near_ids = {}
    for v in villages[~villages["village_code"].isin(matched)].itertuples():
        ref = refs.get(v.municipality_code)
        if ref is None:
            continue
        if v.municipality_code not in near_ids:
            close = ((np.hypot(fx - ref[0], fy - ref[1]) < NEARBY_M)
                     & (foblast == str(v.rayon_code)[:5]))
            near_ids[v.municipality_code] = {str(i) for i in free[close]}
        hits, rule = index.match(v.village_ru, among=near_ids[v.municipality_code])
        hits = [int(h) for h in hits if pd.isna(pts.at[int(h), "village_code"])]
        if len(hits) == 1 and rule in ("same", "spelling"):
            pts.loc[hits[0], ["municipality_code", "village_ru", "village_code", "urban",
                              "assignment_rule"]] = [v.municipality_code, v.village_ru,
                                                     v.village_code, bool(v.urban),
                                                     "classifier_name_nearby"]
    return pts


def _approximate_centres(pts: gpd.GeoDataFrame, centres: pd.DataFrame, munis: dict, refs: dict,
                         rayons: gpd.GeoDataFrame, notes: list[dict]
                         ) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """A municipality with no located settlement gets its centre village at OCHA's reference
    point, else (an ayil aimak newer than OCHA's list) at an interior point of its rayon, marked
    ``approximate``; the second kind takes no other settlement (``_fallback_assign``)."""
    have = set(centres["municipality_code"])
    inside = rayons.set_index("code").to_crs(KYRGYZSTAN_LAEA).geometry.representative_point()
    rows, extra = [], []
    placed_in: dict[str, int] = {}
    for code, m in sorted(munis.items()):
        if code in have:
            continue
        if m.rayon_code not in inside.index or not m.villages:
            notes.append({"kind": "warning", "subject": code, "count": 1,
                          "message": f"{m.name_ru}: the classifier lists no village of it, so "
                                     "it is left out of the dataset"})
            continue
        v = next((v for v in m.villages if v.name_ru == m.centre_village), m.villages[0])
        if code in refs:
            xy, rule = refs[code], "approximate_at_adm3_point"
            where = "at OCHA's reference point"
        else:  # two in one rayon (Alai) lie 1 km apart, so that each has a territory
            p = inside[m.rayon_code]
            k = placed_in[m.rayon_code] = placed_in.get(m.rayon_code, -1) + 1
            xy, rule = (p.x + 1000.0 * k, p.y), APPROXIMATE_IN_RAYON
            where = ("at an interior point of its rayon, as OCHA's list has no reference point "
                     "for it (it may lie tens of kilometres away)")
        rows.append(_approximate_row(v, code, m.rayon_code, xy))
        extra.append({"municipality_code": code, "centre_id": rows[-1]["id"],
                      "centre_rule": rule})
        notes.append({"kind": "note", "subject": code, "count": 1,
                      "message": f"{m.name_ru}: no settlement of it has coordinates; its centre "
                                 f"{v.name_ru} is placed {where} (approximate)"})
    if not rows:
        return pts, centres
    new = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=gpd.GeoSeries(gpd.points_from_xy(
        [r["x"] for r in rows], [r["y"] for r in rows]), crs=KYRGYZSTAN_LAEA).to_crs(WGS84).values,
        crs=WGS84)
    return (pd.concat([pts, new], ignore_index=True),
            pd.concat([centres, pd.DataFrame(extra)], ignore_index=True))


def _approximate_row(v, code: str, rayon: str, xy: tuple[float, float]) -> dict:
    return {"id": f"soate:{v.code}", "name_en": None, "name_ru": v.name_ru, "name_ky": None,
            "population": None, "pop_source": None, "source": "approximate",
            "rayon_code": rayon, "x": xy[0], "y": xy[1], "municipality_code": code,
            "village_ru": v.name_ru, "village_code": v.code, "urban": bool(v.urban),
            "assignment_rule": "classifier_village_approximate", "ambiguous": False}


def _approximate_villages(pts: gpd.GeoDataFrame, villages: pd.DataFrame, centres: pd.DataFrame,
                          munis: dict, notes: list[dict]) -> gpd.GeoDataFrame:
    """Every classifier village no point matched, at its municipality's centre, marked
    ``location_source = approximate`` (and listed as ``unlocated_village``)."""
    matched = set(pts["village_code"].dropna())
    todo = villages[~villages["village_code"].isin(matched)
                    & villages["municipality_code"].isin(set(centres["municipality_code"]))]
    by_id = pts.set_index("id")
    centre_of = dict(zip(centres["municipality_code"], centres["centre_id"], strict=True))
    rows = []
    for v in todo.itertuples():
        c = by_id.loc[centre_of[v.municipality_code]]
        village = type("V", (), {"code": v.village_code, "name_ru": v.village_ru,
                                 "urban": v.urban})
        rows.append({**_approximate_row(village, v.municipality_code, c["rayon_code"],
                                        (c["x"], c["y"])), "geometry": c.geometry})
        notes.append({"kind": "unlocated_village", "subject": v.village_code, "count": 1,
                      "message": f"{v.village_ru} ({munis[v.municipality_code].name_ru}) has no "
                                 "point; placed at its municipality's centre (approximate)"})
    for v in villages[~villages["municipality_code"].isin(set(centres["municipality_code"]))
                      ].itertuples():
        notes.append({"kind": "unlocated_village", "subject": v.village_code, "count": 1,
                      "message": f"{v.village_ru} ({munis[v.municipality_code].name_ru}): its "
                                 "municipality has no located settlement; left out"})
    if not rows:
        return pts.assign(is_municipal_centre=pts["is_municipal_centre"])
    new = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs=WGS84)
    new["is_municipal_centre"] = False
    return gpd.GeoDataFrame(pd.concat([pts, new], ignore_index=True), geometry="geometry",
                            crs=WGS84)


def location_counts(settlements: pd.DataFrame, notes: list[dict]) -> list[dict]:
    """Per oblast: classifier villages located by name, placed approximately, and points dropped
    as duplicates (a note each, shown by ``aimak data info``)."""
    dropped = pd.Series([n.get("oblast", "") for n in notes if n["kind"] == "duplicate_point"],
                        dtype=object).value_counts()
    out = []
    for oblast, s in settlements.groupby("oblast"):
        located = int((s["classifier_code"].notna()
                       & (s["location_source"] != "approximate")).sum())
        approx = int((s["location_source"] == "approximate").sum())
        gone = int(dropped.get(oblast, 0))
        out.append({"kind": "location_counts", "subject": oblast, "count": located + approx,
                    "message": f"{located} classifier villages located by name, {approx} placed "
                               f"approximately at their municipality's centre, {gone} duplicate "
                               "points dropped"})
    return out


def _rayon_totals(path: Path, rayons: gpd.GeoDataFrame) -> pd.DataFrame:
    table = read_table(path)
    for col in ("rayon_en", "population_total", "population_urban", "population_rural"):
        if col not in table.columns:
            raise fail(f"the rayon population table lacks the column '{col}'", path, column=col)
    problems = []
    for col in ("population_total", "population_urban", "population_rural"):
        values = pd.to_numeric(table[col], errors="coerce")
        for r, v in zip(table["__source_row__"][values.isna() | (values < 0)],
                        table[col][values.isna() | (values < 0)], strict=True):
            problems.append(Problem(f"'{v}' is not a population (a number >= 0)", str(path),
                                    int(r), col))
        table[col] = values
    if problems:
        raise InputError(problems)
    by_name = dict(zip(rayons["name_en"], rayons["code"], strict=True))
    table["code"] = table["rayon_en"].map(by_name)
    table = table[table["code"].notna()]
    return pd.DataFrame({"total": table["population_total"].to_numpy(),
                         "urban": table["population_urban"].to_numpy(),
                         "rural": table["population_rural"].to_numpy()},
                        index=table["code"].to_numpy())


def _optional(source: Path, notes: list[dict]) -> dict[str, Path]:
    """The optional source files present; a note for each one absent."""
    found = {}
    for key, name in OPTIONAL_FILES.items():
        if (source / name).exists():
            found[key] = source / name
        else:
            notes.append({"kind": "note", "subject": "sources", "count": 0,
                          "message": f"{name} is absent (it has no public download); its "
                                     "figures are not used"})
    return found


def _newer_rayon_totals(path: Path, totals: pd.DataFrame, notes: list[dict]) -> pd.DataFrame:
    """Replace a rayon's 2018 total by its newest census or NSC estimate after 2018.

    The 2018 urban figure is kept (towns have their own figures); the rural part becomes the new
    total less that urban figure. ``year`` and ``ref`` record which total each rayon uses.
    """
    table = read_table(path)
    for col in ("soate_code", "year", "population", "kind", "source_url"):
        if col not in table.columns:
            raise fail(f"the rayon census table lacks the column '{col}'", path, column=col)
    table["year"] = pd.to_numeric(table["year"], errors="coerce")
    table["population"] = pd.to_numeric(table["population"], errors="coerce")
    table = table[(table["year"] > 2018) & (table["population"] > 0)]
    # the newest figure; at equal years a census before an estimate
    table = table.assign(census=table["kind"].astype(str).str.startswith("census"))
    table = table.sort_values(["year", "census"]).drop_duplicates("soate_code", keep="last")
    out = totals.assign(year=2018, ref=TOTALS_REF)
    for row in table.itertuples():
        code = str(row.soate_code).strip()
        if code not in out.index:
            continue
        urban = float(out.at[code, "urban"])
        label = f"NSC {int(row.year)} census" if row.census else f"{int(row.year)} {row.kind}"
        ref = (f"{label} rayon total {row.population:,.0f} cited by "
               f"{row.source_url}, less the 2018 urban population {urban:,.0f}")
        notes.append({"kind": "note", "subject": code, "count": round(row.population),
                      "message": f"rayon total {row.population:,.0f} ({label}) "
                                 f"replaces the 2018 total {out.at[code, 'total']:,.0f}"})
        out.loc[code, ["total", "rural", "year", "ref"]] = [
            float(row.population), max(float(row.population) - urban, 0.0), int(row.year), ref]
    return out


#: Which column of ``ayil_aimak_population_2009_2021.csv`` constrains the estimates, and its
#: fallback. The 2021 NSC estimate is the newest figure, nearest the 2018-2022 rayon totals the
#: rest of the dataset uses; it is approximate (the column does not add up to the published
#: rayon totals), which the reference says. The 2009 census is used where 2021 is missing.
AA_COLUMNS = (("pop_2021_nsc_estimate", 2021, "NSC 2021 estimate (approximate: this column "
               "does not sum to the published rayon totals)"),
              ("pop_2009_census", 2009, "2009 census"))


def _municipal_totals(path: Path, munis: dict, notes: list[dict]) -> pd.DataFrame:
    """Ayil aimak (and town) totals by СОАТЕ code, with year and reference."""
    table = read_table(path)
    needed = ("soate_code_matched", "ayil_aimak_dewiki", "source_url",
              *(c for c, _, _ in AA_COLUMNS))
    for col in needed:
        if col not in table.columns:
            raise fail(f"the ayil aimak population table lacks the column '{col}'", path,
                       column=col)
    rows, unmatched = [], []
    for row in table.to_dict("records"):
        code = str(row["soate_code_matched"]).strip()
        if code.endswith("010") and code[:-3] + "000" in munis:  # a town's own settlement code
            code = code[:-3] + "000"
        if code not in munis:
            unmatched.append(f"{row['ayil_aimak_dewiki']} ({code})")
            continue
        for col, year, label in AA_COLUMNS:
            value = pd.to_numeric(row[col], errors="coerce")
            if pd.notna(value) and value >= 0:
                census = pd.to_numeric(row["pop_2009_census"], errors="coerce")
                extra = (f"; 2009 census {census:,.0f}" if year != 2009 and pd.notna(census)
                         else "")
                rows.append({"code": code, "total": float(value), "year": year,
                             "ref": f"{label} cited by {row['source_url']}{extra}"})
                break
    if unmatched:
        notes.append({"kind": "unmatched_name", "subject": "ayil aimak populations",
                      "count": len(unmatched),
                      "message": "ayil aimak totals whose СОАТЕ code is no municipality of the "
                                 "dataset: " + "; ".join(unmatched)})
    return pd.DataFrame(rows, columns=["code", "total", "year", "ref"]).drop_duplicates(
        "code").set_index("code")


def population_shares(settlements: pd.DataFrame) -> list[dict]:
    """One note per oblast: the share of its population that is observed or official."""
    out = []
    for oblast, s in settlements.groupby("oblast"):
        total = float(s["population"].sum())
        real = float(s.loc[s["population_source"].isin(["observed", "official"]),
                           "population"].sum())
        within = float(s.loc[s["population_ref"].astype(str).str.startswith(
            CONSTRAINED_PREFIX), "population"].sum())
        share = real / total if total > 0 else 0.0
        extra = (f", and {100 * within / total:.1f} % is estimated within an official ayil "
                 "aimak total" if within > 0 else "")
        out.append({"kind": "population_share", "subject": oblast, "count": round(real),
                    "message": f"{100 * share:.1f} % of the population ({real:,.0f} of "
                               f"{total:,.0f}) has an observed or official figure{extra}; "
                               "the rest is estimated (each settlement's population_ref "
                               "says from what)"})
    return out


def _cross_check_aa(path: Path, pts: pd.DataFrame, munis: dict,
                    classifiers: list[Classifier], notes: list[dict]) -> None:
    """Compare the few published ayil aimak totals with the dataset's sums (a note, no change)."""
    table = read_table(path)
    if not {"ayil_aimak", "population", "year"} <= set(table.columns):
        return
    sums = pts.groupby("municipality_code")["population"].sum()
    by_key = {name_key(m.name_ru.split()[0]): code for code, m in munis.items()
              if m.kind == "ayil_aimak"}
    for row in table.sort_values("year").drop_duplicates("ayil_aimak", keep="last").itertuples():
        code = by_key.get(name_key(str(row.ayil_aimak).split()[0]))
        if code is None or code not in sums.index:
            continue
        notes.append({"kind": "cross_check", "subject": code, "count": int(sums[code]),
                      "message": f"{row.ayil_aimak}: dataset sum {sums[code]:,.0f} vs "
                                 f"published {float(row.population):,.0f} ({row.year})"})


def _borrowed_names(adm3: pd.DataFrame, munis: dict, notes: list[dict]) -> pd.DataFrame:
    """The admin-3 table with names borrowed from another rayon replaced by the classifier's.

    A row whose English name is that of a rayon other than its own (the table names Nooken
    rayon's «Ноокенский айылный аймак» «Ноокат», after Nookat rayon of Osh oblast), and whose
    Kyrgyz name the classifier's name does not match in any spelling, is a mix-up of the
    source: the name is taken from the classifier (its Russian adjective stem, «Ноокен», with a
    Latin transliteration), and a note says so. Ayil aimaks that share a rayon's name and agree
    with the classifier (Ak-Suu, Kara-Suu) keep theirs."""
    rayons = {name_key(r): r for r in adm3["rayon"] if r}
    out = adm3.copy()
    for code, row in adm3.iterrows():
        m = munis.get(code)
        other = rayons.get(name_key(row["name_en"]))
        if (m is None or m.kind != "ayil_aimak" or other is None
                or name_key(other) == name_key(row["rayon"])
                or match_rule(row["name_ky"], m.name_ru, units=True) is not None):
            continue
        stem = re.sub(r"(ский|цкий)$", "", m.name_ru.split(" айыл")[0].strip())
        out.loc[code, ["name_ky", "name_en"]] = [stem, _translit(stem)]
        notes.append({"kind": "warning", "subject": code, "count": 1,
                      "message": f"{row['name_ky']} / {row['name_en']}: the admin-3 table gives "
                                 f"it the name of {other} rayon, while the classifier says "
                                 f"{m.name_ru} ({row['rayon']} rayon); named {stem} after the "
                                 "classifier"})
    return out


def _municipalities(settlements: gpd.GeoDataFrame, pts: pd.DataFrame, centres: pd.DataFrame,
                    munis: dict, rayons: gpd.GeoDataFrame, adm3: pd.DataFrame,
                    metric) -> gpd.GeoDataFrame:
    s_metric = settlements.to_crs(metric).assign(rayon_code=pts["rayon_code"].to_numpy())
    r_metric = rayons.to_crs(metric)
    terr = voronoi_territories(s_metric, "municipality_code", r_metric, "code", "rayon_code")
    terr = terr.set_index("municipality_code").to_crs(WGS84)
    # reprojection can fold a vertex over a near neighbour: repair, keeping the areas whole
    terr["geometry"] = shapely.make_valid(terr.geometry.values, method="structure",
                                          keep_collapsed=False)
    rayon_en = dict(zip(rayons["code"], rayons["name_en"], strict=True))
    oblast_en = dict(zip(rayons["code"], rayons["oblast"], strict=True))
    rayon_ky = dict(zip(rayons["code"], rayons["name_ky"], strict=True))  # Bishkek, Osh
    pop = settlements.groupby("municipality_code")["population"].sum()
    rows = []
    for c in centres.itertuples():
        m = munis[c.municipality_code]
        info = adm3.loc[m.code] if m.code in adm3.index else None
        name_en = (str(info["name_en"]).replace(" (city)", "") if info is not None
                   else _translit(m.name_ru.split(" айылный")[0]))
        rows.append({
            "code": m.code, "name_ru": m.name_ru,
            "name_ky": ((info["name_ky"] or None) if info is not None
                        else rayon_ky.get(m.code) or None),
            "name_en": name_en, "kind": m.kind, "rayon": rayon_en.get(m.rayon_code),
            "oblast": oblast_en.get(m.rayon_code), "centre_id": c.centre_id,
            "centre_rule": c.centre_rule, "population": float(pop.get(m.code, 0.0)),
            "territory_source": "approximate",
            "territory_method": "Voronoi cells of its settlements clipped to the rayon polygon",
            "geometry": terr.geometry.get(m.code),
        })
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)
