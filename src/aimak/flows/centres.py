"""Central places: which settlements offer which services, a centrality index, a hierarchy.

Facilities are snapped to the nearest settlement point in the metric CRS when it lies within
``max_distance`` metres (a settlement is stored as one point, so a facility at the edge of a big
village may be a kilometre or two away); facilities farther from every settlement are kept in
``unassigned_`` and reported, never dropped silently.

The centrality index is Davies' functional index (W. K. D. Davies 1967, "Centrality and the
central place hierarchy", Urban Studies 4): each facility of type t is worth 100 / N_t points,
where N_t is the number of facilities of that type in the study area, so rare (higher-order)
functions weigh more than common ones and each function contributes 100 points in all. The
hierarchy splits the settlements with a positive index by head/tail breaks (Jiang 2013, "Head/
tail breaks: a new classification scheme for data with a heavy-tailed distribution", The
Professional Geographer 65): the settlements above the mean form the next level up, as long as
they are a minority (at most ``head_share`` of the current level).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS
from sklearn.base import BaseEstimator

from aimak.crs import KYRGYZSTAN_LAEA
from aimak.schema import FACILITY_TYPES


def snap_facilities(
    settlements: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    max_distance: float,
    crs: CRS = KYRGYZSTAN_LAEA,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Assign each facility to its nearest settlement within ``max_distance`` metres.

    Returns (assigned: ``facility_id, type, settlement_id, distance_m``; unassigned facilities
    with the distance to their nearest settlement). Ties go to the settlement listed first.
    """
    s = settlements[["id", "geometry"]].to_crs(crs).rename(columns={"id": "settlement_id"})
    s["_order"] = np.arange(len(s))
    f = facilities[["id", "type", "geometry"]].to_crs(crs).rename(columns={"id": "facility_id"})
    near = gpd.sjoin_nearest(f, s, how="left", distance_col="distance_m")
    near = near.sort_values(["facility_id", "_order"]).drop_duplicates("facility_id")
    near = near.set_index("facility_id").loc[f["facility_id"]].reset_index()
    within = near["distance_m"].to_numpy() <= max_distance
    cols = ["facility_id", "type", "settlement_id", "distance_m"]
    assigned = pd.DataFrame(near.loc[within, cols]).reset_index(drop=True)
    unassigned = pd.DataFrame(near.loc[~within, cols]).reset_index(drop=True)
    unassigned = unassigned.rename(columns={"settlement_id": "nearest_settlement_id"})
    return assigned, unassigned


def facility_counts(
    assigned: pd.DataFrame,
    settlement_ids: pd.Index | list[str],
    types: tuple[str, ...] = FACILITY_TYPES,
) -> pd.DataFrame:
    """Settlement x facility-type table of counts (zeros included), rows in ``settlement_ids``."""
    table = pd.crosstab(assigned["settlement_id"], assigned["type"])
    return table.reindex(
        index=pd.Index(settlement_ids, name="settlement_id"), columns=list(types), fill_value=0
    ).astype(int)


def head_tail_levels(
    values: np.ndarray, head_share: float = 0.4, max_levels: int = 6
) -> np.ndarray:
    """Hierarchy levels by head/tail breaks: 0 for values <= 0, then 1, 2, ... upwards."""
    values = np.asarray(values, dtype=float)
    level = (values > 0).astype(int)
    current = values > 0
    while current.sum() > 1 and level.max() < max_levels:
        head = current & (values > values[current].mean())
        if not head.any() or head.sum() > head_share * current.sum():
            break
        level[head] += 1
        current = head
    return level


class CentralPlaces(BaseEstimator):
    """Central-place index and hierarchy of settlements from the facilities they hold.

    Parameters
    ----------
    max_distance: metres within which a facility is assigned to its nearest settlement.
    weights: optional points per facility of each type; None uses Davies' 100 / N_t.
    head_share: largest share of a level that may form the next level up (head/tail breaks).
    max_levels: most levels above 0.

    Attributes
    ----------
    assigned_, unassigned_: facility-to-settlement assignment and facilities left out.
    counts_: settlement x type facility counts.
    points_: points per facility of each type used for the index.
    table_: per settlement ``id, name_en, population, n_functions, functions, index, level``
        (``functions`` lists the facility types present; ``level`` 0 means no service).
    """

    def __init__(
        self,
        max_distance: float = 2000.0,
        weights: dict[str, float] | None = None,
        head_share: float = 0.4,
        max_levels: int = 6,
    ) -> None:
        self.max_distance = max_distance
        self.weights = weights
        self.head_share = head_share
        self.max_levels = max_levels

    def fit(
        self,
        settlements: gpd.GeoDataFrame,
        facilities: gpd.GeoDataFrame,
        crs: CRS = KYRGYZSTAN_LAEA,
    ) -> CentralPlaces:
        """Snap facilities, count them per settlement, compute the index and the levels."""
        self.assigned_, self.unassigned_ = snap_facilities(
            settlements, facilities, self.max_distance, crs
        )
        counts = facility_counts(self.assigned_, settlements["id"])
        if self.weights is None:
            totals = counts.sum(axis=0).to_numpy(float)
            points = np.divide(100.0, totals, out=np.zeros_like(totals), where=totals > 0)
        else:
            unknown = set(self.weights) - set(FACILITY_TYPES)
            if unknown:
                raise ValueError(f"unknown facility types in weights: {', '.join(sorted(unknown))}")
            points = np.array([float(self.weights.get(t, 0.0)) for t in counts.columns])
        index = counts.to_numpy(float) @ points
        present = counts.to_numpy() > 0
        names = np.array(counts.columns)
        self.counts_ = counts
        self.points_ = pd.Series(points, index=counts.columns, name="points")
        self.index_ = pd.Series(index, index=counts.index, name="index")
        self.level_ = pd.Series(
            head_tail_levels(index, self.head_share, self.max_levels),
            index=counts.index,
            name="level",
        )
        self.table_ = pd.DataFrame(
            {
                "id": counts.index.to_numpy(),
                "name_en": settlements["name_en"].to_numpy() if "name_en" in settlements else None,
                "population": (
                    settlements["population"].to_numpy() if "population" in settlements else np.nan
                ),
                "n_functions": present.sum(axis=1),
                "functions": [";".join(names[row]) for row in present],
                "index": index,
                "level": self.level_.to_numpy(),
            }
        )
        return self
