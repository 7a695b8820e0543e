"""Terrain off-road and road speeds on the main roads: the ``hybrid`` travel mode.

The terrain model's grid graph (``aimak.access.terrain``) is kept for travel off the roads; each
road line of a main-road layer is traced through the grid cells it crosses, and every step
between two neighbouring cells along it gets the road's speed where that is faster than the
terrain's. Speeds come from the road's class and surface (``ROAD_SPEEDS_KMH``, aimak assumptions
stated in docs/access.md). Built for Global Map Kyrgyz 1.0 (``roads_globalmap_kg_1M.geojson``:
``route_type`` Primary / Secondary / Limited Access Route, ``surface`` Paved / Not Paved /
Unknown), which is free for non-commercial use with attribution only: ``ATTRIBUTION`` travels
with every result of this mode.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from aimak.access.terrain import TerrainModel
from aimak.errors import fail
from aimak.i18n import N_
from aimak.io import read_table

#: Speed (km/h) by (route class, paved). Assumptions for a car or minibus on Kyrgyz main roads:
#: paved primary roads as the OSRM car profile's primary (65), unpaved roads at about the
#: terrain model's vehicle speed on good ground; see docs/access.md.
ROAD_SPEEDS_KMH = {("Limited Access Route", True): 80.0, ("Limited Access Route", False): 50.0,
                   ("Primary", True): 65.0, ("Primary", False): 40.0,
                   ("Secondary", True): 50.0, ("Secondary", False): 30.0}
#: A class or surface the table does not know (``Unknown``) takes the unpaved secondary speed.
UNKNOWN_KMH = 30.0
#: The licence's attribution (a message id: reports show it in their language).
ATTRIBUTION = N_("Roads: Global Map Kyrgyz ©ISCGM/State Service of Cartography and Geodesy of "
                 "Kyrgyz Republic; free for non-commercial use with attribution, commercial "
                 "use not permitted")


def road_speed(route_type: object, surface: object) -> float:
    """The speed (km/h) of a road of this class and surface."""
    paved = str(surface).strip().lower() == "paved"
    return ROAD_SPEEDS_KMH.get((str(route_type).strip(), paved), UNKNOWN_KMH)


def read_roads(path: str | Path) -> pd.DataFrame:
    """Road lines (WGS84) with ``speed_kmh``; a missing column or a non-line is an error."""
    roads = read_table(path)
    for col in ("route_type", "surface"):
        if col not in roads.columns:
            raise fail(f"the road layer lacks the column '{col}'; expected Global Map's "
                       "route_type and surface", path, column=col)
    if not hasattr(roads, "geometry"):
        raise fail("the road layer has no line geometries", path)
    kinds = shapely.get_type_id(roads.geometry.values)
    bad = ~np.isin(kinds, [1, 5])  # LineString, MultiLineString
    if bad.any():
        raise fail("expected road lines (LineString); found other geometries", path,
                   row=int(roads["__source_row__"].to_numpy()[bad][0]), column="geometry")
    return roads.assign(speed_kmh=[road_speed(r, s) for r, s in
                                   zip(roads["route_type"], roads["surface"], strict=True)])


class HybridModel(TerrainModel):
    """The terrain model with the main roads burnt into its grid graph at road speeds.

    Parameters: ``roads`` (a road line file or a frame from ``read_roads``) and those of
    ``TerrainModel``. Attributes after ``fit``: those of the terrain model and ``road_edges_``
    (how many grid steps got a road speed).
    """

    mode = "hybrid"
    provenance = "modelled"
    attribution = ATTRIBUTION

    def __init__(self, roads: str | Path | pd.DataFrame, **terrain: object) -> None:
        super().__init__(**terrain)
        self.roads = roads

    def _adjust_core(self) -> None:
        """Give each grid step along a road the road's time where that is faster."""
        roads = self.roads if isinstance(self.roads, pd.DataFrame) else read_roads(self.roads)
        u, v, minutes = self._road_steps(roads)
        self.road_edges_ = len(u)
        if not len(u):
            return
        core = self.core_.copy()
        uu, vv = np.concatenate([u, v]), np.concatenate([v, u])
        ww = np.concatenate([minutes, minutes])
        now = np.asarray(core[uu, vv]).ravel()
        better = (now > 0) & (ww < now)  # both cells passable (an edge exists) and faster
        core[uu[better], vv[better]] = ww[better]
        self.core_ = core.tocsr()

    def _road_steps(self, roads: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Neighbouring-cell steps along every road, with the road's minutes per step."""
        grid = self.grid_
        ny, nx = grid.shape
        dlat = abs(float(grid.lat[1] - grid.lat[0])) if ny > 1 else 0.01
        us, vs, ws = [], [], []
        for geom, speed in zip(roads.geometry.values, roads["speed_kmh"], strict=True):
            for line in shapely.get_parts(geom):
                xy = shapely.get_coordinates(shapely.segmentize(line, dlat / 3))
                if len(xy) < 2:
                    continue
                inside = ((xy[:, 0] >= grid.lon.min()) & (xy[:, 0] <= grid.lon.max())
                          & (xy[:, 1] >= min(grid.lat)) & (xy[:, 1] <= max(grid.lat)))
                xy = xy[inside]
                if len(xy) < 2:
                    continue
                row, col = grid.locate(xy[:, 0], xy[:, 1])
                node = row * nx + col
                step = np.flatnonzero(node[1:] != node[:-1])
                a, b = node[step], node[step + 1]
                adjacent = (np.abs(row[step] - row[step + 1]) <= 1) & (
                    np.abs(col[step] - col[step + 1]) <= 1)
                a, b = a[adjacent], b[adjacent]
                ok = self.passable_.ravel()[a] & self.passable_.ravel()[b]
                a, b = a[ok], b[ok]
                km = self._core_edge_km(a, b)
                us.append(a)
                vs.append(b)
                ws.append(60.0 * km / float(speed))
        if not us:
            return np.array([], int), np.array([], int), np.array([], float)
        u, v, w = np.concatenate(us), np.concatenate(vs), np.concatenate(ws)
        key = pd.DataFrame({"u": np.minimum(u, v), "v": np.maximum(u, v), "w": w})
        key = key.groupby(["u", "v"], as_index=False)["w"].min()
        return key["u"].to_numpy(), key["v"].to_numpy(), key["w"].to_numpy()


def compare_with_terrain(ds, roads: str | Path | pd.DataFrame, top: int = 20,
                         **terrain: object) -> tuple[dict[str, float], pd.DataFrame]:
    """How the main roads change travel times against the terrain model alone.

    Returns the summary (``pairs``, ``median_change_min``, ``median_change_pct``,
    ``share_faster``) and the ``top`` pairs whose time changes most (origin, destination, names,
    terrain and hybrid minutes, change). Both models share every other parameter.
    """
    base = TerrainModel(**terrain).fit(ds).matrix()
    roads = roads if isinstance(roads, pd.DataFrame) else read_roads(roads)
    hybrid = HybridModel(roads, **terrain).fit(ds).matrix()
    key = ["origin", "destination"]
    both = base[[*key, "minutes"]].merge(hybrid[[*key, "minutes"]], on=key,
                                          suffixes=("_terrain", "_hybrid"))
    both = both[both["origin"] != both["destination"]]
    both["change_min"] = both["minutes_hybrid"] - both["minutes_terrain"]
    pct = 100 * both["change_min"] / both["minutes_terrain"].where(both["minutes_terrain"] > 0)
    summary = {"pairs": float(len(both)),
               "median_change_min": float(both["change_min"].median()),
               "median_change_pct": float(pct.median()),
               "share_faster": float((both["change_min"] < -0.5).mean())}
    names = ds.settlements.set_index("id")["name_ru"]
    order = both["change_min"].abs().sort_values(ascending=False).index
    out = both.loc[order[:top]].assign(origin_name=lambda f: f["origin"].map(names),
                                       destination_name=lambda f: f["destination"].map(names))
    return summary, out[["origin", "origin_name", "destination", "destination_name",
                         "minutes_terrain", "minutes_hybrid", "change_min"]].reset_index(drop=True)
