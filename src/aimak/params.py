"""Typed, validated parameters of each stage, with their defaults in one place.

One pydantic model per stage (travel times per mode, flows, zones, solver) is used alike by the
CLI, the analysis config reader and the pipeline. Values are checked strictly at the boundary:
unknown keys, wrong types (``true`` is not 1, ``"5"`` is not 5), non-finite numbers (``inf``,
``nan``, ``1e309``) and out-of-range values are errors naming the file, the section, the key, the
value and what was expected (``check`` turns pydantic's errors into ``aimak.errors.Problem``).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from aimak.errors import InputError, Problem, shown
from aimak.zones import METHODS

#: Zoning parameters by method: a key of another method is an error, not silently ignored.
ZONE_KEYS: dict[str, tuple[str, ...]] = {
    "lma": ("min_size", "target_size", "min_sc", "target_sc"),
    "nodal": (),
    "leiden": ("resolution", "seed"),
    "intramax": ("n_zones",),
}


class Params(BaseModel):
    """Base of the stage parameters: strict types, finite numbers, no unknown keys."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)

    def given(self) -> dict[str, Any]:
        """The parameters as keyword arguments of the stage's model."""
        return self.model_dump()


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
    cell_factor: int = Field(2, ge=1, le=16)
    margin_deg: float = Field(0.1, ge=0)
    area: Literal["dataset"] = "dataset"
    area_buffer_km: float = Field(2.0, ge=0)
    elevation: str | None = None
    n_jobs: int = Field(-1, ge=-1)

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
    n_jobs: int = Field(-1, ge=-1)


class StraightParams(Params):
    """Great-circle distance times circuity (``aimak.access.straight.StraightLineModel``)."""

    mode: Literal["straight"] = "straight"
    circuity: float = Field(1.3, ge=1)
    speed_kmh: float = Field(40.0, gt=0)


AccessParams = TerrainParams | RoadParams | StraightParams
ACCESS_MODES: dict[str, type[Params]] = {"terrain": TerrainParams, "roads": RoadParams,
                                         "straight": StraightParams}


class FlowParams(Params):
    """The Huff model of modelled flows (``aimak.flows.model.model_flows``)."""

    beta: float | None = Field(None, gt=0, description="distance decay per minute")
    alpha: float | None = Field(None, ge=0, description="exponent of attractiveness")
    decay: Literal["exponential", "power"] = "exponential"
    max_minutes: float | None = Field(None, gt=0)
    snap_distance: float = Field(2000.0, ge=0, description="metres")
    calibrate: bool = True


class ZoneParams(Params):
    """Functional zones; LMA defaults are the R package's example and Istat's 2011 values."""

    method: Literal["lma", "nodal", "leiden", "intramax"] = "lma"
    min_size: float = Field(1000.0, ge=0)
    target_size: float = Field(10000.0, ge=0)
    min_sc: float = Field(0.6667, ge=0, le=1)
    target_sc: float = Field(0.75, ge=0, le=1)
    resolution: float = Field(1.0, gt=0)
    n_zones: int | None = Field(None, ge=1)
    seed: int = Field(0, ge=0)

    @model_validator(mode="after")
    def _order(self) -> ZoneParams:
        if self.target_size < self.min_size:
            raise ValueError(f"target_size ({self.target_size:g}) is below min_size "
                             f"({self.min_size:g}); expected target_size >= min_size")
        if self.target_sc < self.min_sc:
            raise ValueError(f"target_sc ({self.target_sc:g}) is below min_sc "
                             f"({self.min_sc:g}); expected target_sc >= min_sc")
        return self

    def applied(self) -> dict[str, Any]:
        """The parameters the chosen method uses (what the report states as applied)."""
        return {k: getattr(self, k) for k in ZONE_KEYS[self.method]
                if getattr(self, k) is not None}


class SolverParams(Params):
    """The solvers of each amalgamation scenario, run rayon by rayon (or oblast by oblast,
    ``aimak.plans.national.PartSolver``)."""

    time_limit: float = Field(40.0, gt=0, description="seconds of the exact solver per part")
    workers: int = Field(2, ge=1, description="CP-SAT threads of the exact solver")
    heuristic_time: float = Field(20.0, gt=0, description="seconds of the heuristic that "
                                  "stands in for the exact solver when it runs out of time")


#: A Dask scheduler address: ``tcp://host:port`` (also ``tls``, ``ucx``, ``ws``, ``wss``);
#: the host is a name, an IPv4 address or a bracketed IPv6 address.
SCHEDULER = re.compile(r"(tcp|tls|ucx|ws|wss)://([A-Za-z0-9][A-Za-z0-9._-]*|\[[0-9A-Fa-f:.]+\])"
                       r":(\d{1,5})")


class ComputeParams(Params):
    """Where the heavy steps run (``aimak.compute``, docs/scale.md): ``workers`` > 1 starts a
    local Dask cluster, ``scheduler`` connects to an existing one, ``chunk`` is the number of
    origins per travel-time task."""

    workers: int = Field(1, ge=1, description="Dask workers (> 1: a local cluster)")
    scheduler: str | None = Field(None, description="tcp://host:port of an existing cluster")
    chunk: int = Field(256, ge=1, description="origins per travel-time task")

    @model_validator(mode="after")
    def _address(self) -> ComputeParams:
        if self.scheduler is not None:
            found = SCHEDULER.fullmatch(self.scheduler)
            if not found or not 1 <= int(found.group(3)) <= 65535:
                raise ValueError(f"scheduler {shown(self.scheduler)} is not the address of a "
                                 "Dask cluster; expected tcp://host:port (or tls://, ucx://, "
                                 "ws://, wss://) with a port from 1 to 65535")
        return self

    @property
    def distributed(self) -> bool:
        """Whether the heavy steps run on Dask (a scheduler or more than one worker)."""
        return self.scheduler is not None or self.workers > 1


def compute_options(workers: int | None = None, scheduler: str | None = None,
                    chunk: int | None = None, base: ComputeParams | None = None
                    ) -> ComputeParams:
    """``base`` (default: the defaults) with the CLI options given, checked like the config's
    ``[compute]`` section; errors name the option (``--scheduler``)."""
    given = {"workers": workers, "scheduler": scheduler, "chunk": chunk}
    data = {**(base or ComputeParams()).model_dump(exclude_defaults=True),
            **{k: v for k, v in given.items() if v is not None}}
    return check(ComputeParams, data, key_name=lambda k: "--" + k)


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


class NormsParams(Params):
    """Administrative staff and cost norms (``aimak.plans.evaluate.AdminNorms``, whose defaults
    apply to the keys not given)."""

    base_staff: float | None = Field(None, ge=0)
    staff_per_1000: float | None = Field(None, ge=0)
    annual_cost_per_staff: float | None = Field(None, ge=0)
    currency: str | None = Field(None, min_length=1)
    source: str | None = Field(None, min_length=1)


assert set(ZONE_KEYS) == set(METHODS)


def check(cls: type[Params], data: Any, file: str | Path | None = None,
          section: str | None = None, key_name: Any = None) -> Params:
    """``cls`` built from ``data``, or an ``InputError`` naming file, section, key and value.

    ``key_name`` maps a key to the name the user wrote (e.g. ``min_size`` -> ``--min-size``).
    """
    label = str(file) if file else None
    if not isinstance(data, dict):
        raise InputError([Problem(f"{shown(data)} is not a table of settings; expected a "
                                  f"[{section}] section of keys", label, section=section)])
    if cls is ZoneParams and isinstance(data.get("method", "lma"), str):
        method = data.get("method", "lma")
        wrong = [k for k in data if k != "method" and k in ZoneParams.model_fields
                 and method in ZONE_KEYS and k not in ZONE_KEYS[method]]
        if wrong:
            raise InputError([Problem(
                f"does not apply to the method '{method}'; its keys are: "
                f"{', '.join(['method', *ZONE_KEYS[method]])}", label, section=section,
                key=(key_name or str)(k)) for k in wrong])
    try:
        return cls(**data)
    except ValidationError as exc:
        raise InputError([_problem(err, cls, data, label, section, key_name)
                          for err in exc.errors()]) from None


def _problem(err: dict, cls: type[Params], data: dict, file: str | None, section: str | None,
             key_name: Any) -> Problem:
    loc = err.get("loc") or ()
    key = str(loc[0]) if loc else None
    name = (key_name or str)(key) if key else None
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        known = ", ".join(sorted(cls.model_fields))
        return Problem(f"unknown key; known keys are: {known}", file, section=section, key=name)
    if kind == "missing":
        return Problem("a value is required", file, section=section, key=name)
    value = err.get("input")
    msg = str(err.get("msg", "invalid value"))
    msg = msg.removeprefix("Value error, ")
    if not key:  # a rule across keys, stated with the key first ("target_size (100) is ...")
        first = msg.split(" ", 1)[0]
        if first in cls.model_fields and key_name is not None:
            for field_name in cls.model_fields:
                msg = msg.replace(field_name, key_name(field_name))
        return Problem(msg, file, section=section,
                       key=(key_name or str)(first) if first in cls.model_fields else None)
    if isinstance(value, float) and not math.isfinite(value):
        return Problem(f"{shown(value)} is not a finite number; expected a finite number",
                       file, section=section, key=name)
    if isinstance(value, bool) and kind in ("float_type", "int_type"):
        msg = "expected a number, not true/false"
    else:
        msg = "expected: " + msg[0].lower() + msg[1:].replace("Input should be ", "")
        msg = msg.replace("input should be ", "")
    return Problem(f"{shown(value)} is not valid; {msg}", file, section=section, key=name)
