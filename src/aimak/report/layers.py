"""The spatial layers every report output shares, built once from ``ReportInputs``.

All layers come back in WGS84 (the storage CRS); geometry work is done in the dataset's metric
CRS. Choices, documented in docs/report.md:

* **Zone polygons** are the Voronoi cells of the settlements (each settlement's nearest-point
  area), clipped to the union of the municipal territories and dissolved by zone label. Functional
  zones are defined on settlements and may cut across municipal borders, so dissolving whole
  municipalities would misplace them; the cells are an approximation of where each zone lies.
* **Plan units** are the dissolve of the current municipal territories by new unit, since plans
  merge whole municipalities.
* **Flows** are straight lines from origin to destination settlement; flows within a settlement
  are left out of the line layer (they have no length) but kept in the totals.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from aimak.crs import WGS84
from aimak.dataset import municipal_population_provenance
from aimak.report.model import ReportInputs, layer_key


def name_column(lang: str) -> str:
    """Name column to show for ``lang`` (Kyrgyz names may be missing; see ``display_names``)."""
    return f"name_{lang}"


def display_names(frame: pd.DataFrame, lang: str) -> pd.Series:
    """Names in ``lang`` falling back to Russian, then English, then the id."""
    out = pd.Series(pd.NA, index=frame.index, dtype="string")
    for col in (name_column(lang), "name_ru", "name_en", "id", "code"):
        if col in frame.columns:
            values = frame[col].astype("string").str.strip().replace("", pd.NA)
            out = out.fillna(values)
    return out.fillna("")


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn list/dict/set cells into text so that every writer can store them."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object and col != "geometry":
            values = out[col]
            nested = values.map(lambda v: isinstance(v, list | tuple | set | dict))
            if nested.any():
                out[col] = values.map(_as_text)
    return out


def _as_text(value: object) -> object:
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return "; ".join(map(str, value))
    return value


def polygonal(geoms: np.ndarray) -> np.ndarray:
    """Only the polygon parts of each geometry (clipping can leave points and lines), as
    MultiPolygons; a geometry without any polygon part becomes an empty MultiPolygon."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    keep = shapely.get_type_id(parts) == shapely.GeometryType.POLYGON
    parts, index = parts[keep], index[keep]
    out = np.array([shapely.MultiPolygon()] * len(geoms), dtype=object)
    present = np.unique(index)
    if len(present):
        out[present] = shapely.multipolygons(parts, indices=np.searchsorted(present, index))
    return out


def zone_polygons(inputs: ReportInputs) -> gpd.GeoDataFrame | None:
    """Zones as polygons: settlement Voronoi cells clipped to the territory, dissolved by zone."""
    zones = inputs.zone_table()
    if zones is None or zones.empty:
        return None
    ds = inputs.dataset
    pts = ds.to_metric("settlements")
    territory = shapely.union_all(ds.to_metric("municipalities").geometry.to_numpy())
    xy = shapely.get_coordinates(pts.geometry.to_numpy())
    unique, inverse = np.unique(np.round(xy, 1), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    if len(unique) >= 2:
        cells = shapely.voronoi_polygons(shapely.multipoints(unique), extend_to=territory,
                                         ordered=True)
        parts = shapely.get_parts(cells)
    else:
        parts = np.array([territory])
    cell = polygonal(shapely.intersection(parts[inverse], territory))
    label = pd.Series(pts["id"].to_numpy()).map(zones.set_index("settlement")["zone"])
    population = pts["population"].to_numpy(float)
    frame = gpd.GeoDataFrame({"zone": label.to_numpy(), "population": population,
                              "n_settlements": 1}, geometry=cell, crs=ds.metric_crs)
    frame = frame[frame["zone"].notna()]
    out = frame.dissolve(by="zone", aggfunc={"population": "sum", "n_settlements": "sum"},
                         as_index=False)
    out["area_km2"] = out.geometry.area / 1e6
    methods = zones.groupby("zone")["method"].first()
    out["method"] = out["zone"].map(methods).fillna("")
    return out.to_crs(WGS84)


def plan_members(inputs: ReportInputs, key: str) -> pd.Series:
    """Per new unit (index), the names of the current municipalities it merges, largest first,
    in the report's language."""
    plan = inputs.plans[key]
    mun = inputs.dataset.municipalities
    names = pd.Series(display_names(mun, inputs.lang).to_numpy(), index=mun["code"].to_numpy())
    pops = pd.Series(mun["population"].to_numpy(float), index=mun["code"].to_numpy())
    m = plan.mapping.assign(old_code=plan.mapping["old_code"].astype(str))
    m = m.assign(name=m["old_code"].map(names), pop=m["old_code"].map(pops))
    m = m.sort_values(["new_unit", "pop"], ascending=[True, False], kind="stable")
    return m.groupby("new_unit", sort=False)["name"].agg(lambda v: ", ".join(v.astype(str)))


def plan_polygons(inputs: ReportInputs, key: str) -> gpd.GeoDataFrame:
    """A plan's new units as the dissolve of the current municipal territories."""
    plan = inputs.plans[key]
    mun = inputs.dataset.to_metric("municipalities")[["code", "territory_source", "geometry"]]
    mapping = plan.mapping.assign(old_code=plan.mapping["old_code"].astype(str))
    joined = mun.merge(mapping[["old_code", "new_unit"]], left_on="code", right_on="old_code",
                       how="left")
    joined["approximate"] = joined["territory_source"].eq("approximate")
    shapes = joined.dissolve(by="new_unit", aggfunc={"approximate": "any"}, as_index=False)
    shapes["territory_source"] = np.where(shapes["approximate"], "approximate", "official")
    shapes = shapes.drop(columns="approximate")
    units = plan.units.copy()
    keep = [c for c in units.columns if c not in shapes.columns or c == "new_unit"]
    out = shapes.merge(units[keep], on="new_unit", how="left")
    if "area_km2" not in out.columns:
        out["area_km2"] = out.geometry.area / 1e6
    if "centre" not in out.columns and "centre" in mapping.columns:
        out["centre"] = out["new_unit"].map(mapping.groupby("new_unit")["centre"].first())
    if "centre" in out.columns:
        names = display_names(inputs.dataset.settlements, inputs.lang)
        lookup = pd.Series(names.to_numpy(), index=inputs.dataset.settlements["id"].to_numpy())
        out["centre_name"] = out["centre"].map(lookup).fillna("")
    out["members"] = out["new_unit"].map(plan_members(inputs, key)).fillna("")
    return _flat(out).to_crs(WGS84)


def flow_lines(inputs: ReportInputs) -> gpd.GeoDataFrame | None:
    """Flows between distinct settlements as straight lines, largest first."""
    if inputs.flows is None or inputs.flows.empty:
        return None
    s = inputs.dataset.settlements
    names = pd.Series(display_names(s, inputs.lang).to_numpy(), index=s["id"].to_numpy())
    geom = pd.Series(s.geometry.to_numpy(), index=s["id"].to_numpy())
    f = inputs.flows
    keep = ["origin", "destination", "flow", *[c for c in ("service", "source")
                                               if c in f.columns]]
    f = f.loc[f["origin"] != f["destination"], keep].copy()
    if "source" not in f.columns:
        f["source"] = "modelled"
    a = shapely.get_coordinates(geom.loc[f["origin"]].to_numpy())
    b = shapely.get_coordinates(geom.loc[f["destination"]].to_numpy())
    lines = shapely.linestrings(np.stack([a, b], axis=1))
    f["origin_name"] = names.loc[f["origin"]].to_numpy()
    f["destination_name"] = names.loc[f["destination"]].to_numpy()
    out = gpd.GeoDataFrame(f, geometry=lines, crs=WGS84)
    return out.sort_values("flow", ascending=False, kind="stable").reset_index(drop=True)


def report_layers(inputs: ReportInputs) -> dict[str, gpd.GeoDataFrame]:
    """Every layer of the report, in WGS84, keyed by its GeoPackage layer name."""
    ds = inputs.dataset
    settlements = ds.settlements.copy()
    settlements.insert(1, "name", display_names(settlements, inputs.lang).to_numpy())
    municipalities = ds.municipalities.copy()
    municipalities.insert(1, "name", display_names(municipalities, inputs.lang).to_numpy())
    # how each municipality's population was obtained (villages by provenance, sources)
    obtained = municipal_population_provenance(ds, inputs.lang).set_index("code")
    for col in obtained.columns:
        municipalities[col] = municipalities["code"].astype(str).map(obtained[col]).to_numpy()
    zones = inputs.zone_table()
    if zones is not None:
        settlements["zone"] = settlements["id"].map(zones.set_index("settlement")["zone"])
    for key, plan in inputs.plans.items():
        m = plan.mapping.assign(old_code=plan.mapping["old_code"].astype(str))
        unit = m.set_index("old_code")["new_unit"]
        col = layer_key(key)
        municipalities[col] = municipalities["code"].map(unit)
        settlements[col] = settlements["municipality_code"].map(unit)
    layers: dict[str, gpd.GeoDataFrame] = {
        "settlements": _flat(settlements),
        "facilities": _flat(ds.facilities.copy()),
        "municipalities": _flat(municipalities),
    }
    zp = zone_polygons(inputs)
    if zp is not None:
        layers["zones"] = zp
    for key in inputs.plans:
        layers[layer_key(key)] = plan_polygons(inputs, key)
    fl = flow_lines(inputs)
    if fl is not None:
        layers["flows"] = fl
    return layers
