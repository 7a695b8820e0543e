"""Small SYNTHETIC inputs for the access tests: an elevation grid, settlements, roads, datasets.

Nothing here is real data: grids are analytic surfaces, settlements and roads are invented
points placed near 41 N 72 E so that they fall inside Kyrgyzstan's bounds.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.io import netcdf_file

from aimak.access.elevation import ElevationGrid
from aimak.dataset import Dataset

CELL = 1 / 240  # 15 arc-seconds, as GEBCO
LON0, LAT0 = 72.0, 41.0


def grid(ny: int = 30, nx: int = 40, hill_m: float = 800.0, base_m: float = 900.0,
         seed: int | None = None, rough_m: float = 0.0) -> ElevationGrid:
    """Synthetic terrain: a Gaussian hill in the middle of a plain, optionally roughened."""
    lat = LAT0 + CELL * np.arange(ny)
    lon = LON0 + CELL * np.arange(nx)
    yy, xx = np.meshgrid(np.linspace(-1, 1, ny), np.linspace(-1, 1, nx), indexing="ij")
    z = base_m + hill_m * np.exp(-(xx**2 + yy**2) / 0.2)
    if seed is not None and rough_m:
        z = z + np.random.default_rng(seed).uniform(0, rough_m, z.shape)
    return ElevationGrid(z.astype(np.float32), lat, lon, "synthetic test grid")


def flat_grid(ny: int = 10, nx: int = 20, z_m: float = 0.0) -> ElevationGrid:
    """Synthetic flat terrain at sea level (default), so speeds are the profile's flat speed."""
    lat = LAT0 + CELL * np.arange(ny)
    lon = LON0 + CELL * np.arange(nx)
    return ElevationGrid(np.full((ny, nx), z_m, np.float32), lat, lon, "synthetic flat grid")


def write_netcdf(g: ElevationGrid, path: Path) -> Path:
    """Write a grid as a GEBCO-style netCDF-3 file (variables lat, lon, elevation)."""
    with netcdf_file(path, "w") as nc:
        nc.createDimension("lat", len(g.lat))
        nc.createDimension("lon", len(g.lon))
        nc.createVariable("lat", "d", ("lat",))[:] = g.lat
        nc.createVariable("lon", "d", ("lon",))[:] = g.lon
        nc.createVariable("elevation", "h", ("lat", "lon"))[:] = np.rint(g.z).astype(np.int16)
    return path


def cell_points(cells: list[tuple[int, int]], prefix: str = "s") -> gpd.GeoDataFrame:
    """Settlements at the centres of the given (row, col) cells of ``grid``/``flat_grid``."""
    lon = [LON0 + CELL * c for _, c in cells]
    lat = [LAT0 + CELL * r for r, _ in cells]
    return gpd.GeoDataFrame({"id": [f"{prefix}{i}" for i in range(len(cells))]},
                            geometry=gpd.points_from_xy(lon, lat), crs=4326)


def dataset(points: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame | None = None) -> Dataset:
    """A minimal valid Dataset holding ``points`` as the villages of one synthetic ayil aimak."""
    n = len(points)
    hull = shapely.box(*points.total_bounds).buffer(0.01)
    names = {"name_ru": "Тест", "name_ky": None, "name_en": "Test"}
    settlements = gpd.GeoDataFrame({
        "id": points["id"].to_numpy(), "name_ru": points["id"].to_numpy(), "name_ky": None,
        "name_en": points["id"].to_numpy(), "kind": "village", "population": 100.0,
        "population_year": 2021, "population_source": "estimated",
        "municipality_code": "41703000000001", "rayon": "Test", "oblast": "Test",
        "is_municipal_centre": [i == 0 for i in range(n)]}, geometry=points.geometry.values,
        crs=4326)
    municipalities = gpd.GeoDataFrame({
        "code": ["41703000000001"], **{k: [v] for k, v in names.items()}, "kind": ["ayil_aimak"],
        "rayon": ["Test"], "oblast": ["Test"], "centre_id": [points["id"].iloc[0]],
        "population": [100.0 * n], "territory_source": ["approximate"]}, geometry=[hull],
        crs=4326)
    rayons = gpd.GeoDataFrame({"code": ["41703000000000"], **{k: [v] for k, v in names.items()},
                               "kind": ["rayon"], "oblast": ["Test"]}, geometry=[hull], crs=4326)
    oblasts = gpd.GeoDataFrame({"code": ["41703000000"], **{k: [v] for k, v in names.items()}},
                               geometry=[hull], crs=4326)
    if facilities is None:
        facilities = gpd.GeoDataFrame({"id": pd.Series(dtype=str), "type": pd.Series(dtype=str),
                                       "name": pd.Series(dtype=str),
                                       "source": pd.Series(dtype=str)},
                                      geometry=gpd.GeoSeries([], crs=4326), crs=4326)
    return Dataset(settlements, municipalities, rayons, oblasts, facilities)


def facilities(points: gpd.GeoDataFrame, types: list[str]) -> gpd.GeoDataFrame:
    """Synthetic facilities at the given points, with the given types."""
    return gpd.GeoDataFrame({"id": [f"f{i}" for i in range(len(points))], "type": types,
                             "name": [f"synthetic {t}" for t in types],
                             "source": "synthetic"}, geometry=points.geometry.values, crs=4326)


def write_osm(path: Path, nodes: dict[int, tuple[float, float]],
              ways: list[tuple[list[int], dict[str, str]]]) -> Path:
    """Write a tiny OSM file (.osm.pbf or .osm, by suffix) with pyosmium."""
    import osmium
    from osmium.osm.mutable import Node, Way

    if path.exists():
        path.unlink()
    writer = osmium.SimpleWriter(str(path))
    try:
        for i, loc in nodes.items():
            writer.add_node(Node(id=i, location=loc))
        for k, (refs, tags) in enumerate(ways, start=1):
            writer.add_way(Way(id=k, nodes=refs, tags=tags))
    finally:
        writer.close()
    return path
