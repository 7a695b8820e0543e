"""Maps as inline SVG, drawn in Python: no map library, no tiles, works offline.

Geometries are projected to the dataset's metric CRS (Lambert azimuthal equal-area centred on
Kyrgyzstan by default), simplified to about one SVG unit, and written as SVG paths in a viewBox
``width`` units wide (y pointing down). The same drawing serves the interactive HTML map (every
layer in a ``<g class="layer">`` group, every feature numbered with ``data-i``) and the static
maps of the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import geopandas as gpd
import igraph as ig
import numpy as np
import shapely
from pyproj import CRS

#: Soft, distinguishable fills for neighbouring units (ColorBrewer Set3, colour-blind aware order).
PALETTE = ("#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69",
           "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f")


@dataclass
class Canvas:
    """Maps metric coordinates to SVG user units: x to the right, y downwards."""

    crs: CRS
    bounds: tuple[float, float, float, float]
    width: float = 1000.0
    pad: float = 10.0

    @classmethod
    def around(cls, frames: list[gpd.GeoDataFrame], crs: CRS, width: float = 1000.0
               ) -> Canvas:
        """A canvas fitting the total extent of ``frames`` (any CRS) in ``crs``."""
        boxes = np.array([f.to_crs(crs).total_bounds for f in frames if len(f)])
        if len(boxes) == 0:
            return cls(crs, (0.0, 0.0, 1.0, 1.0), width)
        b = (boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max())
        if b[2] - b[0] < 1 or b[3] - b[1] < 1:
            b = (b[0] - 500, b[1] - 500, b[2] + 500, b[3] + 500)
        return cls(crs, tuple(float(v) for v in b), width)

    @property
    def scale(self) -> float:
        """SVG units per metre."""
        return (self.width - 2 * self.pad) / (self.bounds[2] - self.bounds[0])

    @property
    def height(self) -> float:
        return (self.bounds[3] - self.bounds[1]) * self.scale + 2 * self.pad

    @property
    def tolerance(self) -> float:
        """Simplification tolerance in metres: a third of an SVG unit."""
        return 0.33 / self.scale

    def xy(self, coords: np.ndarray) -> np.ndarray:
        x = (coords[:, 0] - self.bounds[0]) * self.scale + self.pad
        y = (self.bounds[3] - coords[:, 1]) * self.scale + self.pad
        return np.round(np.column_stack([x, y]), 1)


def polygon_paths(frame: gpd.GeoDataFrame, canvas: Canvas, coverage: bool = False) -> list[str]:
    """SVG path data (``d``) for every (multi)polygon of ``frame``, holes kept (even-odd fill)."""
    geoms = frame.to_crs(canvas.crs).geometry.to_numpy()
    n = len(geoms)
    if n == 0:
        return []
    simplified = None
    if coverage and bool(shapely.coverage_is_valid(geoms)):
        try:
            simplified = shapely.coverage_simplify(geoms, canvas.tolerance)
        except shapely.errors.GEOSException:
            simplified = None  # e.g. a degenerate ring; plain simplification still works
    if simplified is None:
        simplified = shapely.simplify(geoms, canvas.tolerance, preserve_topology=True)
    parts, part_geom = shapely.get_parts(simplified, return_index=True)
    polys = shapely.get_type_id(parts) == shapely.GeometryType.POLYGON
    parts, part_geom = parts[polys], part_geom[polys]
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    pts = canvas.xy(coords)
    text = np.char.add(np.char.add(pts[:, 0].astype(str), ","), pts[:, 1].astype(str))
    starts = np.flatnonzero(np.r_[True, coord_ring[1:] != coord_ring[:-1]])
    ring_text = ["M" + " ".join(chunk[:-1]) + "Z" for chunk in np.split(text, starts[1:])]
    ring_geom = part_geom[ring_part[coord_ring[starts]]]
    out = [""] * n
    for g, t in zip(ring_geom, ring_text, strict=True):
        out[g] += t
    return out


def point_xy(frame: gpd.GeoDataFrame, canvas: Canvas) -> np.ndarray:
    """SVG coordinates of point features (representative points of other geometries)."""
    geoms = frame.to_crs(canvas.crs).geometry.to_numpy()
    if len(geoms) == 0:
        return np.zeros((0, 2))
    geoms = shapely.point_on_surface(geoms)
    return canvas.xy(shapely.get_coordinates(geoms))


def neighbour_colours(frame: gpd.GeoDataFrame, palette: tuple[str, ...] = PALETTE) -> list[str]:
    """Fill colours such that touching polygons differ (greedy graph colouring, igraph)."""
    geoms = frame.geometry.to_numpy()
    n = len(geoms)
    if n == 0:
        return []
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="intersects")
    keep = a < b
    graph = ig.Graph(n=n, edges=np.column_stack([a[keep], b[keep]]).tolist())
    colours = graph.vertex_coloring_greedy()
    return [palette[c % len(palette)] for c in colours]


@dataclass
class MapLayer:
    """One switchable layer of a map.

    ``kind`` is 'polygon', 'point' or 'line'; ``fill`` holds one colour per feature (or one for
    all); ``size`` the radius (points) or stroke width (lines) in SVG units; ``info`` one
    ``{"title": ..., "rows": [[label, value], ...]}`` per feature for the click panel.
    """

    id: str
    title: str
    kind: str
    frame: gpd.GeoDataFrame
    fill: list[str] | str = "#cccccc"
    stroke: str = "#555555"
    size: np.ndarray | float = 2.0
    visible: bool = True
    coverage: bool = False
    note: str = ""
    swatch: str = ""
    info: list[dict] = field(default_factory=list)
    opacity: float = 1.0


def _attr(**kw: object) -> str:
    return " ".join(f'{k.replace("_", "-")}="{escape(str(v))}"' for k, v in kw.items())


def render_layer(layer: MapLayer, canvas: Canvas, interactive: bool = True) -> str:
    """One ``<g>`` group with the layer's features."""
    n = len(layer.frame)
    fills = layer.fill if isinstance(layer.fill, list) else [layer.fill] * n
    sizes = np.broadcast_to(np.asarray(layer.size, dtype=float), (n,))
    items: list[str] = []
    tag_i = (lambda i: f' data-i="{i}"') if interactive else (lambda i: "")
    titles = [escape(str(x.get("title", ""))) for x in layer.info] if interactive else []

    def close(i: int, tag: str) -> str:
        """End of a feature's element: a tooltip with its name when there is one."""
        return f"><title>{titles[i]}</title></{tag}>" if i < len(titles) and titles[i] else "/>"
    if layer.kind == "polygon":
        for i, d in enumerate(polygon_paths(layer.frame, canvas, layer.coverage)):
            if d:
                items.append(f'<path d="{d}" fill="{fills[i]}"{tag_i(i)}'
                             + close(i, "path"))
    elif layer.kind == "point":
        xy = point_xy(layer.frame, canvas)
        for i in range(n):
            items.append(f'<circle cx="{xy[i, 0]}" cy="{xy[i, 1]}" r="{sizes[i]:.2f}" '
                         f'fill="{fills[i]}"{tag_i(i)}' + close(i, "circle"))
    elif layer.kind == "line":
        geoms = layer.frame.to_crs(canvas.crs).geometry.to_numpy()
        coords, idx = shapely.get_coordinates(geoms, return_index=True)
        pts = canvas.xy(coords)
        first = np.searchsorted(idx, np.arange(n))
        last = np.searchsorted(idx, np.arange(n), side="right") - 1
        for i in range(n):
            (x1, y1), (x2, y2) = pts[first[i]], pts[last[i]]
            items.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" '
                         f'stroke-width="{sizes[i]:.2f}"{tag_i(i)}' + close(i, "line"))
    else:
        raise ValueError(f"unknown layer kind '{layer.kind}'")
    style = "" if layer.visible else ' style="display:none"'
    stroke = layer.stroke if layer.kind != "line" else fills[0] if fills else layer.stroke
    width = {"polygon": 0.8, "point": 0.4}.get(layer.kind)
    extra = {"stroke_width": width, "fill_rule": "evenodd"} if width else {}
    if layer.kind == "line":
        extra = {"stroke_linecap": "round"}
    attrs = _attr(id=f"layer-{layer.id}", data_layer=layer.id, stroke=stroke,
                  opacity=layer.opacity, **extra)
    return f'<g class="layer {layer.kind}" {attrs}{style}>' + "".join(items) + "</g>"


def render_svg(layers: list[MapLayer], canvas: Canvas, interactive: bool = True,
               element_id: str = "map", title: str = "") -> str:
    """The whole map as one ``<svg>`` element (static maps include only visible layers)."""
    chosen = layers if interactive else [layer for layer in layers if layer.visible]
    body = "".join(render_layer(layer, canvas, interactive) for layer in chosen)
    label = f"<title>{escape(title)}</title>" if title else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(element_id)}" '
            f'viewBox="0 0 {canvas.width:.0f} {canvas.height:.0f}" '
            f'preserveAspectRatio="xMidYMid meet" role="img">{label}'
            f'<g class="viewport">{body}</g></svg>')
