"""The forecasts the pages show, computed by the core (``aimak.forecast``) once per input.

The series are the real files of the shared data folder (rayon poverty rates of the National
Statistical Committee, World Development Indicators); the model is the core's default poverty
model (``aimak.forecast.territory.POVERTY_MODEL``): a panel ARDL over all rayons with entity
effects, drivers held at their last value, and a rolling-origin backtest against naive
forecasts.

Fitting it with its backtest takes seconds, too long for a page request, so the result is kept
in ``$AIMAK_DATA_DIR/forecasts/`` under a key made of the input files' sizes and times and the
aimak version (a changed file or release computes anew), shared by every server process, and
warmed by the demo. Each process also keeps it in memory.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path

import pandas as pd
from django.conf import settings

import aimak
from aimak.errors import AimakError

log = logging.getLogger(__name__)

#: The shared data files the poverty model reads.
INPUTS = ("rayon_poverty_2011_2020.csv", "national_series_wdi.csv")


def data_folder() -> Path | None:
    folder = Path(settings.AIMAK_SHARED_DATA)
    return folder if (folder / "rayon_poverty_2011_2020.csv").exists() else None


def _stored(folder: str) -> Path:
    h = hashlib.sha256(aimak.__version__.encode())
    for name in INPUTS:
        path = Path(folder) / name
        st = path.stat() if path.exists() else None
        h.update(f"{name}:{st.st_size}:{st.st_mtime_ns}".encode() if st else name.encode())
    return Path(settings.DATA_DIR) / "forecasts" / f"poverty-{h.hexdigest()[:16]}.pickle"


@lru_cache(maxsize=2)
def poverty_forecast(folder: str):
    """The pooled poverty model, its forecasts and its backtest (a ``ForecastResult``), read
    from the shared store when this input was computed before, else computed and stored."""
    path = _stored(folder)
    if path.exists():
        try:
            return pickle.loads(path.read_bytes())  # written by this function only
        except Exception:  # a file of another library version: compute it again
            log.warning("forecast store %s unreadable; computing again", path)
    result = _compute(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".partial")
    with os.fdopen(fd, "wb") as f:
        pickle.dump(result, f)
    os.replace(tmp, path)  # atomic: a reader sees a whole file or none
    return result


def _compute(folder: str):
    from aimak.forecast import forecast
    from aimak.forecast.data import national_series, poverty_series
    from aimak.forecast.territory import POVERTY_MODEL

    p = POVERTY_MODEL
    series = pd.concat([poverty_series(folder), national_series(folder)], ignore_index=True)
    return forecast(series, p["target"], p["drivers"], horizon=p["horizon"],
                    scenario=p["scenario"], backtest_horizon=p["backtest_horizon"],
                    label=str(folder), **{k: p[k] for k in ("panel", "max_lags",
                                                            "max_driver_lags", "allow_gaps")})


def rayon_view(entity: str) -> dict | None:
    """What a rayon's page shows, or None when there is no data or no series for it."""
    folder = data_folder()
    if folder is None:
        return None
    result = poverty_forecast(str(folder))
    try:
        return result.for_entity(entity)
    except AimakError:
        return None


def entities() -> list[str]:
    folder = data_folder()
    if folder is None:
        return []
    return sorted(map(str, poverty_forecast(str(folder)).series["entity"].unique()))


def warm(ctx) -> None:
    """Demo loader: compute the forecasts once now, so that no visitor waits for the fit."""
    folder = data_folder()
    if folder is None:
        ctx.log("Forecasts: no shared data folder, the forecast pages say so")
        return
    result = poverty_forecast(str(folder))
    ctx.log(f"Forecasts: poverty model fitted for {result.series['entity'].nunique()} rayons")
