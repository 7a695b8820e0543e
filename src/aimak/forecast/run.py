"""A forecast run as ``aimak forecast`` makes it: settings (from a TOML file or flags), the series
they name, and the files written (CSV tables, an XLSX workbook and an SVG chart)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from aimak.errors import fail
from aimak.forecast import ForecastResult, forecast
from aimak.forecast.data import national_series, poverty_series, read_series
from aimak.io import atomic_path, write_table


@dataclass
class ForecastSpec:
    """Settings of a forecast run; every field is also a key of the TOML config."""

    target: str = "poverty_rate_pct"
    drivers: list[str] = field(default_factory=list)
    #: Long series tables (CSV/XLSX); none: the real Kyrgyz poverty and WDI series from ``source``.
    series: list[Path] = field(default_factory=list)
    source: Path | None = None
    entities: list[str] = field(default_factory=list)
    #: Use only the target's years from ``start`` to ``end`` (inclusive), e.g. where drivers exist.
    start: int | None = None
    end: int | None = None
    panel: bool = True
    max_lags: int = 1
    max_driver_lags: int = 1
    ic: str = "bic"
    trend: str = "c"
    bounds_test: bool = False
    qc: str = "exclude"
    allow_gaps: bool = False
    alpha: float = 0.1
    horizon: int = 5
    #: ``hold``, ``trend`` or a long table of future driver values.
    scenario: str = "hold"
    backtest_horizon: int = 3
    backtest_drivers: str = "hold"
    first_origin: int | None = None
    out: Path = Path("out/forecast")

    @classmethod
    def read(cls, path: str | Path, **overrides: Any) -> ForecastSpec:
        """Read a TOML config (relative paths are relative to it); ``overrides`` win."""
        path = Path(path)
        if not path.exists():
            raise fail("the config file does not exist", path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise fail(f"not valid TOML: {exc}", path) from exc
        data = data.get("forecast", data)
        known = {f.name for f in fields(cls)}
        if unknown := sorted(set(data) - known):
            raise fail(f"unknown setting(s) {', '.join(unknown)}; known settings are "
                       f"{', '.join(sorted(known))}", path)
        base = path.parent
        for key in ("source", "out"):
            if key in data:
                data[key] = (base / data[key]).resolve()
        if "series" in data:
            data["series"] = [(base / p).resolve() for p in data["series"]]
        if "scenario" in data and data["scenario"] not in ("hold", "trend"):
            data["scenario"] = str((base / data["scenario"]).resolve())
        data.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**data)

    def model_params(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("panel", "max_lags", "max_driver_lags", "ic",
                                              "trend", "bounds_test", "qc", "allow_gaps",
                                              "alpha")}


def load_series(spec: ForecastSpec) -> tuple[pd.DataFrame, str]:
    """The long table the spec names, and the label its errors cite."""
    if spec.series:
        frames = [read_series(p) for p in spec.series]
        label = ", ".join(str(p) for p in spec.series)
    else:
        folder = shared_folder(spec.source)
        frames = [poverty_series(folder), national_series(folder)]
        label = str(folder)
    table = pd.concat(frames, ignore_index=True)
    if spec.entities:
        wanted = set(spec.entities)
        present = set(table.loc[table["variable"] == spec.target, "entity"])
        if missing := sorted(wanted - present):
            raise fail(f"no '{spec.target}' series for {', '.join(missing)}; entities are "
                       f"{', '.join(sorted(present)[:20])}", label, None, "entity")
        is_target = table["variable"] == spec.target
        table = table[~is_target | table["entity"].isin(wanted)]
    is_target = table["variable"] == spec.target
    low, high = spec.start or -10**6, spec.end or 10**6
    table = table[~is_target | table["year"].between(low, high)]
    return table, label


def shared_folder(source: Path | None) -> Path:
    """The folder holding the poverty and WDI files: ``source``, else the shared copy next to
    the working directory or the repository (these files have no download step yet)."""
    from aimak.forecast.data import POVERTY_FILE
    from aimak.kyrgyzstan.download import _repo_root

    if source is not None:
        return Path(source)
    shared = Path("..") / "shared" / "data" / "kyrgyzstan"
    root = _repo_root()
    for folder in [Path.cwd() / shared, *([root / shared] if root else [])]:
        if (folder / POVERTY_FILE).exists():
            return folder
    raise fail(f"no {POVERTY_FILE} in ../shared/data/kyrgyzstan; give the data folder with "
               "--source or long tables with --series")


def run(spec: ForecastSpec) -> ForecastResult:
    """Fit, backtest and forecast as the spec says."""
    table, label = load_series(spec)
    scenario: str | pd.DataFrame = spec.scenario
    if scenario not in ("hold", "trend"):
        scenario = read_series(scenario)
    return forecast(table, spec.target, spec.drivers, horizon=spec.horizon, scenario=scenario,
                    backtest_horizon=spec.backtest_horizon or None,
                    backtest_drivers=spec.backtest_drivers, first_origin=spec.first_origin,
                    label=label, **spec.model_params())


def write_outputs(result: ForecastResult, out: str | Path, title: str) -> list[Path]:
    """``forecast.csv``, ``backtest.csv``, ``backtest_folds.csv``, ``coefficients.csv``,
    ``forecast.xlsx`` (all of them, plus the facts and sources) and ``forecast.svg``."""
    from aimak.forecast.chart import forecast_svg

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = {"forecast": result.forecast.assign(provenance="projected"),
              "history": result.series,
              "coefficients": result.coefficients.reset_index(names="term")}
    if result.scores is not None:
        tables["backtest"] = result.scores
        tables["backtest_folds"] = result.folds
    written = []
    for name, frame in tables.items():
        if name == "history":
            continue
        path = out / f"{name}.csv"
        write_table(frame, path)
        written.append(path)
    facts = pd.DataFrame(
        [(k, str(v)) for k, v in result.facts.items()]
        + [("verdict", result.verdict)] + [("source", s) for s in result.sources],
        columns=["item", "value"])
    path = out / "forecast.xlsx"
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="xlsxwriter") as xl:
        facts.to_excel(xl, sheet_name="about", index=False)
        for name, frame in tables.items():
            frame.to_excel(xl, sheet_name=name[:31], index=False)
    written.append(path)
    svg = forecast_svg(result.series, result.forecast, title, str(result.forecast[
        "variable"].iloc[0]))
    path = out / "forecast.svg"
    with atomic_path(path) as tmp:
        tmp.write_text(svg, encoding="utf-8")
    written.append(path)
    return written

