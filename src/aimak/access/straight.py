"""Straight-line fallback: great-circle distance times a circuity factor, at a fixed speed.

Used only when neither terrain nor roads can be routed over; its output is labelled mode
``straight`` and provenance ``approximated`` so that nobody mistakes it for a routed time.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod

from aimak.access.base import AccessModel, points_frame
from aimak.errors import AimakError

GEOD = Geod(ellps="WGS84")

#: Default ratio of road distance to straight-line distance (see docs/access.md).
DEFAULT_CIRCUITY = 1.3
#: Default average speed (km/h) applied to the circuitous distance.
DEFAULT_SPEED_KMH = 40.0


def great_circle_km(lon0: np.ndarray, lat0: np.ndarray, lon1: np.ndarray, lat1: np.ndarray
                    ) -> np.ndarray:
    """Geodesic distance in km on the WGS84 ellipsoid, element-wise."""
    _, _, d = GEOD.inv(np.asarray(lon0, float), np.asarray(lat0, float),
                       np.asarray(lon1, float), np.asarray(lat1, float))
    return np.asarray(d, float) / 1000.0


class StraightLineModel(AccessModel):
    """Minutes = great-circle km x ``circuity`` / ``speed_kmh`` x 60; km = circuitous km."""

    mode = "straight"
    provenance = "approximated"

    def __init__(self, circuity: float = DEFAULT_CIRCUITY,
                 speed_kmh: float = DEFAULT_SPEED_KMH) -> None:
        self.circuity = circuity
        self.speed_kmh = speed_kmh

    def fit(self, points: object) -> StraightLineModel:
        """Remember the settlements' ids and coordinates."""
        if not self.circuity >= 1:
            raise AimakError("the circuity factor must be at least 1 (road distance is never "
                             "shorter than the straight line)")
        if not self.speed_kmh > 0:
            raise AimakError("the speed must be a positive number of km/h")
        frame = points_frame(points)
        self.ids_ = frame["id"].to_numpy(dtype=object)
        self._note_approximate(frame)
        self.lon_ = shapely.get_x(frame.geometry.values)
        self.lat_ = shapely.get_y(frame.geometry.values)
        self.stranded_ = self.ids_[:0]
        return self

    def _km(self, lon0: np.ndarray, lat0: np.ndarray, lon1: np.ndarray, lat1: np.ndarray
            ) -> np.ndarray:
        a, b = np.meshgrid(np.arange(len(lon0)), np.arange(len(lon1)), indexing="ij")
        km = great_circle_km(lon0[a.ravel()], lat0[a.ravel()], lon1[b.ravel()], lat1[b.ravel()])
        return km.reshape(a.shape) * self.circuity

    def _solve(self, src: np.ndarray, dst: np.ndarray, cutoff: float | None
               ) -> tuple[np.ndarray, np.ndarray]:
        km = self._km(self.lon_[src], self.lat_[src], self.lon_[dst], self.lat_[dst])
        return km / self.speed_kmh * 60.0, km

    def _nearest_one(self, facilities: gpd.GeoDataFrame, cutoff: float | None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        g = facilities.geometry.values
        km = self._km(self.lon_, self.lat_, shapely.get_x(g), shapely.get_y(g))
        which = np.argmin(km, axis=1)
        best = km[np.arange(len(km)), which]
        return best / self.speed_kmh * 60.0, best, which
