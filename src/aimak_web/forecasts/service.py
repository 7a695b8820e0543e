"""The forecasts the pages show, computed by the core (``aimak.forecast``) once per process.

The series are the real files of the shared data folder (rayon poverty rates of the National
Statistical Committee, World Development Indicators); the model is the core's default poverty
model (``aimak.forecast.territory.POVERTY_MODEL``): a panel ARDL over all rayons with entity
effects, drivers held at their last value, and a rolling-origin backtest against naive
forecasts.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
from django.conf import settings

from aimak.errors import AimakError


def data_folder() -> Path | None:
    folder = Path(settings.AIMAK_SHARED_DATA)
    return folder if (folder / "rayon_poverty_2011_2020.csv").exists() else None


@lru_cache(maxsize=2)
def poverty_forecast(folder: str):
    """The pooled poverty model, its forecasts and its backtest (a ``ForecastResult``)."""
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
