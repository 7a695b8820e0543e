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
from aimak.kyrgyzstan.population import (
    CONSTRAINED_PREFIX,
    TOTALS_REF,
    estimate_populations,
)
from aimak.kyrgyzstan.sources import SOURCES
from aimak.names import name_key
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


def build_kyrgyzstan(source: str | Path, oblast: str | None = None) -> BuildResult:
    """Build the dataset for one oblast (or every oblast OCHA's polygons cover)."""
    source = Path(source)
    paths = _require(source)
    notes: list[dict] = []
    country, oblasts = _read_rayons(paths["rayons"], paths["regions"], notes)
    rayons = country
    if oblast:
        rayons, oblasts = _choose_oblast(country, oblasts, oblast, paths["rayons"])
    metric = KYRGYZSTAN_LAEA

    # --- settlements inside the chosen rayons -------------------------------------------
    raw = read_table(paths["settlements"])
    raw_cols = {"id", "name", "name_ru", "name_ky", "population", "pop_source", "source"}
    missing = sorted(raw_cols - set(raw.columns))
    if missing:
        raise InputError([Problem("the settlements file lacks this column",
                                  str(paths["settlements"]), None, col) for col in missing])
    dup = raw["id"].duplicated(keep=False)
    if dup.any():
        raise InputError([Problem(f"the id '{v}' appears more than once", str(paths[
            "settlements"]), int(r), "id") for v, r in zip(raw.loc[dup, "id"],
                                                           raw.loc[dup, "__source_row__"],
                                                           strict=True)])
    _note_outside_country(raw, country, notes)
    joined = gpd.sjoin(raw, rayons[["code", "geometry"]], how="inner", predicate="within")
    pts = joined.rename(columns={"code": "rayon_code", "name": "name_en"}).drop(
        columns="index_right").reset_index(drop=True)
    if pts.empty:
        raise fail(f"no settlement lies in the oblast{' ' + oblast if oblast else 's'}; "
                   "expected settlement points within its rayon polygons",
                   paths["settlements"])
    if oblast:
        near = raw[~raw["id"].isin(pts["id"])]
        close = near[near.to_crs(metric).distance(
            shapely.union_all(rayons.to_crs(metric).geometry.values)) < 1000]
        if len(close):
            notes.append({"kind": "warning", "subject": "settlements", "count": len(close),
                          "message": "settlements within 1 km outside the oblast's polygons "
                                     "are left out: " + ", ".join(close["name"].head(10))})
    for col in ("name_ru", "name_ky", "name_en"):
        pts[col] = pts[col].where(pts[col].notna() & (pts[col].astype(str).str.strip() != ""),
                                  None)
    xy = pts.to_crs(metric)
    pts["x"], pts["y"] = xy.geometry.x.to_numpy(), xy.geometry.y.to_numpy()

    # --- classifier municipalities of every oblast covered --------------------------------
    classifiers = [read_classifier(paths["soate"], paths["adm3"], code)
                   for code in oblasts["code"]]
    adm3 = pd.read_csv(paths["adm3"], dtype=str).fillna("")
    adm3 = adm3.set_index("soate")
    ref_pts = gpd.GeoSeries(gpd.points_from_xy(pd.to_numeric(adm3["lon"]),
                                               pd.to_numeric(adm3["lat"])),
                            index=adm3.index, crs=WGS84).to_crs(metric)
    refs = {code: (p.x, p.y) for code, p in ref_pts.items()}
    villages = pd.concat([c.villages() for c in classifiers], ignore_index=True)
    munis = {code: m for c in classifiers for code, m in c.municipalities.items()}
    _check_rayon_codes(classifiers, rayons, notes)

    # --- assignment by name, then centres, then the nearest-centre fallback ---------------
    match = match_settlements(pts, villages, refs)
    pts = pts.merge(match, on="id", how="left")
    pts = _drop_duplicate_points(pts, notes)
    centres = _choose_centres(pts, munis, refs, notes)
    pts = _fallback_assign(pts, centres, munis)
    pts["is_municipal_centre"] = pts["id"].isin(set(centres["centre_id"]))
    kind = np.where(pts["urban"].fillna(False).astype(bool), "town", "village")
    city_main = pts["village_code"].notna() & (pts["village_code"] == pts["municipality_code"])
    is_city = pts["municipality_code"].map(lambda c: munis[c].kind == "city")
    kind = np.where(city_main & is_city, "city", kind)
    pts["kind"] = kind
    matched_codes = set(pts["village_code"].dropna())
    unlocated = villages[~villages["village_code"].isin(matched_codes)]
    for v in unlocated.itertuples():
        notes.append({"kind": "unlocated_village", "subject": v.village_code, "count": 1,
                      "message": f"{v.village_ru} ({munis[v.municipality_code].name_ru})"})

    # --- names ------------------------------------------------------------------------------
    pts["name_ru"] = pts["name_ru"].fillna(pts["village_ru"])
    no_ru = pts["name_ru"].isna()
    pts.loc[no_ru, "name_ru"] = pts.loc[no_ru, "name_en"]
    if no_ru.any():
        notes.append({"kind": "note", "subject": "settlements", "count": int(no_ru.sum()),
                      "message": "settlements without a Russian name carry their Latin name "
                                 "in name_ru"})
    pts["name_en"] = pts["name_en"].fillna(pts["name_ru"].map(_translit))

    # --- populations ------------------------------------------------------------------------
    pts["admin_rayon"] = pts["municipality_code"].map(lambda c: munis[c].rayon_code)
    pts = _attach_dated_populations(pts, paths, classifiers, munis, notes)
    optional = _optional(source, notes)
    totals = _rayon_totals(paths["rayon_population"], rayons)
    if "rayon_census" in optional:
        totals = _newer_rayon_totals(optional["rayon_census"], totals, notes)
    municipal = (_municipal_totals(optional["aa_population_2009_2021"], munis, notes)
                 if "aa_population_2009_2021" in optional else None)
    frame = pts.assign(is_centre=pts["is_municipal_centre"] & (pts["kind"] == "village"),
                       rayon_code=pts["admin_rayon"])
    frame, pop_notes = estimate_populations(frame, totals, municipal)
    notes.extend(pop_notes)
    pts[["population", "population_year", "population_source", "population_ref"]] = frame[
        ["population", "population_year", "population_source", "population_ref"]]
    _cross_check_aa(paths["aa_population"], pts, munis, classifiers, notes)

    # --- layers -----------------------------------------------------------------------------
    rayon_en = dict(zip(rayons["code"], rayons["name_en"], strict=True))
    oblast_en = dict(zip(rayons["code"], rayons["oblast"], strict=True))
    settlements = gpd.GeoDataFrame({
        "id": pts["id"], "name_ru": pts["name_ru"], "name_ky": pts["name_ky"],
        "name_en": pts["name_en"], "kind": pts["kind"], "population": pts["population"],
        "population_year": pts["population_year"],
        "population_source": pts["population_source"],
        "population_ref": pts["population_ref"],
        "municipality_code": pts["municipality_code"],
        "rayon": pts["admin_rayon"].map(rayon_en), "oblast": pts["admin_rayon"].map(oblast_en),
        "is_municipal_centre": pts["is_municipal_centre"],
        "assignment_rule": pts["assignment_rule"],
        "classifier_village": pts["village_ru"],
        "location_source": pts["source"],
    }, geometry=pts.geometry.values, crs=WGS84)
    municipalities = _municipalities(settlements, pts, centres, munis, rayons, adm3, metric)
    facilities = read_health_facilities(paths["health"], oblasts)
    rayons_out = rayons.drop(columns=["oblast_code"])
    notes_df = pd.DataFrame(notes, columns=NOTE_COLUMNS)
    sources = pd.DataFrame([{"file": src.file, "description": src.description,
                             "url": src.homepage, "licence": src.licence}
                            for src in SOURCES if src.file in FILES.values()])
    sources = pd.concat([sources, pd.DataFrame([
        {"file": OPTIONAL_FILES[k], "description": OPTIONAL_DESCRIPTIONS[k],
         "url": "one cited Wikipedia article per row (source_url column)",
         "licence": "facts, cited"} for k in optional])], ignore_index=True)
    sources["retrieved_from"] = str(source)
    layers = {"settlements": settlements, "municipalities": municipalities,
              "rayons": rayons_out, "oblasts": oblasts, "facilities": facilities}
    for name, frame_ in layers.items():  # what we write must pass what we demand of readers
        layers[name] = validate(frame_, LAYERS[name], file=f"built layer {name}")
        layers[name] = gpd.GeoDataFrame(layers[name], geometry="geometry", crs=WGS84)
    notes_df = pd.concat([notes_df, pd.DataFrame(population_shares(layers["settlements"]),
                                                 columns=NOTE_COLUMNS)], ignore_index=True)
    ds = Dataset(**layers, notes=notes_df, sources=sources)
    ds.check_links("built dataset")
    return BuildResult(ds)


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
                          "count": 1,
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
            notes.append({"kind": "warning", "subject": code, "count": 1,
                          "message": f"{m.name_ru}: no settlement of it has coordinates, so it "
                                     "is left out of the dataset"})
            continue
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


def _attach_dated_populations(pts: pd.DataFrame, paths: dict[str, Path],
                              classifiers: list[Classifier], munis: dict,
                              notes: list[dict]) -> pd.DataFrame:
    """Dated (NSC, cited) figures from the Wikipedia tables; undated ones become weights."""
    pts = pts.copy()
    pts["pop_official"], pts["pop_year"], pts["pop_ref"] = np.nan, pd.NA, None
    rayon_by_ru = {r["name_ru"]: r["code"] for c in classifiers
                   for r in c.rayons.to_dict("records")}
    rayon_by_ru.update({k.removeprefix("г. "): v for k, v in rayon_by_ru.items()})
    frames = [read_table(paths["village_population"]), read_table(paths["town_population"])]
    table = pd.concat(frames, ignore_index=True)
    for col in ("rayon", "village_ru", "population", "year", "source_url"):
        if col not in table.columns:
            raise fail(f"the population table lacks the column '{col}'",
                       paths["village_population"], column=col)
    table["population"] = pd.to_numeric(table["population"], errors="coerce")
    table["year"] = pd.to_numeric(table["year"], errors="coerce")
    table = table.sort_values("year", ascending=False)
    keys = pts["name_ru"].map(name_key)
    unmatched = []
    seen: set[str] = set()
    for row in table.itertuples():
        rayon = rayon_by_ru.get(str(row.rayon).strip())
        if rayon is None:
            continue  # another oblast
        cand = pts.index[(pts["admin_rayon"] == rayon) & (keys == name_key(row.village_ru))]
        if len(cand) > 1 and isinstance(row.ayil_aimak, str):
            aa = name_key(row.ayil_aimak.split()[0])
            narrowed = [i for i in cand if name_key(munis[pts.at[i, "municipality_code"]]
                                                     .name_ru.split()[0]) == aa]
            cand = pd.Index(narrowed) if narrowed else cand
        if len(cand) != 1:
            unmatched.append(f"{row.village_ru} ({row.rayon})")
            continue
        i = cand[0]
        sid = pts.at[i, "id"]
        if sid in seen or np.isnan(row.population):
            continue  # a later year was already taken
        seen.add(sid)
        pts.loc[i, "pop_official"] = row.population
        pts.loc[i, "pop_year"] = int(row.year)
        pts.loc[i, "pop_ref"] = f"NSC figure cited by {row.source_url}"
    if unmatched:
        notes.append({"kind": "unmatched_name", "subject": "population tables",
                      "count": len(set(unmatched)),
                      "message": "population rows with no single matching settlement: "
                                 + "; ".join(sorted(set(unmatched)))})
    hint = pd.to_numeric(pts["population"], errors="coerce")
    text = pts["population"].astype("string").str.strip().fillna("")
    ignored = (text != "") & ~(hint >= 0)  # text, negative or non-finite figures
    ignored |= np.isinf(hint.to_numpy(float))
    if ignored.any():
        shown = ", ".join(f"{i} ('{v[:20]}')" for i, v in zip(pts.loc[ignored, "id"],
                                                             text[ignored], strict=True))
        notes.append({"kind": "ignored_value", "subject": "settlements",
                      "count": int(ignored.sum()),
                      "message": "raw population figures that are not a number >= 0 are "
                                 f"ignored (the population is estimated instead): {shown}"})
    hint = hint.where(~ignored)
    pts["pop_hint"] = hint.where(hint > 0)
    pts["pop_hint_ref"] = ("undated figure " + hint.map(lambda v: f"{v:,.0f}") + " from "
                           + pts["pop_source"].fillna("")).where(hint > 0)
    return pts


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


def _municipalities(settlements: gpd.GeoDataFrame, pts: pd.DataFrame, centres: pd.DataFrame,
                    munis: dict, rayons: gpd.GeoDataFrame, adm3: pd.DataFrame,
                    metric) -> gpd.GeoDataFrame:
    s_metric = settlements.to_crs(metric).assign(rayon_code=pts["rayon_code"].to_numpy())
    r_metric = rayons.to_crs(metric)
    terr = voronoi_territories(s_metric, "municipality_code", r_metric, "code", "rayon_code")
    terr = terr.set_index("municipality_code").to_crs(WGS84)
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
