"""A forecast run as ``aimak forecast`` makes it: settings (from a TOML file or flags), the series
they name, and the files written (CSV tables, an XLSX workbook and an SVG chart)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from aimak.errors import fail
from aimak.forecast import ForecastResult, candidate_text, forecast
from aimak.forecast.data import national_series, poverty_series, read_series
from aimak.io import atomic_path, write_table


@dataclass
class ForecastSpec:
    """Settings of a forecast run; every field is also a key of the TOML config."""

    target: str = "poverty_rate_pct"
    #: National driver series (None: the poverty model's drivers for the real data, else none).
    drivers: list[str] | None = None
    #: Long series tables (CSV/XLSX); none: the real Kyrgyz poverty and WDI series from ``source``.
    series: list[Path] = field(default_factory=list)
    source: Path | None = None
    entities: list[str] = field(default_factory=list)
    #: Use only the target's years from ``start`` to ``end`` (inclusive).
    start: int | None = None
    end: int | None = None
    qc: str = "exclude"
    alpha: float = 0.1
    horizon: int = 3
    backtest: bool = True
    min_origins: int = 2
    calibration_origins: int | None = 2
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
        data.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**data)

    def model_params(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("horizon", "alpha", "qc", "backtest",
                                              "min_origins", "calibration_origins")}


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
    """Choose, calibrate, backtest and forecast as the spec says."""
    from aimak.forecast.data import rayon_oblasts
    from aimak.forecast.territory import POVERTY_MODEL

    table, label = load_series(spec)
    drivers = spec.drivers
    groups = None
    if not spec.series:
        groups = rayon_oblasts(shared_folder(spec.source))
        if drivers is None and spec.target == POVERTY_MODEL["target"]:
            drivers = POVERTY_MODEL["drivers"]
    return forecast(table, spec.target, drivers or (), groups=groups, label=label,
                    **spec.model_params())


def write_outputs(result: ForecastResult, out: str | Path, title: str) -> list[Path]:
    """``forecast.csv``, ``choices.csv``, ``candidates.csv`` (the last fit's inner backtest),
    ``backtest.csv`` and ``backtest_folds.csv`` (the procedure's), ``forecast.xlsx`` (all of
    them, plus the facts, verdict and sources) and ``forecast.svg``."""
    from aimak.forecast.chart import forecast_svg

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    choices = result.choices.assign(label=[candidate_text(lab, "en")
                                           for lab in result.choices["label"]])
    tables = {"forecast": result.forecast, "choices": choices,
              "candidates": result.candidates}
    if result.scores is not None:
        tables["backtest"] = result.scores
        tables["backtest_folds"] = result.folds
    written = []
    for name, frame in tables.items():
        path = out / f"{name}.csv"
        write_table(frame, path)
        written.append(path)
    facts = pd.DataFrame(
        [(k, str(v)) for k, v in result.facts.items()]
        + [("last published year", str(result.last_year))]
        + [("verdict", str(v)) for v in result.verdict]
        + [("source", s) for s in result.sources], columns=["item", "value"])
    path = out / "forecast.xlsx"
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="xlsxwriter") as xl:
        facts.to_excel(xl, sheet_name="about", index=False)
        for name, frame in tables.items():
            frame.to_excel(xl, sheet_name=name[:31], index=False)
        result.excluded.to_excel(xl, sheet_name="flagged_left_out", index=False)
    written.append(path)
    svg = forecast_svg(result.series, result.forecast, title, str(result.forecast[
        "variable"].iloc[0]))
    path = out / "forecast.svg"
    with atomic_path(path) as tmp:
        tmp.write_text(svg, encoding="utf-8")
    written.append(path)
    return written
