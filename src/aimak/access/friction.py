"""Travel speed over open terrain as a function of slope and altitude (see docs/access.md).

Speed follows the shape of Tobler's hiking function (Tobler 1993): fastest on a gentle downhill
slope of 5 %, falling exponentially with the slope's distance from it,

    v(s) = v_max * exp(-slope_penalty * |s + 0.05|)        (s = rise / horizontal run)

With ``v_max = 6`` km/h and ``slope_penalty = 3.5`` this is Tobler's function for walking on
paths; the ``vehicle`` profile keeps the shape but sets the pace of a car or truck on unmapped
rural tracks. Above a few thousand metres people and engines slow down; the optional altitude
factor ``1.016 * exp(-0.0001072 * z)`` is the one Weiss et al. (2018) applied to their global
friction surface. A winter closure makes every cell above a given altitude impassable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Named speed profiles: fastest speed in km/h (on a 5 % downhill) and the slope penalty.
PROFILES: dict[str, tuple[float, float]] = {
    "walk": (6.0, 3.5),      # Tobler (1993), on foot on paths
    "vehicle": (40.0, 3.5),  # car or truck on unmapped rural tracks (assumed, see docs)
}


@dataclass(frozen=True)
class SpeedFunction:
    """Speed (km/h) over terrain of a given slope and altitude; times in minutes."""

    max_speed_kmh: float = 40.0
    slope_penalty: float = 3.5
    altitude_factor: bool = True

    def __post_init__(self) -> None:
        if not self.max_speed_kmh > 0:
            raise ValueError("the maximum speed must be positive (km/h)")
        if self.slope_penalty < 0:
            raise ValueError("the slope penalty must not be negative")

    @classmethod
    def profile(cls, name: str, slope_penalty: float | None = None,
                altitude_factor: bool = True) -> SpeedFunction:
        """The speed function of a named profile (``walk`` or ``vehicle``)."""
        if name not in PROFILES:
            raise ValueError(f"unknown speed profile '{name}'; expected one of "
                             f"{', '.join(PROFILES)}")
        vmax, penalty = PROFILES[name]
        return cls(vmax, penalty if slope_penalty is None else slope_penalty, altitude_factor)

    def kmh(self, slope: np.ndarray, elevation_m: np.ndarray | float = 0.0) -> np.ndarray:
        """Speed in km/h for a signed slope (rise/run, uphill positive) at an altitude (m)."""
        v = self.max_speed_kmh * np.exp(-self.slope_penalty * np.abs(np.asarray(slope) + 0.05))
        if self.altitude_factor:
            v = v * np.minimum(1.0, 1.016 * np.exp(-0.0001072 * np.asarray(elevation_m)))
        return v

    def minutes(self, distance_m: np.ndarray, rise_m: np.ndarray,
                elevation_m: np.ndarray | float = 0.0) -> np.ndarray:
        """Minutes to cover a horizontal distance (m) while climbing ``rise_m`` (m)."""
        d = np.asarray(distance_m, float)
        slope = np.divide(rise_m, d, out=np.zeros(np.broadcast(d, rise_m).shape), where=d > 0)
        return d / (self.kmh(slope, elevation_m) * 1000.0 / 60.0)
