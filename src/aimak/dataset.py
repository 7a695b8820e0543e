"""The Dataset: one GeoPackage holding settlements, municipalities, rayons, oblasts, facilities.

Layers are stored in WGS84 and validated against ``aimak.schema`` when read, including the links
between them (each settlement's municipality exists, each municipality's centre is one of its
settlements). Two plain tables travel with the layers: ``notes`` (how the data was derived,
warnings, unmatched names) and ``sources`` (where each input came from).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from aimak.crs import WGS84, metric_crs_for
from aimak.errors import InputError, Problem, fail
from aimak.i18n import N_, _, use_language
from aimak.io import write_layers
from aimak.schema import LAYERS, SOURCE_ROW, validate

#: Degrees added around the oblasts' extent when checking that points lie in the region.
REGION_MARGIN_DEG = 0.1

NOTE_COLUMNS = ["kind", "subject", "message", "count"]


@dataclass
class Dataset:
    """The validated inputs of every analysis; see ``aimak.schema`` for the columns."""

    settlements: gpd.GeoDataFrame
    municipalities: gpd.GeoDataFrame
    rayons: gpd.GeoDataFrame
    oblasts: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    notes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=NOTE_COLUMNS))
    sources: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["file", "description", "url", "licence", "retrieved_from"]))
    #: Metric CRS of the analysis; by default chosen from the oblasts' extent (``metric_crs_for``).
    metric_crs: object = None

    def __post_init__(self) -> None:
        if self.metric_crs is None:
            self.metric_crs = metric_crs_for(tuple(self.oblasts.total_bounds))

    @classmethod
    def read(cls, path: str | Path, bounds: tuple[float, float, float, float] | None = None
             ) -> Dataset:
        """Read and validate a dataset GeoPackage written by ``write`` (or by hand).

        Points and areas must lie within ``bounds`` (WGS84), by default the extent of the
        dataset's own oblasts; the metric CRS follows the data (``aimak.crs.metric_crs_for``).
        """
        region = "the declared region"
        path = Path(path)
        if not path.exists():
            raise fail("the dataset file does not exist; build one with "
                       "'aimak data build kyrgyzstan --out PATH.gpkg'", path)
        try:
            present = {name for name, _ in pyogrio.list_layers(path)}
        except Exception as exc:
            raise fail(f"cannot open the file as a GeoPackage ({exc})", path) from exc
        missing = [name for name in LAYERS if name not in present]
        if missing:
            raise fail(f"the dataset lacks the layer(s) {', '.join(missing)}", path)
        frames = {}
        # the oblasts declare the region: every other layer must lie within them
        for name in ["oblasts", *[n for n in LAYERS if n != "oblasts"]]:
            gdf = _read_layer(path, name)
            if name == "oblasts" and len(gdf) == 0:
                raise fail("the layer 'oblasts' is empty; expected the oblasts that declare "
                           "the dataset's region", path)
            if bounds is None and name != "oblasts":
                lon0, lat0, lon1, lat1 = frames["oblasts"].total_bounds
                m = REGION_MARGIN_DEG
                bounds = (lon0 - m, lat0 - m, lon1 + m, lat1 + m)
                region = "the dataset's oblasts (" + ", ".join(
                    frames["oblasts"]["name_en"].astype(str)) + ")"
            frames[name] = validate(gdf, LAYERS[name], file=f"{path.name} (layer {name})",
                                    bounds=None if name == "oblasts" else bounds,
                                    region=region)
        extra = {}
        for name in ("notes", "sources"):
            if name in present:
                try:
                    extra[name] = pd.DataFrame(pyogrio.read_dataframe(path, layer=name))
                except Exception as exc:
                    raise fail(f"cannot read the layer ({' '.join(str(exc).split())[:160]})",
                               f"{path.name} (layer {name})") from None
        ds = cls(**frames, **extra)
        ds.check_links(str(path.name))
        return ds

    def check_links(self, label: str = "dataset") -> None:
        """Check the references between layers; raise InputError naming each broken one."""
        problems: list[Problem] = []
        codes = set(self.municipalities["code"])
        s = self.settlements
        bad = ~s["municipality_code"].isin(codes)
        for i, (sid, code) in enumerate(zip(s["id"], s["municipality_code"], strict=True)):
            if bad.iloc[i]:
                problems.append(Problem(f"settlement '{sid}' names municipality '{code}', "
                                        "which is not in the municipalities layer",
                                        f"{label} (layer settlements)", i + 1,
                                        "municipality_code"))
        ids = dict(zip(s["id"], s["municipality_code"], strict=True))
        m = self.municipalities
        for i, (code, centre) in enumerate(zip(m["code"], m["centre_id"], strict=True)):
            if ids.get(centre) != code:
                problems.append(Problem(f"municipality '{code}' has centre '{centre}', which is "
                                        "not one of its settlements",
                                        f"{label} (layer municipalities)", i + 1, "centre_id"))
        if problems:
            raise InputError(problems)

    def write(self, path: str | Path) -> None:
        """Write all layers to one GeoPackage; a failure leaves no file behind."""
        layers: dict[str, pd.DataFrame] = {
            name: getattr(self, name) for name in LAYERS
        }
        layers["notes"] = self.notes
        layers["sources"] = self.sources
        write_layers(path, layers)

    def to_metric(self, layer: str) -> gpd.GeoDataFrame:
        """Return a layer projected to the dataset's metric CRS (metres)."""
        return getattr(self, layer).to_crs(self.metric_crs)


def _read_layer(path: Path, name: str) -> gpd.GeoDataFrame:
    """One layer in WGS84 with its source rows; a layer in another declared coordinate system
    (e.g. UTM metres) is transformed, and one without a declared system must be lon/lat."""
    label = f"{path.name} (layer {name})"
    try:
        gdf = gpd.read_file(path, layer=name, engine="pyogrio")
    except Exception as exc:  # pyogrio's DataSourceError and friends
        raise fail(f"cannot read the layer ({' '.join(str(exc).split())[:160]})",
                   label) from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry is None:
        raise fail("the layer has no geometry column", label)
    _check_declared_crs(gdf, label)
    if gdf.crs is None:
        x0, y0, x1, y1 = gdf.total_bounds if len(gdf) else (0, 0, 0, 0)
        if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
            raise fail("the layer declares no coordinate system and its coordinates are not "
                       "longitude/latitude; declare its system (e.g. EPSG:32643) in the file",
                       label)
        gdf = gdf.set_crs(WGS84)
    elif not gdf.crs.equals(WGS84):
        try:
            gdf = gdf.to_crs(WGS84)
        except Exception as exc:
            raise fail(f"cannot transform the layer to longitude/latitude ({exc})",
                       label) from None
    gdf.insert(0, SOURCE_ROW, range(1, len(gdf) + 1))
    return gdf


def _check_declared_crs(gdf: gpd.GeoDataFrame, label: str) -> None:
    """Coordinates must fit the coordinate system the layer declares: longitude/latitude within
    ±180/±90 for a geographic system, and not degrees for a projected one (metres)."""
    geom = gdf.geometry.values
    present = ~(shapely.is_missing(geom) | shapely.is_empty(geom))
    if gdf.crs is None or not present.any():
        return
    x0, y0, x1, y1 = shapely.total_bounds(geom[present])
    looks_lonlat = -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90
    if gdf.crs.is_geographic and not looks_lonlat:
        raise fail(f"the layer declares longitude/latitude ({gdf.crs.to_string()}) but its "
                   f"coordinates run from ({x0:.0f}, {y0:.0f}) to ({x1:.0f}, {y1:.0f}), which "
                   "are not degrees; declare the system they are in (e.g. EPSG:32643)", label)
    if gdf.crs.is_projected and looks_lonlat and (x1 - x0) < 360 and (y1 - y0) < 180:
        raise fail(f"the layer declares a projected system in metres ({gdf.crs.to_string()}) "
                   f"but its coordinates ({x0:.3f}, {y0:.3f}) to ({x1:.3f}, {y1:.3f}) look "
                   "like longitude/latitude degrees; declare EPSG:4326", label)


#: How a settlement's figure was obtained (its ``population_basis``, written by the Kyrgyz
#: builder), as message ids naming the real source; ``{year}`` is the figure's year.
POPULATION_BASIS_TEXTS = {
    "census": N_("National Statistical Committee, census {year}"),
    "nsc_estimate": N_("National Statistical Committee, estimate for {year}"),
    "nsc_table": N_("National Statistical Committee, population at the start of {year} "
                    "(village table)"),
    "nsc": N_("National Statistical Committee, {year}"),
    "urban_total": N_("National Statistical Committee, urban population of the rayon, {year}"),
    "rayon_share": N_("estimated: a share of the rayon's official total ({year}) by typical "
                      "village size"),
    "aa_share": N_("estimated: a share of the ayil aimak's official total ({year})"),
    "face_value": N_("estimated: a GeoNames figure or a typical village size, with no official "
                     "total to share"),
}
#: Columns of :func:`municipal_population_provenance`.
MUNICIPAL_POPULATION_COLUMNS = ["code", "villages_observed", "villages_official",
                                "villages_estimated", "villages_approximate",
                                "population_obtained"]


def municipal_population_provenance(ds: Dataset, lang: str | None = None) -> pd.DataFrame:
    """Per municipality: how many of its settlements have an observed, official or estimated
    figure, how many are placed approximately, and the sources of the figures in ``lang``
    ("National Statistical Committee, census 2009 (5); estimated: ... (2)", most common first).
    A dataset without ``population_basis`` gives the counts and an empty text."""
    s = pd.DataFrame(ds.settlements.drop(columns="geometry"))
    s = s[s["municipality_code"].notna()]
    counts = pd.crosstab(s["municipality_code"], s["population_source"].astype(str))
    out = pd.DataFrame({"code": ds.municipalities["code"].astype(str)})
    for cls in ("observed", "official", "estimated"):
        col = counts[cls] if cls in counts.columns else pd.Series(dtype=int)
        out[f"villages_{cls}"] = out["code"].map(col).fillna(0).astype(int)
    approx = s.get("location_source", pd.Series("", index=s.index)).astype(str).eq(
        "approximate")
    out["villages_approximate"] = out["code"].map(
        approx.groupby(s["municipality_code"]).sum()).fillna(0).astype(int)
    texts: dict[str, str] = {}
    if "population_basis" in s.columns:
        with use_language(lang or "ru"):
            said = s.assign(text=[
                _(POPULATION_BASIS_TEXTS[b]).format(year=_year(y))
                if b in POPULATION_BASIS_TEXTS else ""
                for b, y in zip(s["population_basis"], s["population_year"], strict=True)])
        for code, group in said[said["text"] != ""].groupby("municipality_code"):
            texts[str(code)] = "; ".join(f"{t} ({n})" for t, n in
                                         group["text"].value_counts().items())
    out["population_obtained"] = [texts.get(c, "") for c in out["code"]]
    return out[MUNICIPAL_POPULATION_COLUMNS].reset_index(drop=True)


def _year(value: object) -> str:
    return "—" if value is None or pd.isna(value) else str(int(value))
