"""Modelled flows for a dataset: central places -> attractiveness -> Huff model.

One function shared by ``aimak flows model`` and the pipeline, so that both model the same way.
"""

from __future__ import annotations

import pandas as pd

from aimak.dataset import Dataset
from aimak.flows import DEFAULT_SNAP_M
from aimak.flows.centres import CentralPlaces
from aimak.flows.gravity import (
    DEFAULT_ALPHA,
    DEFAULT_BETA,
    HuffModel,
    attractiveness,
    service_weights,
)


def model_flows(ds: Dataset, times: pd.DataFrame, observed: pd.DataFrame | None = None,
                service: str | None = None, snap_distance: float = DEFAULT_SNAP_M,
                beta: float | None = None, alpha: float | None = None,
                decay: str = "exponential", max_minutes: float | None = None,
                calibrate: bool = True) -> tuple[HuffModel, CentralPlaces]:
    """Fit a Huff model of trips from every settlement of ``ds`` (one trip per inhabitant).

    Attractiveness comes from the facilities snapped to each settlement (``CentralPlaces``) and
    its population; ``observed`` flows, when given, calibrate the decay by maximum likelihood.
    """
    s = ds.settlements
    centres = CentralPlaces(max_distance=snap_distance).fit(s, ds.facilities, ds.metric_crs)
    population = pd.Series(s["population"].to_numpy(float), index=s["id"].astype(str))
    attract = attractiveness(centres.counts_, population, weights=service_weights(service))
    huff = HuffModel(beta=DEFAULT_BETA if beta is None else beta,
                     alpha=DEFAULT_ALPHA if alpha is None else alpha, decay=decay,
                     max_minutes=max_minutes, calibrate=calibrate)
    huff.fit(times, attract, observed=observed, population=population)
    return huff, centres
