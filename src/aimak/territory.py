"""Approximate municipal territories from settlement points (Voronoi cells clipped to regions).

Where official municipal boundaries are not published, each settlement gets the part of its
rayon closer to it than to any other settlement of that rayon (a Voronoi cell), and the cells are
dissolved by municipality. The result covers every region exactly once, so municipalities are
valid, non-overlapping and together cover each rayon; they are marked ``approximate``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely


def voronoi_territories(points: gpd.GeoDataFrame, label: str, regions: gpd.GeoDataFrame,
                        region: str, point_region: str | None = None) -> gpd.GeoDataFrame:
    """Dissolve Voronoi cells of ``points`` clipped to ``regions`` by the ``label`` column.

    ``points[point_region]`` (default: the same name as ``region``) names the region (a value
    of ``regions[region]``) each point lies in;
    both frames must share one metric CRS. Points at identical coordinates share one cell,
    which goes to the first of them. Returns one (Multi)Polygon per label.
    """
    point_region = point_region or region
    pieces_geom, pieces_label = [], []
    for reg_id, reg_geom in zip(regions[region], regions.geometry, strict=True):
        pts = points[points[point_region] == reg_id]
        if pts.empty:
            continue
        xy = shapely.get_coordinates(pts.geometry.values)
        _, first = np.unique(np.round(xy, 3), axis=0, return_index=True)
        first = np.sort(first)
        labels = pts[label].to_numpy()[first]
        if len(first) == 1:
            pieces_geom.append(reg_geom)
            pieces_label.append(labels[0])
            continue
        cells = shapely.get_parts(shapely.voronoi_polygons(
            shapely.multipoints(xy[first]), extend_to=reg_geom))
        # GEOS returns cells in its own order: find each cell's generating point.
        tree = shapely.STRtree(cells)
        pt_idx, cell_idx = tree.query(shapely.points(xy[first]), predicate="intersects")
        owner = np.full(len(cells), -1)
        owner[cell_idx[::-1]] = pt_idx[::-1]  # first point wins a shared boundary
        clipped = shapely.intersection(cells, reg_geom)
        keep = owner >= 0
        pieces_geom.extend(clipped[keep])
        pieces_label.extend(labels[owner[keep]])
    pieces = gpd.GeoDataFrame({label: pieces_label}, geometry=pieces_geom, crs=points.crs)
    out = pieces.dissolve(by=label, as_index=False)
    out["geometry"] = _polygonal(out.geometry.values)
    return out


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Make geometries valid and keep only their polygonal parts (drop slivers of lines)."""
    fixed = shapely.make_valid(geoms)
    out = []
    for g in fixed:
        if g.geom_type in ("Polygon", "MultiPolygon"):
            out.append(g)
            continue
        polys = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
        out.append(shapely.union_all(polys) if polys else shapely.Polygon())
    return np.asarray(out, dtype=object)


def overlap_area(polys: gpd.GeoSeries) -> float:
    """Total area covered more than once (0 for a proper partition), in CRS units squared."""
    total = float(polys.area.sum())
    union = float(shapely.union_all(polys.values).area)
    return max(total - union, 0.0)


def coverage_gap(polys: gpd.GeoSeries, region: shapely.Geometry) -> float:
    """Area of ``region`` not covered by ``polys``."""
    return float(shapely.difference(region, shapely.union_all(polys.values)).area)


__all__ = ["coverage_gap", "overlap_area", "voronoi_territories"]
