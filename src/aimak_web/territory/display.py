"""How the explorer's map shows a plan: a colour per unit such that no two neighbouring units
share one (a greedy graph colouring of the units' adjacency, igraph), and a label point per unit
(inside its territory) for the centre's name."""

from __future__ import annotations

import json

import igraph as ig
import shapely
from shapely.geometry import shape

#: colours distinguishable by people with the common colour-vision deficiencies (Okabe–Ito),
#: then four more; a plan needs rarely more than five (the map is nearly planar)
PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
           "#999999", "#8DD3C7", "#BEBADA", "#FB8072", "#80B1D3"]


def _geometry(codes: tuple[str, ...]) -> tuple[dict[str, object], frozenset[tuple[str, str]]]:
    """The municipalities' shapes and the pairs that touch (shared border or corner); read on
    each call (a few dozen polygons, milliseconds), so that a re-imported directory counts."""
    from aimak_web.places.models import Municipality

    shapes = {}
    for m in Municipality.objects.filter(code__in=codes).only("code", "territory"):
        if m.territory:
            shapes[m.code] = shapely.make_valid(shape(json.loads(m.territory)))
    keys = list(shapes)
    if not keys:  # municipalities without territories (a directory imported without them)
        return shapes, frozenset()
    geoms = [shapes[k] for k in keys]
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = frozenset((keys[i], keys[j]) for i, j in zip(left, right, strict=True) if i < j)
    return shapes, pairs


def unit_adjacency(mapping: list[dict]) -> tuple[list[str], set[tuple[int, int]]]:
    """(units, edges between indices of units whose municipalities touch)."""
    unit_of = {r["old_code"]: r["new_unit"] for r in mapping}
    units = sorted(set(unit_of.values()))
    index = {u: i for i, u in enumerate(units)}
    _shapes, pairs = _geometry(tuple(sorted(unit_of)))
    edges = set()
    for a, b in pairs:
        ua, ub = index[unit_of[a]], index[unit_of[b]]
        if ua != ub:
            edges.add((min(ua, ub), max(ua, ub)))
    return units, edges


def unit_colours(mapping: list[dict]) -> dict[str, int]:
    """Unit → index into ``PALETTE``; neighbouring units never share an index."""
    units, edges = unit_adjacency(mapping)
    graph = ig.Graph(n=len(units), edges=sorted(edges))
    colours = graph.vertex_coloring_greedy(method="dsatur") if units else []
    return {u: int(c) for u, c in zip(units, colours, strict=True)}


def unit_display(mapping: list[dict]) -> dict[str, dict]:
    """Unit → {colour, lat, lon}: its map colour and a point inside it for its label."""
    colours = unit_colours(mapping)
    shapes, _pairs = _geometry(tuple(sorted(r["old_code"] for r in mapping)))
    members: dict[str, list] = {}
    for r in mapping:
        if r["old_code"] in shapes:
            members.setdefault(r["new_unit"], []).append(shapes[r["old_code"]])
    out = {}
    for unit, colour in colours.items():
        point = shapely.union_all(members[unit]).point_on_surface() if unit in members else None
        out[unit] = {"colour": PALETTE[colour % len(PALETTE)], "colour_index": colour,
                     "lat": round(point.y, 5) if point else None,
                     "lon": round(point.x, 5) if point else None}
    return out
