"""Travel times over a road network: OpenStreetMap extracts or road lines from GIS files.

Roads come from an ``.osm.pbf``/``.osm`` extract (read with pyosmium) or from line layers in
GeoJSON, GeoPackage or Shapefile. Each road segment's speed comes from its ``highway`` class
(``DEFAULT_SPEEDS_KMH``, overridable). Settlements join the network at the nearest road node by an
off-road leg whose speed is the terrain model's (``aimak.access.friction``), using the slope between
the settlement and the node when an elevation grid is at hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from pyproj import Geod, Transformer
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from aimak.access.base import points_frame
from aimak.access.elevation import ElevationGrid, read_gebco
from aimak.access.friction import SpeedFunction
from aimak.access.graph import GraphModel
from aimak.crs import WGS84, metric_crs_for
from aimak.errors import AimakError, fail

GEOD = Geod(ellps="WGS84")

#: Speeds (km/h) by OpenStreetMap ``highway`` class. Motor-road values are the defaults of the
#: OSRM car profile (profiles/car.lua); tracks, paths and ``road`` are aimak assumptions for
#: rural Kyrgyzstan (see docs/access.md). Classes mapped to ``None`` are not roads one can use.
DEFAULT_SPEEDS_KMH: dict[str, float | None] = {
    "motorway": 90, "motorway_link": 45, "trunk": 85, "trunk_link": 40,
    "primary": 65, "primary_link": 30, "secondary": 55, "secondary_link": 25,
    "tertiary": 40, "tertiary_link": 20, "unclassified": 25, "residential": 25,
    "living_street": 10, "service": 15, "road": 25, "track": 15,
    "path": 5, "footway": 5, "bridleway": 5, "pedestrian": 5, "cycleway": 5, "steps": 2,
    "proposed": None, "construction": None, "abandoned": None, "disused": None,
    "platform": None, "raceway": None, "bus_stop": None, "elevator": None, "corridor": None,
    "razed": None, "via_ferrata": None, "rest_area": None, "services": None,
}
#: Speed (km/h) of a class missing from the table (and of lines without a class).
UNKNOWN_CLASS_KMH = 20.0

_FORWARD = {"yes", "true", "1"}
_OSM_SUFFIXES = (".osm.pbf", ".pbf", ".osm", ".osm.bz2", ".osm.gz")


@dataclass(frozen=True)
class RoadNetwork:
    """Road segments between numbered nodes (WGS84 degrees), one row per segment.

    ``oneway`` is +1 when the segment may only be driven from ``u`` to ``v``, 0 otherwise.
    """

    lon: np.ndarray
    lat: np.ndarray
    u: np.ndarray
    v: np.ndarray
    highway: np.ndarray
    oneway: np.ndarray
    source: str

    @property
    def length_m(self) -> np.ndarray:
        _, _, d = GEOD.inv(self.lon[self.u], self.lat[self.u], self.lon[self.v], self.lat[self.v])
        return np.asarray(d, float)

    @classmethod
    def read(cls, path: str | Path, layer: str | None = None) -> RoadNetwork:
        """Read an OSM extract or a GIS line layer; an empty network is an error."""
        path = Path(path)
        if not path.exists():
            raise fail("the road file does not exist", path)
        name = path.name.lower()
        net = (cls._read_osm(path) if name.endswith(_OSM_SUFFIXES)
               else cls._read_lines(path, layer))
        if len(net.u) == 0:
            raise fail("the file holds no usable roads (expected lines tagged with a highway "
                       f"class such as {', '.join(list(DEFAULT_SPEEDS_KMH)[:6])})", path)
        return net

    @classmethod
    def _read_osm(cls, path: Path) -> RoadNetwork:
        import osmium

        ids: list[np.ndarray] = []
        lons: list[np.ndarray] = []
        lats: list[np.ndarray] = []
        classes: list[str] = []
        oneways: list[int] = []
        sizes: list[int] = []
        try:
            processor = (osmium.FileProcessor(path).with_locations()
                         .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
                         .with_filter(osmium.filter.KeyFilter("highway")))
            for way in processor:
                hw = way.tags.get("highway")
                if DEFAULT_SPEEDS_KMH.get(hw, 0) is None:
                    continue
                nodes = [n for n in way.nodes if n.location.valid()]
                if len(nodes) < 2:
                    continue
                ow = way.tags.get("oneway", "no")
                if ow == "-1":
                    nodes = nodes[::-1]
                ids.append(np.fromiter((n.ref for n in nodes), np.int64, len(nodes)))
                lons.append(np.fromiter((n.location.lon for n in nodes), float, len(nodes)))
                lats.append(np.fromiter((n.location.lat for n in nodes), float, len(nodes)))
                classes.append(hw)
                oneways.append(1 if ow in _FORWARD or ow == "-1" else 0)
                sizes.append(len(nodes))
        except RuntimeError as exc:
            raise fail(f"cannot read the file as OpenStreetMap data ({exc})", path) from exc
        if not ids:
            return cls._empty(str(path))
        node_ids = np.concatenate(ids)
        _uniq, first, inverse = np.unique(node_ids, return_index=True, return_inverse=True)
        lon, lat = np.concatenate(lons)[first], np.concatenate(lats)[first]
        return cls._from_vertices(lon, lat, inverse, np.asarray(sizes), np.asarray(classes,
                                  dtype=object), np.asarray(oneways), f"OpenStreetMap: {path.name}")

    @classmethod
    def _read_lines(cls, path: Path, layer: str | None) -> RoadNetwork:
        from aimak.io import read_table

        frame = read_table(path, layer=layer)
        if not isinstance(frame, gpd.GeoDataFrame):
            raise fail("the road file has no geometries", path)
        frame = frame.explode(index_parts=False, ignore_index=True)
        geom = frame.geometry.values
        lines = shapely.get_type_id(geom) == 1
        if not lines.any():
            return cls._empty(str(path))
        frame, geom = frame[lines].reset_index(drop=True), geom[lines]
        coords, which = shapely.get_coordinates(geom, return_index=True)
        sizes = np.bincount(which, minlength=len(geom))
        keep = sizes >= 2
        coords = coords[np.isin(which, np.flatnonzero(keep))]
        frame, sizes = frame[keep].reset_index(drop=True), sizes[keep]
        key = np.round(coords, 7)  # vertices shared by two lines (to ~1 cm) join them
        uniq, inverse = np.unique(key, axis=0, return_inverse=True)
        if "highway" in frame.columns:
            highway = frame["highway"].astype(object).where(frame["highway"].notna(), None)
        else:
            highway = pd.Series([None] * len(frame), dtype=object)
        usable = np.array([DEFAULT_SPEEDS_KMH.get(h, 0) is not None for h in highway])
        oneway = np.zeros(len(frame), int)
        if "oneway" in frame.columns:
            oneway = frame["oneway"].astype(str).str.lower().isin(_FORWARD).to_numpy(int)
        net = cls._from_vertices(uniq[:, 0], uniq[:, 1], inverse.ravel(), sizes,
                                 highway.to_numpy(object), oneway, f"road lines: {path.name}")
        seg_line = np.repeat(np.arange(len(sizes)), sizes - 1)
        ok = usable[seg_line]
        return cls(net.lon, net.lat, net.u[ok], net.v[ok], net.highway[ok], net.oneway[ok],
                   net.source)

    @classmethod
    def _from_vertices(cls, lon: np.ndarray, lat: np.ndarray, vertex_node: np.ndarray,
                       sizes: np.ndarray, highway: np.ndarray, oneway: np.ndarray,
                       source: str) -> RoadNetwork:
        """Segments between consecutive vertices of each line (``sizes`` vertices per line)."""
        ends = np.cumsum(sizes)
        last = np.zeros(len(vertex_node), bool)
        last[ends - 1] = True
        start = np.flatnonzero(~last)
        seg_line = np.repeat(np.arange(len(sizes)), sizes - 1)
        u, v = vertex_node[start], vertex_node[start + 1]
        loop = u == v
        return cls(lon, lat, u[~loop], v[~loop], highway[seg_line][~loop],
                   oneway[seg_line][~loop], source)

    @classmethod
    def _empty(cls, source: str) -> RoadNetwork:
        e = np.zeros(0, np.int64)
        return cls(np.zeros(0), np.zeros(0), e, e, np.zeros(0, object), e, source)


def road_graph(net: RoadNetwork, speeds: dict[str, float | None]
               ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Directed CSR graphs of minutes and of km between road nodes (fastest parallel edge)."""
    kmh = np.array([speeds.get(h, UNKNOWN_CLASS_KMH) if h is not None else UNKNOWN_CLASS_KMH
                    for h in net.highway], dtype=float)
    kmh = np.where(np.isnan(kmh), 0, kmh)
    ok = kmh > 0
    length = net.length_m[ok]
    minutes = np.maximum(length / (kmh[ok] * 1000 / 60), 1e-9)
    u, v, two = net.u[ok], net.v[ok], net.oneway[ok] == 0
    rows = np.concatenate([u, v[two]])
    cols = np.concatenate([v, u[two]])
    mins = np.concatenate([minutes, minutes[two]])
    kms = np.concatenate([length, length[two]]) / 1000
    order = np.lexsort((mins, cols, rows))  # keep the fastest of parallel segments
    rows, cols, mins, kms = rows[order], cols[order], mins[order], kms[order]
    first = np.ones(len(rows), bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    n = len(net.lon)
    shape = (n, n)
    return (sp.csr_matrix((mins[first], (rows[first], cols[first])), shape=shape),
            sp.csr_matrix((kms[first], (rows[first], cols[first])), shape=shape))


class RoadModel(GraphModel):
    """Fastest travel over a road network, joined to settlements by off-road legs.

    Parameters
    ----------
    roads : a ``RoadNetwork`` or the path of an OSM extract or road-line file.
    speeds : km/h by highway class, overriding entries of ``DEFAULT_SPEEDS_KMH``.
    offroad_profile : speed profile of the leg between a settlement and the road (``vehicle``).
    elevation : ``ElevationGrid`` or netCDF path for the legs' slopes; ``None`` uses the packaged
        GEBCO grid when installed, ``False`` treats legs as flat.
    max_leg_km : settlements farther than this from every road are stranded (None: no limit).
    n_jobs : processes for the origin-destination matrix (-1, the default: all cores).

    Attributes after ``fit``: ``ids_``, ``core_`` (minutes between road nodes), ``leg_km_``
    (each settlement's off-road leg), ``elevation_source_`` (where the legs' slopes come from),
    ``components_`` (table of the network's disconnected
    parts), ``stranded_`` (settlements off the main part or beyond ``max_leg_km``).
    """

    mode = "roads"
    provenance = "modelled"

    def __init__(self, roads: RoadNetwork | str | Path, speeds: dict | None = None,
                 offroad_profile: str = "vehicle",
                 elevation: ElevationGrid | str | Path | bool | None = None,
                 max_leg_km: float | None = None, n_jobs: int = -1) -> None:
        self.roads = roads
        self.speeds = speeds
        self.offroad_profile = offroad_profile
        self.elevation = elevation
        self.max_leg_km = max_leg_km
        self.n_jobs = n_jobs

    def fit(self, points: object) -> RoadModel:
        """Build the road graph, join the settlements and find the disconnected parts."""
        frame = points_frame(points)
        net = self.roads if isinstance(self.roads, RoadNetwork) else RoadNetwork.read(self.roads)
        if len(net.u) == 0:
            raise AimakError(f"the road network ({net.source}) holds no roads")
        self.network_ = net
        table = {**DEFAULT_SPEEDS_KMH, **(self.speeds or {})}
        self.core_, self._km = road_graph(net, table)
        self._km.sort_indices()
        self._km_keys = self._edge_keys(self._km)
        try:
            self.speed_ = SpeedFunction.profile(self.offroad_profile)
        except ValueError as exc:
            raise AimakError(str(exc)) from exc
        self.grid_ = self._grid(frame)
        self.elevation_source_ = (self.grid_.source if self.grid_ is not None
                                  else "none: off-road legs are treated as flat")
        used = np.flatnonzero(np.diff(self.core_.indptr) + np.diff(self.core_.tocsc().indptr))
        self._used = used
        crs = getattr(points, "metric_crs", None) or metric_crs_for(
            (float(net.lon.min()), float(net.lat.min()), float(net.lon.max()),
             float(net.lat.max())))
        to_metric = Transformer.from_crs(WGS84, crs, always_xy=True)
        x, y = to_metric.transform(net.lon[used], net.lat[used])
        self._tree = cKDTree(np.column_stack([x, y]))
        self._to_metric = to_metric
        self._fit_points(frame)
        self.leg_km_ = pd.Series(self._legs[3], index=self.ids_, name="leg_km")
        self._components(frame)
        return self

    def _grid(self, frame: gpd.GeoDataFrame) -> ElevationGrid | None:
        if self.elevation is False:
            return None
        if isinstance(self.elevation, ElevationGrid):
            return self.elevation
        g = frame.geometry.values
        lon = np.concatenate([shapely.get_x(g), self.network_.lon])
        lat = np.concatenate([shapely.get_y(g), self.network_.lat])
        bounds = (lon.min(), lat.min(), lon.max(), lat.max())
        try:
            return read_gebco(self.elevation, bounds, 0.05)
        except AimakError:
            if self.elevation is not None:
                raise
            return None  # no packaged grid: legs are treated as flat

    def _elev(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        if self.grid_ is None:
            return np.zeros(len(lon))
        inside = self.grid_.contains(lon, lat)
        z = np.zeros(len(lon))
        z[inside] = self.grid_.sample(lon[inside], lat[inside])
        return z

    def _snap(self, points: gpd.GeoDataFrame, what: str
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        geom = points.geometry.values
        lon, lat = shapely.get_x(geom), shapely.get_y(geom)
        x, y = self._to_metric.transform(lon, lat)
        _, k = self._tree.query(np.column_stack([x, y]))
        node = self._used[k]
        nlon, nlat = self.network_.lon[node], self.network_.lat[node]
        _, _, d = GEOD.inv(lon, lat, nlon, nlat)
        d = np.asarray(d, float)
        z0, z1 = self._elev(lon, lat), self._elev(nlon, nlat)
        out = self.speed_.minutes(d, z1 - z0, (z0 + z1) / 2)
        back = self.speed_.minutes(d, z0 - z1, (z0 + z1) / 2)
        if self.max_leg_km is not None:
            node = np.where(d / 1000 > self.max_leg_km, -1, node)
        return node, out, back, d / 1000

    @staticmethod
    def _edge_keys(km: sp.csr_matrix) -> np.ndarray:
        rows = np.repeat(np.arange(km.shape[0], dtype=np.int64), np.diff(km.indptr))
        return rows * km.shape[0] + km.indices.astype(np.int64)  # sorted: CSR rows, cols

    def _core_edge_km(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        km = self._km
        pos = np.searchsorted(self._km_keys, u.astype(np.int64) * km.shape[0] + v)
        return km.data[pos]

    def _components(self, frame: gpd.GeoDataFrame) -> None:
        n_comp, label = connected_components(self.core_, directed=True, connection="weak")
        node = self._legs[0]
        attached = node >= 0
        comp_of = np.full(len(node), -1)
        comp_of[attached] = label[node[attached]]
        used = np.zeros(len(label), bool)
        used[self._used] = True
        nodes_per = np.bincount(label[used], minlength=n_comp)
        settl_per = np.bincount(comp_of[attached], minlength=n_comp)
        km_per = np.bincount(label[np.repeat(np.arange(self._km.shape[0]),
                                             np.diff(self._km.indptr))],
                             weights=self._km.data, minlength=n_comp)
        main = int(np.lexsort((nodes_per, settl_per))[-1])
        table = pd.DataFrame({"component": np.arange(n_comp), "nodes": nodes_per,
                              "settlements": settl_per, "road_km": km_per,
                              "main": np.arange(n_comp) == main})
        self.components_ = table[table["nodes"] > 0].sort_values(
            ["settlements", "nodes"], ascending=False).reset_index(drop=True)
        self.stranded_ = self.ids_[comp_of != main]
        self.component_of_ = pd.Series(comp_of, index=self.ids_, name="component")
