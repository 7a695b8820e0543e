"""A SYNTHETIC large country for the scale benchmark (never real data).

Terrain: smoothed random noise on a ``rows x cols`` grid of 15-arc-second cells (valleys and
ranges from 300 to about 4,000 m). Settlements: drawn on cells with a probability that falls
with altitude (people live in valleys), lognormal populations. Municipalities: each settlement
joins its nearest of ``settlements / per_municipality`` seeds (Voronoi on the grid), which
gives contiguous municipalities of plausible size. Everything is seeded and labelled
``synthetic``; ``--quick`` in the benchmark uses a small case.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree

from aimak.access.elevation import ElevationGrid

CELL = 1 / 240  # 15 arc-seconds, as GEBCO
LON0, LAT0 = 70.0, 39.5


@dataclass
class SyntheticCountry:
    grid: ElevationGrid
    settlements: gpd.GeoDataFrame  # id, population, municipality, geometry (WGS84)


def make_country(rows: int, cols: int, settlements: int, per_municipality: int = 12,
                 seed: int = 0) -> SyntheticCountry:
    """A SYNTHETIC country: ``rows x cols`` terrain cells and ``settlements`` settlements."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((rows, cols)).astype(np.float32)
    z = ndimage.gaussian_filter(noise, sigma=max(rows, cols) / 40, mode="reflect")
    z = (z - z.min()) / (np.ptp(z) or 1.0)
    fine = ndimage.gaussian_filter(rng.standard_normal((rows, cols)).astype(np.float32), 3)
    z = 300 + 3700 * z ** 1.5 + 150 * fine / (np.abs(fine).max() or 1.0)
    lat = LAT0 + CELL * np.arange(rows)
    lon = LON0 + CELL * np.arange(cols)
    grid = ElevationGrid(z.astype(np.float32), lat, lon, "SYNTHETIC benchmark terrain")
    weight = np.exp(-z.ravel() / 500.0)
    cells = rng.choice(z.size, size=settlements, replace=False, p=weight / weight.sum())
    r, c = np.divmod(cells, cols)
    x = lon[c] + rng.uniform(-0.4, 0.4, settlements) * CELL
    y = lat[r] + rng.uniform(-0.4, 0.4, settlements) * CELL
    n_muni = max(1, settlements // per_municipality)
    seeds = rng.choice(settlements, size=n_muni, replace=False)
    scale = np.cos(np.radians(LAT0 + CELL * rows / 2))
    _, muni = cKDTree(np.c_[x[seeds] * scale, y[seeds]]).query(np.c_[x * scale, y])
    frame = gpd.GeoDataFrame({
        "id": [f"syn{i:06d}" for i in range(settlements)],
        "population": np.round(rng.lognormal(6.5, 1.0, settlements)).astype(int),
        "municipality": [f"m{m:05d}" for m in muni],
        "provenance": "synthetic"}, geometry=gpd.points_from_xy(x, y), crs=4326)
    return SyntheticCountry(grid, frame)
