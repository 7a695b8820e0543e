"""Reading and checking an analysis config (TOML) before any work starts.

Every key of every section is checked at once, with the stage parameter objects of
``aimak.params``; the files it names (dataset, observed flows, criteria, roads, elevation) must
exist and the criteria must parse. Every problem names the file, the section, the key, the value
and what was expected; all of them are reported together.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aimak.errors import InputError, Problem, fail, shown
from aimak.i18n import LANGUAGES
from aimak.params import (
    ACCESS_MODES,
    ComputeParams,
    FlowParams,
    ForecastParams,
    SolverParams,
    ZoneParams,
    check,
)

if TYPE_CHECKING:
    from aimak.pipeline import Config

#: Report formats (as ``aimak.report.FORMATS``, kept here so that checking needs no report code).
FORMATS = ("html", "pdf", "xlsx", "gpkg")
SECTIONS = ("access", "flows", "zones", "plans", "solver", "forecast", "compute")
SCALARS = ("out", "lang", "title", "dataset", "source", "oblast", "observed_flows", "formats",
           "official_plan")


def read_toml(path: str | Path, what: str = "file") -> dict[str, Any]:
    """A TOML file's content, or a one-line error when it is absent, not UTF-8 or not TOML."""
    path = Path(path)
    if not path.is_file():
        raise fail(f"the {what} does not exist", path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8",
                   path) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fail(f"not valid TOML: {exc}", path) from None


def read_config(path: str | Path) -> Config:
    """The checked ``Config`` of an analysis TOML file; relative paths are relative to it."""
    from aimak.pipeline import Config

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
    from aimak.plans.criteria import Criteria

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
        is_file = "/" in spec or spec.endswith(".toml")
        if is_file:
            found = _existing(base, spec, name, problem, "file", "plans")
            if found is None:
                continue
            spec = str(found)
        try:
            Criteria.read(spec) if is_file else Criteria.builtin(spec)
        except InputError as exc:
            for p in exc.problems:
                problem(str(p), name, "plans")
            continue
        plans[name] = spec
    return plans

