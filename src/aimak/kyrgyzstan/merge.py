"""Merging the downloaded place lists into ``settlements.csv``.

Who's On First localities, GeoNames (coordinates, feature codes, Russian and Kyrgyz names,
cities500 populations) and SimpleMaps cities are joined into one row per place; the oblast and
rayon come from the OCHA rayon polygon holding the point, and the ayil aimak from the СОАТЕ
village names of the rayon (else the nearest ayil-aimak centre, marked as a guess).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from aimak.crs import KYRGYZSTAN_LAEA, WGS84
from aimak.kyrgyzstan.parse import first_value
from aimak.kyrgyzstan.sources import BY_FILE

log = logging.getLogger(__name__)

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
        "name_ru": [first_value(p.get("name:rus_x_preferred")) for p in props],
        "name_ky": [first_value(p.get("name:kir_x_preferred")) for p in props],
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
