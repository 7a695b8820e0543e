"""Functional zones from flows: LMA/TTWA, nodal regions, Leiden, Intramax, and their metrics."""

from __future__ import annotations

from aimak.errors import AimakError

#: The zoning methods, by the name the CLI and configs use.
METHODS = ("lma", "nodal", "leiden", "intramax")


def make_estimator(method: str, min_size: float | None = None,
                   target_size: float | None = None, min_sc: float | None = None,
                   target_sc: float | None = None, resolution: float | None = None,
                   n_zones: int | None = None, seed: int | None = None):
    """The unfitted zoning estimator for ``method``; parameters left as None take the defaults
    of ``aimak.params.ZoneParams`` (the only place they are set).

    Only the parameters of the chosen method are used (LMA: sizes and self-containments;
    Leiden: resolution and seed; Intramax: n_zones; nodal regions: none).
    """
    if method not in METHODS:
        raise AimakError(f"unknown zoning method '{method}'; expected one of "
                         f"{', '.join(METHODS)}")
    from aimak.params import ZoneParams

    defaults = ZoneParams()
    given = {"min_size": min_size, "target_size": target_size, "min_sc": min_sc,
             "target_sc": target_sc, "resolution": resolution, "seed": seed}
    p = {k: getattr(defaults, k) if v is None else v for k, v in given.items()}
    if method == "lma":
        from aimak.zones.lma import LabourMarketAreas

        return LabourMarketAreas(min_size=p["min_size"], target_size=p["target_size"],
                                 min_sc=p["min_sc"], target_sc=p["target_sc"])
    if method == "nodal":
        from aimak.zones.nodal import NodalRegions

        return NodalRegions()
    if method == "leiden":
        from aimak.zones.leiden import LeidenZones

        return LeidenZones(resolution=p["resolution"], seed=int(p["seed"]))
    from aimak.zones.intramax import Intramax

    return Intramax(n_zones=n_zones)
