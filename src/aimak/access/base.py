"""What every travel-time model shares: fitted points, long-form output, facility look-up.

A model is fitted on a set of points (settlements) and then answers ``matrix`` (origin x
destination minutes and km) and ``nearest`` (each settlement's nearest facility of each type).
Output tables are long form: ``origin, destination, minutes, km, mode, provenance``; pairs with
no route (stranded settlements, or beyond the cutoff) are left out and counted in the table's
``attrs["unreachable"]`` (using a fitted model never changes it).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sklearn.base import BaseEstimator

from aimak.crs import WGS84
from aimak.errors import AimakError, InputError, Problem

#: Columns of every travel-time table aimak writes.
TIME_COLUMNS = ["origin", "destination", "minutes", "km", "mode", "provenance"]
#: Provenance of a time whose origin or destination is a settlement placed approximately (at its
#: municipality's centre, ``location_source = approximate``): the centre's time, not the
#: village's (its time to that centre reads 0).
APPROXIMATE_LOCATION = "approximate_location"


def points_frame(points: Any, what: str = "settlement") -> gpd.GeoDataFrame:
    """Settlement-like points (``id`` + Point geometry) in WGS84 from a Dataset or a frame."""
    frame = getattr(points, "settlements", points)
    if not isinstance(frame, gpd.GeoDataFrame) or "id" not in frame.columns:
        raise TypeError(f"expected a Dataset or a GeoDataFrame of {what}s with an 'id' column")
    if frame.crs is not None and not frame.crs.equals(WGS84):
        frame = frame.to_crs(WGS84)
    geom = frame.geometry.values
    problems = [Problem(f"the {what} '{i}' has no point location")
                for i, bad in zip(frame["id"], shapely.get_type_id(geom) != 0, strict=True)
                if bad]
    dup = frame["id"][frame["id"].duplicated()].unique()
    problems += [Problem(f"the {what} id '{i}' appears more than once") for i in dup]
    if problems:
        raise InputError(problems)
    return frame.reset_index(drop=True)


def long_frame(origins: np.ndarray, destinations: np.ndarray, minutes: np.ndarray,
               km: np.ndarray, mode: str, provenance: str) -> tuple[pd.DataFrame, int]:
    """Long table of the finite entries of an origins x destinations matrix, and the count left
    out because they are unreachable (infinite)."""
    ok = np.isfinite(minutes)
    i, j = np.nonzero(ok)
    frame = pd.DataFrame({
        "origin": np.asarray(origins, dtype=object)[i],
        "destination": np.asarray(destinations, dtype=object)[j],
        "minutes": minutes[i, j].astype(float),
        "km": km[i, j].astype(float),
        "mode": mode,
        "provenance": provenance,
    })
    return frame, int((~ok).sum())


class AccessModel(BaseEstimator):
    """Base class: subclasses set ``mode``/``provenance`` and implement ``_solve``."""

    mode = "abstract"
    provenance = "modelled"

    def _note_approximate(self, frame: pd.DataFrame) -> None:
        """Remember the fitted settlements placed approximately (``approximate_``: ids)."""
        where = frame.get("location_source")
        self.approximate_ = (frame.loc[where.astype(str).eq("approximate").to_numpy(), "id"]
                             .to_numpy(dtype=object) if where is not None
                             else np.array([], dtype=object))

    def _mark_approximate(self, frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
        """Rows of a time table touching an approximately placed settlement say so."""
        approx = getattr(self, "approximate_", ())
        if len(approx) and len(frame):
            hit = np.zeros(len(frame), dtype=bool)
            for col in columns:
                hit |= frame[col].isin(approx).to_numpy()
            frame.loc[hit, "provenance"] = APPROXIMATE_LOCATION
        return frame

    def _check_fitted(self) -> None:
        if not hasattr(self, "ids_"):
            raise AimakError(f"the {type(self).__name__} must be fitted before use")

    def _index(self, ids: Any, what: str) -> np.ndarray:
        """Positions of ``ids`` among the fitted points (all of them when ``ids`` is None)."""
        self._check_fitted()
        if ids is None:
            return np.arange(len(self.ids_))
        pos = pd.Index(self.ids_).get_indexer(pd.Index(np.asarray(ids, dtype=object)))
        if (pos < 0).any():
            unknown = np.asarray(ids, dtype=object)[pos < 0]
            raise InputError([Problem(f"the {what} '{u}' is not one of the fitted settlements")
                              for u in unknown])
        return pos

    def _solve(self, src: np.ndarray, dst: np.ndarray, cutoff: float | None
               ) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def matrix(self, origins: Any = None, destinations: Any = None,
               cutoff: float | None = None) -> pd.DataFrame:
        """Travel times (minutes) and path lengths (km) between fitted settlements, long form.

        ``cutoff`` (minutes) leaves out longer trips. The number of pairs left out (beyond the
        cutoff or without any route) is in ``frame.attrs["unreachable"]``.
        """
        if cutoff is not None and not cutoff > 0:
            raise AimakError("the cutoff must be a positive number of minutes")
        src, dst = self._index(origins, "origin"), self._index(destinations, "destination")
        minutes, km = self._solve(src, dst, cutoff)
        if cutoff is not None:
            minutes = np.where(minutes <= cutoff, minutes, np.inf)
        frame, unreachable = long_frame(self.ids_[src], self.ids_[dst], minutes, km,
                                        self.mode, self.provenance)
        frame = self._mark_approximate(frame, "origin", "destination")
        frame.attrs["unreachable"] = unreachable
        return frame

    def _nearest_one(self, facilities: gpd.GeoDataFrame, cutoff: float | None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per fitted settlement: minutes, km and index (into ``facilities``) of the nearest."""
        raise NotImplementedError

    def nearest(self, facilities: Any, by: str = "type", cutoff: float | None = None
                ) -> pd.DataFrame:
        """Each settlement's nearest facility (by travel time) of each ``by`` group, long form.

        The output has the travel-time columns plus ``facility_type``; settlements with no
        facility of a type within reach (or within ``cutoff`` minutes) get no row for it; their
        number is in ``frame.attrs["unreachable"]``.
        """
        self._check_fitted()
        frame = points_frame(getattr(facilities, "facilities", facilities), "facility")
        if by not in frame.columns:
            raise AimakError(f"the facilities have no column '{by}' to group them by")
        parts, unreachable = [], 0
        for kind, group in frame.groupby(by, sort=True):
            group = group.reset_index(drop=True)
            minutes, km, which = self._nearest_one(group, cutoff)
            if cutoff is not None:
                minutes = np.where(minutes <= cutoff, minutes, np.inf)
            ok = np.isfinite(minutes)
            unreachable += int((~ok).sum())
            parts.append(pd.DataFrame({
                "origin": self.ids_[ok], "destination": group["id"].to_numpy(object)[which[ok]],
                "minutes": minutes[ok], "km": km[ok], "mode": self.mode,
                "provenance": self.provenance, "facility_type": kind}))
        out = (pd.concat(parts, ignore_index=True) if parts
               else pd.DataFrame(columns=[*TIME_COLUMNS, "facility_type"]))
        out = self._mark_approximate(out, "origin")
        out.attrs["unreachable"] = unreachable
        return out
