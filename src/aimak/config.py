"""The analysis config: what a run needs (``Config``), read and checked from TOML before any
work starts.

Every key of every section is checked at once, with the stage parameter objects of
``aimak.params``; the files it names (dataset, observed flows, criteria, roads, elevation) must
exist and the criteria must parse. Every problem names the file, the section, the key, the value
and what was expected; all of them are reported together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aimak.errors import InputError, Problem, shown
from aimak.i18n import LANGUAGES
from aimak.io import read_toml
from aimak.params import (
    ACCESS_MODES,
    AccessParams,
    ComputeParams,
    FlowParams,
    ForecastParams,
    SolverParams,
    TerrainParams,
    ZoneParams,
    check,
)
from aimak.plans.criteria import Criteria

#: Report formats (as ``aimak.report.FORMATS``, kept here so that checking needs no report code).
FORMATS = ("html", "pdf", "xlsx", "gpkg")
SECTIONS = ("access", "flows", "zones", "plans", "solver", "forecast", "compute")
SCALARS = ("out", "lang", "title", "dataset", "source", "oblast", "observed_flows", "formats",
           "official_plan")

#: The demo's amalgamation scenarios: built-in criteria files of ``aimak.plans``.
DEMO_PLANS = ("accessibility", "moderate", "population")

#: The demo's zoning: settlement-level flows in Jalal-Abad are smaller than the commuting tables
#: the LMA defaults (``aimak.zones.lma.LabourMarketAreas``) were set for; a choice of the demo,
#: not a default.
DEMO_ZONES = ZoneParams(min_size=3000, target_size=20000, min_sc=0.5, target_sc=0.7)


@dataclass
class Config:
    """Everything a run needs; ``aimak analyze`` reads it from TOML (see README).

    Stage parameters are the checked objects of ``aimak.params``, whose defaults come from the
    estimators they configure; ``read`` checks the whole file before any work starts.
    """

    out: Path = Path("out/demo")
    lang: str = "ru"
    #: Either a dataset GeoPackage ...
    dataset: Path | None = None
    #: ... or the Kyrgyz builder's source folder (None: the shared data folder or a download)
    #: and oblast.
    source: Path | None = None
    oblast: str | None = "jalal-abad"
    access: AccessParams = field(default_factory=TerrainParams)
    observed_flows: list[Path] = field(default_factory=list)
    flows: FlowParams = field(default_factory=FlowParams)
    zones: ZoneParams = field(default_factory=ZoneParams)
    #: Plan name -> criteria: a built-in name ("accessibility") or a TOML path.
    plans: dict[str, str] = field(default_factory=lambda: {p: p for p in DEMO_PLANS})
    solver: SolverParams = field(default_factory=SolverParams)
    formats: tuple[str, ...] = FORMATS
    title: str | None = None
    #: Forecast section (docs/forecast.md): ``enabled``, ``horizon_year`` of the population
    #: projection, and the poverty model's settings (``drivers``, ``horizon``, ...).
    forecast: dict[str, Any] = field(default_factory=dict)
    #: A published plan to explain (``aimak.plans.official``): adds the "Official plan" section.
    official_plan: Path | None = None
    #: Where heavy steps run (docs/scale.md): ``workers`` (> 1: a local Dask cluster),
    #: ``scheduler`` (address of an existing one), ``chunk`` (origins per matrix task).
    compute: ComputeParams = field(default_factory=ComputeParams)

    @classmethod
    def read(cls, path: str | Path) -> Config:
        """Read and check an analysis config (TOML); see ``read_config``."""
        return read_config(path)


def read_config(path: str | Path) -> Config:
    """The checked ``Config`` of an analysis TOML file; relative paths are relative to it."""
    path = Path(path)
    data = read_toml(path, "config file")
    base = path.parent
    file = str(path)
    problems: list[Problem] = []

    def problem(message: str, key: str | None = None, section: str | None = None) -> None:
        problems.append(Problem(message, file, section=section, key=key))

    unknown = sorted(set(data) - set(SCALARS) - set(SECTIONS))
    for key in unknown:
        problem(f"unknown setting; known settings are {', '.join(sorted(SCALARS + SECTIONS))}",
                key)
    kwargs: dict[str, Any] = {}
    for key in ("out", "title", "oblast", "dataset", "source", "lang", "official_plan"):
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            problem(f"{shown(data[key])} is not valid; expected a non-empty text", key)
        elif key in data:
            kwargs[key] = data[key]
    if "lang" in kwargs and kwargs["lang"] not in LANGUAGES:
        problem(f"{shown(kwargs.pop('lang'))} is not a report language; expected one of "
                f"{', '.join(LANGUAGES)}", "lang")
    if "out" in kwargs:
        kwargs["out"] = (base / kwargs["out"]).resolve()
    if "dataset" in kwargs:
        kwargs["dataset"] = _existing(base, kwargs["dataset"], "dataset", problem, "file")
    if "official_plan" in kwargs:
        kwargs["official_plan"] = _existing(base, kwargs["official_plan"], "official_plan",
                                            problem, "file")
    if "source" in kwargs:
        kwargs["source"] = _existing(base, kwargs["source"], "source", problem, "folder")
    if "observed_flows" in data:
        value = data["observed_flows"]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problem(f"{shown(value)} is not valid; expected a list of file names",
                    "observed_flows")
        else:
            kwargs["observed_flows"] = [_existing(base, v, "observed_flows", problem, "file")
                                        for v in value]
    if "formats" in data:
        value = data["formats"]
        if (not isinstance(value, list) or not value
                or not all(isinstance(v, str) and v in FORMATS for v in value)):
            problem(f"{shown(value)} is not valid; expected a non-empty list of "
                    f"{', '.join(FORMATS)}", "formats")
        else:
            kwargs["formats"] = tuple(dict.fromkeys(value))
    sections = {"access": None, "flows": FlowParams, "zones": ZoneParams,
                "solver": SolverParams, "forecast": ForecastParams, "compute": ComputeParams}
    for section, cls in sections.items():
        if section not in data:
            continue
        raw = data[section]
        if cls is None:  # the travel-time model follows the mode
            mode = raw.get("mode", "terrain") if isinstance(raw, dict) else "terrain"
            cls = ACCESS_MODES.get(mode) if isinstance(mode, str) else None
            if cls is None:
                problem(f"{shown(mode)} is not a travel mode; expected one of "
                        f"{', '.join(ACCESS_MODES)}", "mode", section)
                continue
            if isinstance(raw, dict):
                raw = dict(raw)
                for key in ("roads", "elevation"):  # files, relative to the config
                    if isinstance(raw.get(key), str):
                        found = _existing(base, raw[key], key, problem, "file", section)
                        raw[key] = str(found) if found else raw[key]
        try:
            kwargs[section] = check(cls, raw, file, section)
        except InputError as exc:
            problems.extend(exc.problems)
    if isinstance(kwargs.get("forecast"), ForecastParams):  # the pipeline takes the keys given
        kwargs["forecast"] = kwargs["forecast"].given()
    if "plans" in data:
        kwargs["plans"] = _plans(data["plans"], base, file, problem)
    if problems:
        raise InputError(problems)
    return Config(**kwargs)


def _existing(base: Path, value: str, key: str, problem: Any, kind: str,
              section: str | None = None) -> Path | None:
    """``value`` resolved against ``base`` when that file or folder exists; else a problem."""
    found = (base / value).resolve()
    ok = found.is_dir() if kind == "folder" else found.is_file()
    if not ok:
        problem(f"{shown(value)}: no such {kind} ({found})", key, section)
        return None
    return found


def _plans(value: Any, base: Path, file: str, problem: Any) -> dict[str, str]:
    """Scenario name -> built-in criteria name or criteria file; each one read and checked."""
    if not isinstance(value, dict) or not value:
        problem(f"{shown(value)} is not valid; expected at least one scenario such as "
                "accessibility = \"accessibility\"", None, "plans")
        return {}
    plans: dict[str, str] = {}
    for name, spec in value.items():
        if not isinstance(spec, str) or not spec.strip():
            problem(f"{shown(spec)} is not valid; expected a built-in criteria name or a "
                    "criteria TOML file", name, "plans")
            continue
        if Criteria.names_file(spec):
            found = _existing(base, spec, name, problem, "file", "plans")
            if found is None:
                continue
            spec = str(found)
        try:
            Criteria.load(spec)
        except InputError as exc:
            for p in exc.problems:
                problem(str(p), name, "plans")
            continue
        plans[name] = spec
    return plans

