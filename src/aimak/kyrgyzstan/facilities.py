"""Health facilities from OpenStreetMap (HOT export) mapped to aimak's facility types."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from aimak.crs import WGS84
from aimak.io import read_table

SOURCE = "OpenStreetMap contributors (HOT export), ODbL"

#: Name patterns that identify a facility's type better than its tags (Russian/Kyrgyz usage).
_FELDSHER = re.compile(r"ФАП|фельдшер", re.IGNORECASE)  # also "ФАП№3", "ФАПКызыл-Туу"
_CLINIC = re.compile(r"\bГСВ\b|\bЦСМ|\bЦОВП\b|поликлиник|амбулатор", re.IGNORECASE)
_HOSPITAL = re.compile(r"больниц|\bТБ\b|\bЦРБ\b|\bООБ\b|оорукана|госпитал", re.IGNORECASE)


def facility_type(amenity: str | None, healthcare: str | None, name: str | None) -> str:
    """Map OSM ``amenity``/``healthcare`` tags and the name to an aimak facility type."""
    name = name if isinstance(name, str) else ""
    tags = {t for t in (amenity, healthcare) if isinstance(t, str)}
    if _FELDSHER.search(name):
        return "feldsher_post"
    if tags & {"hospital", "birthing_centre"} or _HOSPITAL.search(name):
        return "hospital"
    if tags & {"pharmacy"}:
        return "pharmacy"
    if tags & {"dentist"}:
        return "dentist"
    if tags & {"laboratory"}:
        return "laboratory"
    if tags & {"clinic", "doctors", "doctor", "centre"} or _CLINIC.search(name):
        return "clinic"
    return "other_health"


def read_health_facilities(path: Path, oblasts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Facilities of the HOT OSM export inside the given oblasts, as facility-layer rows."""
    raw = read_table(path)
    for col in ("amenity", "healthcare", "name", "osm_id", "osm_type"):
        if col not in raw.columns:
            raw[col] = None
    raw = raw.copy()
    raw["geometry"] = shapely.point_on_surface(raw.geometry.values)
    inside = gpd.sjoin(raw, oblasts[["geometry"]], how="inner", predicate="within")
    inside = inside[~inside.index.duplicated()]
    names = inside["name"].where(inside["name"].notna(), inside.get("name:ru"))
    types = [facility_type(a, h, n) for a, h, n in
             zip(inside["amenity"], inside["healthcare"], names, strict=True)]
    prefix = inside["osm_type"].fillna("n").astype(str).str[0]
    ids = "osm:" + prefix + pd.to_numeric(inside["osm_id"]).astype("Int64").astype(str)
    fallback = "row:" + inside["__source_row__"].astype(str)
    ids = ids.where(inside["osm_id"].notna(), fallback)
    return gpd.GeoDataFrame({
        "id": ids.to_numpy(), "type": types,
        "name": names.where(names.notna(), None).to_numpy(),
        "source": np.full(len(inside), SOURCE),
        "osm_amenity": inside["amenity"].to_numpy(),
        "osm_healthcare": inside["healthcare"].to_numpy(),
    }, geometry=inside.geometry.values, crs=WGS84)
