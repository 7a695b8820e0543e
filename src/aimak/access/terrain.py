"""Travel times over terrain: least-time paths on the 8-connected elevation grid.

Each grid cell is a node; each cell links to its 8 neighbours. An edge's length is the true
distance between the two cell centres on the WGS84 ellipsoid (so east-west steps shrink with
latitude and diagonal steps are longer), and its time is that length divided by the terrain
speed for the slope between the two cells (``aimak.access.friction``). Because uphill and
downhill speeds differ, times are direction-dependent; ``symmetric=True`` averages both
directions of every edge so that A -> B and B -> A take the same time.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import scipy.sparse as sp
import shapely
from pyproj import Geod, Transformer

from aimak.access.base import points_frame
from aimak.access.elevation import ElevationGrid, read_gebco
from aimak.access.friction import SpeedFunction
from aimak.access.graph import GraphModel
from aimak.crs import WGS84, metric_crs_for
from aimak.errors import AimakError

GEOD = Geod(ellps="WGS84")

#: Neighbour offsets (row, column) of the undirected edges; each is used in both directions.
OFFSETS = ((0, 1), (1, 0), (1, 1), (1, -1))


def _step_lengths(grid: ElevationGrid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Metres of an east step in each row, and of a north and diagonal step from each row."""
    lat, lon0 = grid.lat, grid.lon[0]
    ny = len(lat)
    _, _, east = GEOD.inv(np.full(ny, lon0), lat, np.full(ny, lon0 + grid.dlon), lat)
    _, _, north = GEOD.inv(np.full(ny - 1, lon0), lat[:-1], np.full(ny - 1, lon0), lat[1:])
    _, _, diag = GEOD.inv(np.full(ny - 1, lon0), lat[:-1], np.full(ny - 1, lon0 + grid.dlon),
                          lat[1:])
    return np.asarray(east), np.asarray(north), np.asarray(diag)


def grid_graph(grid: ElevationGrid, speed: SpeedFunction, symmetric: bool = False,
               passable: np.ndarray | None = None) -> sp.csr_matrix:
    """Directed CSR graph of minutes between 8-connected cells (node = row * ncols + col).

    Edges touching a cell where ``passable`` is False (closed in winter, outside the study
    area) are left out.
    """
    ny, nx = grid.shape
    z = np.asarray(grid.z, dtype=float)
    idx = np.arange(ny * nx).reshape(ny, nx)
    east, north, diag = _step_lengths(grid)
    rows_len = {(0, 1): east[:, None], (1, 0): north[:, None], (1, 1): diag[:, None],
                (1, -1): diag[:, None]}
    us, vs, t_uv, t_vu = [], [], [], []
    for dr, dc in OFFSETS:
        a = (slice(0, ny - dr), slice(max(0, -dc), nx - max(0, dc)))
        b = (slice(dr, ny), slice(max(0, dc), nx - max(0, -dc)))
        za, zb = z[a], z[b]
        length = np.broadcast_to(rows_len[(dr, dc)][: ny - dr], za.shape)
        mid = (za + zb) / 2
        fwd = speed.minutes(length, zb - za, mid)
        bwd = speed.minutes(length, za - zb, mid)
        keep = np.ones(za.shape, bool) if passable is None else passable[a] & passable[b]
        us.append(idx[a][keep])
        vs.append(idx[b][keep])
        if symmetric:
            fwd = bwd = (fwd + bwd) / 2
        t_uv.append(fwd[keep])
        t_vu.append(bwd[keep])
    u, v = np.concatenate(us), np.concatenate(vs)
    w = np.concatenate([*t_uv, *t_vu])
    return sp.csr_matrix((w, (np.concatenate([u, v]), np.concatenate([v, u]))),
                         shape=(ny * nx, ny * nx))


class TerrainModel(GraphModel):
    """Least-time travel over the terrain (minutes, km) between settlements and to facilities.

    Parameters
    ----------
    profile : ``vehicle`` (default; car or truck on unmapped tracks) or ``walk`` (Tobler).
    max_speed_kmh, slope_penalty : override the profile's fastest speed and slope penalty.
    altitude_factor : slow down at altitude (Weiss et al. 2018 factor).
    symmetric : average both directions of each edge so that times are symmetric.
    closed_above_m : winter closure; cells above this altitude (metres) are impassable.
    area : where travel may go: a shapely geometry (WGS84), ``None`` (the whole clipped grid),
        or ``"dataset"`` (default): the union of the oblasts when fitted on a Dataset, so that
        routes do not cross a state border; ``area_buffer_km`` widens it.
    cell_factor : average cells in blocks of this many (1 = GEBCO's 15", 2 = 30", ...).
    margin_deg : degrees of grid kept around the settlements' bounding box.
    elevation : an ``ElevationGrid`` or a netCDF path; default: the packaged GEBCO grid.
    n_jobs : processes for the origin-destination matrix (-1, the default: all cores).

    Attributes after ``fit``: ``ids_`` (settlement ids), ``grid_`` (the grid routed over),
    ``core_`` (CSR graph of minutes), ``stranded_`` (settlements in closed cells).
    """

    mode = "terrain"
    provenance = "modelled"

    def __init__(self, profile: str = "vehicle", max_speed_kmh: float | None = None,
                 slope_penalty: float | None = None, altitude_factor: bool = True,
                 symmetric: bool = False, closed_above_m: float | None = None,
                 cell_factor: int = 2, margin_deg: float = 0.1, area: object = "dataset",
                 area_buffer_km: float = 2.0,
                 elevation: ElevationGrid | str | Path | None = None, n_jobs: int = -1) -> None:
        self.profile = profile
        self.max_speed_kmh = max_speed_kmh
        self.slope_penalty = slope_penalty
        self.altitude_factor = altitude_factor
        self.symmetric = symmetric
        self.closed_above_m = closed_above_m
        self.cell_factor = cell_factor
        self.margin_deg = margin_deg
        self.area = area
        self.area_buffer_km = area_buffer_km
        self.elevation = elevation
        self.n_jobs = n_jobs

    def speed_function(self) -> SpeedFunction:
        """The speed function these parameters describe."""
        try:
            base = SpeedFunction.profile(self.profile, self.slope_penalty, self.altitude_factor)
            if self.max_speed_kmh is not None:
                base = SpeedFunction(self.max_speed_kmh, base.slope_penalty, base.altitude_factor)
        except ValueError as exc:
            raise AimakError(str(exc)) from exc
        return base

    def fit(self, points: object) -> TerrainModel:
        """Clip the grid to the settlements (+ margin), build the graph, snap the settlements."""
        frame = points_frame(points)
        self.speed_ = self.speed_function()
        lon, lat = shapely.get_x(frame.geometry.values), shapely.get_y(frame.geometry.values)
        bounds = (float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max()))
        if isinstance(self.elevation, ElevationGrid):
            full = self.elevation
            full.locate(lon, lat, frame["id"].to_numpy(object))
            grid = full.clip(bounds, self.margin_deg)
        else:
            grid = read_gebco(self.elevation, bounds, self.margin_deg)
            # a point beyond the clipped grid lies beyond the whole grid: name it
            grid.locate(lon, lat, frame["id"].to_numpy(object))
        self.grid_ = grid.coarsen(self.cell_factor)
        self._east, self._north, self._diag = _step_lengths(self.grid_)
        self.passable_ = self._passable(points, lon, lat)
        self.core_ = grid_graph(self.grid_, self.speed_, self.symmetric, self.passable_)
        self._adjust_core()
        self._fit_points(frame)
        return self

    def _adjust_core(self) -> None:
        """A hook for subclasses to change the grid graph before the points are attached
        (``aimak.access.hybrid`` burns the roads in)."""

    def _passable(self, points: object, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Cells travel may use: below the winter closure and inside the study area."""
        z = np.asarray(self.grid_.z, float)
        ok = np.ones(z.shape, bool)
        area = self.area
        crs = getattr(points, "metric_crs", None) or metric_crs_for(
            (float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())))
        if isinstance(area, str) and area == "dataset":
            oblasts = getattr(points, "oblasts", None)
            area = None if oblasts is None or len(oblasts) == 0 else shapely.union_all(
                oblasts.to_crs(crs).geometry.values)
            metric = True
        else:
            metric = False
            if area is not None and not isinstance(area, shapely.Geometry):
                raise AimakError("the study area must be a shapely geometry in WGS84 degrees")
        if area is not None:
            yy, xx = np.meshgrid(self.grid_.lat, self.grid_.lon, indexing="ij")
            if metric:
                x, y = Transformer.from_crs(WGS84, crs, always_xy=True).transform(
                    xx.ravel(), yy.ravel())
                zone = shapely.buffer(area, self.area_buffer_km * 1000)
            else:
                x, y = xx.ravel(), yy.ravel()
                zone = shapely.buffer(area, self.area_buffer_km / 111.0)
            shapely.prepare(zone)
            ok &= shapely.contains_xy(zone, x, y).reshape(z.shape)
            row, col = self.grid_.locate(lon, lat)
            ok[row, col] = True  # a settlement's own cell is always usable
        if self.closed_above_m is not None:
            ok &= z <= self.closed_above_m
        return ok

    def _snap(self, points: gpd.GeoDataFrame, what: str
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        geom = points.geometry.values
        lon, lat = shapely.get_x(geom), shapely.get_y(geom)
        row, col = self.grid_.locate(lon, lat, points["id"].to_numpy(object), what)
        node = row * self.grid_.shape[1] + col
        _, _, d = GEOD.inv(lon, lat, self.grid_.lon[col], self.grid_.lat[row])
        z = np.asarray(self.grid_.z, float)[row, col]
        minutes = self.speed_.minutes(np.asarray(d, float), np.zeros(len(d)), z)
        node = np.where(self.passable_[row, col] | (what == "settlement"), node, -1)
        if self.closed_above_m is not None:
            node = np.where(z > self.closed_above_m, -1, node)
        return node, minutes, minutes, np.asarray(d, float) / 1000.0

    def _core_edge_km(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        nx = self.grid_.shape[1]
        ru, cu = np.divmod(u, nx)
        rv, cv = np.divmod(v, nx)
        low = np.minimum(np.minimum(ru, rv), len(self._north) - 1)
        metres = np.where(ru == rv, self._east[ru],
                          np.where(cu == cv, self._north[low], self._diag[low]))
        return metres / 1000.0
