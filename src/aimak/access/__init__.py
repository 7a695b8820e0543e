"""Travel times between settlements and to facilities: terrain, roads, or straight lines.

``TerrainModel`` routes over the GEBCO elevation grid, ``RoadModel`` over a road network,
``HybridModel`` over the terrain with the main roads burnt in, ``StraightLineModel`` is the
labelled fallback. All three are fitted on settlements and return
long tables (``origin, destination, minutes, km, mode, provenance``). See docs/access.md.
"""

from pathlib import Path

from aimak.access.base import TIME_COLUMNS, AccessModel
from aimak.access.elevation import ElevationGrid, read_gebco
from aimak.access.friction import SpeedFunction
from aimak.access.hybrid import ATTRIBUTION as HYBRID_ATTRIBUTION
from aimak.access.hybrid import HybridModel
from aimak.access.roads import DEFAULT_SPEEDS_KMH, RoadModel, RoadNetwork
from aimak.access.straight import StraightLineModel
from aimak.access.terrain import TerrainModel

MODES = ("terrain", "roads", "straight", "hybrid")

__all__ = [
    "DEFAULT_SPEEDS_KMH", "HYBRID_ATTRIBUTION", "MODES", "TIME_COLUMNS", "ElevationGrid",
    "HybridModel", "RoadModel", "RoadNetwork", "SpeedFunction", "StraightLineModel",
    "TerrainModel", "make_model", "read_gebco",
]


def make_model(mode: str, roads: str | Path | RoadNetwork | None = None,
               **params: object) -> AccessModel:
    """The unfitted model of a mode (``terrain``, ``roads`` or ``straight``) with parameters.

    ``roads`` (a file or a ``RoadNetwork``) is required for ``roads`` and ignored otherwise.
    """
    from aimak.errors import AimakError

    if mode == "terrain":
        return TerrainModel(**params)
    if mode == "roads":
        if roads is None:
            raise AimakError("the roads mode needs a road network: give a road file "
                             "(.osm.pbf, .osm, GeoJSON or GeoPackage lines)")
        return RoadModel(roads, **params)
    if mode == "straight":
        return StraightLineModel(**params)
    if mode == "hybrid":
        if roads is None:
            raise AimakError("the hybrid mode needs a main-road layer with route_type and "
                             "surface (e.g. roads_globalmap_kg_1M.geojson)")
        return HybridModel(roads, **params)
    raise AimakError(f"unknown travel mode '{mode}'; expected one of {', '.join(MODES)}")
