"""Travel times between settlements and to facilities: terrain, roads, or straight lines.

``TerrainModel`` routes over the GEBCO elevation grid, ``RoadModel`` over a road network,
``StraightLineModel`` is the labelled fallback. All three are fitted on settlements and return
long tables (``origin, destination, minutes, km, mode, provenance``). See docs/access.md.
"""

from aimak.access.base import TIME_COLUMNS
from aimak.access.elevation import ElevationGrid, read_gebco
from aimak.access.friction import SpeedFunction
from aimak.access.roads import DEFAULT_SPEEDS_KMH, RoadModel, RoadNetwork
from aimak.access.straight import StraightLineModel
from aimak.access.terrain import TerrainModel

MODES = ("terrain", "roads", "straight")

__all__ = [
    "DEFAULT_SPEEDS_KMH", "MODES", "TIME_COLUMNS", "ElevationGrid", "RoadModel", "RoadNetwork",
    "SpeedFunction", "StraightLineModel", "TerrainModel", "read_gebco",
]
