"""Typed, validated parameters of each stage, with their defaults taken from the estimators.

One pydantic model per stage (travel times per mode, flows, zones, solver) is used alike by the
CLI, the analysis config reader and the pipeline. A parameter's default is the default of the
estimator it configures (``default_of``: ``LabourMarketAreas``, ``PlanSolver``, ...), so each
default is set once; ``tests/test_params.py`` checks that the models, the CLI's help and the
docs agree with them. Values are checked strictly at the boundary (``aimak.checks``): unknown
keys, wrong types, non-finite numbers and out-of-range values are errors naming the file, the
section, the key, the value and what was expected.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from aimak.access.roads import RoadModel
from aimak.access.straight import StraightLineModel
from aimak.access.terrain import TerrainModel
from aimak.checks import Params, check, default_of
from aimak.compute import ComputeParams, compute_options
from aimak.flows.model import model_flows
from aimak.plans.solver import PlanSolver
from aimak.zones import METHODS
from aimak.zones.leiden import LeidenZones
from aimak.zones.lma import LabourMarketAreas

__all__ = ["ACCESS_MODES", "AccessParams", "ComputeParams", "FlowParams", "ForecastParams",
           "Params", "RoadParams", "SolverParams", "StraightParams", "TerrainParams",
           "ZoneParams", "check", "compute_options"]

#: Zoning parameters by method: a key of another method is an error, not silently ignored.
ZONE_KEYS: dict[str, tuple[str, ...]] = {
    "lma": ("min_size", "target_size", "min_sc", "target_sc"),
    "nodal": (),
    "leiden": ("resolution", "seed"),
    "intramax": ("n_zones",),
}
assert set(ZONE_KEYS) == set(METHODS)

Profile = Literal["vehicle", "walk"]


class TerrainParams(Params):
    """Least-time paths over the elevation grid (``aimak.access.terrain.TerrainModel``)."""

    mode: Literal["terrain"] = "terrain"
    profile: Profile = "vehicle"
    max_speed_kmh: float | None = Field(None, gt=0)
    slope_penalty: float | None = Field(None, ge=0)
    altitude_factor: bool = True
    symmetric: bool = False
    closed_above_m: float | None = Field(None, gt=0)
    cell_factor: int = Field(default_of(TerrainModel, "cell_factor"), ge=1, le=16)
    margin_deg: float = Field(default_of(TerrainModel, "margin_deg"), ge=0)
    area: Literal["dataset"] = "dataset"
    area_buffer_km: float = Field(default_of(TerrainModel, "area_buffer_km"), ge=0)
    elevation: str | None = None
    n_jobs: int = Field(default_of(TerrainModel, "n_jobs"), ge=-1)

    @model_validator(mode="after")
    def _jobs(self) -> TerrainParams:
        if self.n_jobs == 0:
            raise ValueError("n_jobs = 0 runs nothing; expected -1 (all cores) or a count >= 1")
        return self


class RoadParams(Params):
    """Least-time paths over a road network (``aimak.access.roads.RoadModel``)."""

    mode: Literal["roads"] = "roads"
    roads: str
    offroad_profile: Profile = "vehicle"
    elevation: str | None = None
    max_leg_km: float | None = Field(None, gt=0)
    n_jobs: int = Field(default_of(RoadModel, "n_jobs"), ge=-1)


class StraightParams(Params):
    """Great-circle distance times circuity (``aimak.access.straight.StraightLineModel``)."""

    mode: Literal["straight"] = "straight"
    circuity: float = Field(default_of(StraightLineModel, "circuity"), ge=1)
    speed_kmh: float = Field(default_of(StraightLineModel, "speed_kmh"), gt=0)


class HybridParams(TerrainParams):
    """Terrain off-road, road speeds on a main-road layer (``aimak.access.hybrid.HybridModel``);
    ``roads``: a layer with Global Map's ``route_type`` and ``surface``."""

    mode: Literal["hybrid"] = "hybrid"  # type: ignore[assignment]
    roads: str


AccessParams = TerrainParams | RoadParams | StraightParams | HybridParams
ACCESS_MODES: dict[str, type[Params]] = {"terrain": TerrainParams, "roads": RoadParams,
                                         "straight": StraightParams, "hybrid": HybridParams}


class FlowParams(Params):
    """The Huff model of modelled flows (``aimak.flows.model.model_flows``)."""

    beta: float | None = Field(None, gt=0, description="distance decay per minute")
    alpha: float | None = Field(None, ge=0, description="exponent of attractiveness")
    decay: Literal["exponential", "power"] = default_of(model_flows, "decay")
    max_minutes: float | None = Field(None, gt=0)
    snap_distance: float = Field(default_of(model_flows, "snap_distance"), ge=0,
                                 description="metres")
    calibrate: bool = default_of(model_flows, "calibrate")


class ZoneParams(Params):
    """Functional zones; LMA defaults are the R package's example and Istat's 2011 values
    (``LabourMarketAreas``), Leiden's those of ``LeidenZones``."""

    method: Literal["lma", "nodal", "leiden", "intramax"] = "lma"
    min_size: float = Field(float(default_of(LabourMarketAreas, "min_size")), ge=0)
    target_size: float = Field(float(default_of(LabourMarketAreas, "target_size")), ge=0)
    min_sc: float = Field(default_of(LabourMarketAreas, "min_sc"), ge=0, le=1)
    target_sc: float = Field(default_of(LabourMarketAreas, "target_sc"), ge=0, le=1)
    resolution: float = Field(default_of(LeidenZones, "resolution"), gt=0)
    n_zones: int | None = Field(None, ge=1)
    seed: int = Field(default_of(LeidenZones, "seed"), ge=0)

    @model_validator(mode="after")
    def _order(self) -> ZoneParams:
        if self.target_size < self.min_size:
            raise ValueError(f"target_size ({self.target_size:g}) is below min_size "
                             f"({self.min_size:g}); expected target_size >= min_size")
        if self.target_sc < self.min_sc:
            raise ValueError(f"target_sc ({self.target_sc:g}) is below min_sc "
                             f"({self.min_sc:g}); expected target_sc >= min_sc")
        return self

    @classmethod
    def misplaced(cls, data: dict[str, Any]) -> list[str]:
        method = data.get("method", "lma")
        if not isinstance(method, str) or method not in ZONE_KEYS:
            return []
        return [k for k in data if k != "method" and k in cls.model_fields
                and k not in ZONE_KEYS[method]]

    @classmethod
    def misplaced_message(cls, data: dict[str, Any]) -> str:
        method = data.get("method", "lma")
        return (f"does not apply to the method '{method}'; its keys are: "
                f"{', '.join(['method', *ZONE_KEYS[method]])}")

    def applied(self) -> dict[str, Any]:
        """The parameters the chosen method uses (what the report states as applied)."""
        return {k: getattr(self, k) for k in ZONE_KEYS[self.method]
                if getattr(self, k) is not None}


class SolverParams(Params):
    """The solving policy of each amalgamation scenario (``aimak.plans.solver.PlanSolver``,
    rayon by rayon or oblast by oblast)."""

    time_limit: float = Field(default_of(PlanSolver, "time_limit"), gt=0,
                              description="seconds of the exact solver per part")
    workers: int = Field(default_of(PlanSolver, "exact_workers"), ge=1,
                         description="CP-SAT threads of the exact solver")
    heuristic_time: float = Field(default_of(PlanSolver, "heuristic_time"), gt=0,
                                  description="seconds of the heuristic that stands in for the "
                                  "exact solver when it runs out of time")

    def solver(self, **where: Any) -> PlanSolver:
        """The ``PlanSolver`` these settings describe (``where``: workers, scheduler)."""
        return PlanSolver(time_limit=self.time_limit, exact_workers=self.workers,
                          heuristic_time=self.heuristic_time, **where)


class ForecastParams(Params):
    """The ``[forecast]`` section: keys not given take the defaults of ``aimak.forecast``
    (``territory.POVERTY_MODEL`` and ``HORIZON_YEAR``), which stay the only ones."""

    enabled: bool | None = None
    horizon_year: int | None = Field(None, ge=2000, le=2100)
    target: str | None = Field(None, min_length=1)
    drivers: list[str] | None = None
    horizon: int | None = Field(None, ge=1)
    alpha: float | None = Field(None, gt=0, lt=1)
    min_origins: int | None = Field(None, ge=1)
    calibration_origins: int | None = Field(None, ge=1)

    def given(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)
