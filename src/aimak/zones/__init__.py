"""Functional zones from flows: LMA/TTWA, nodal regions, Leiden, Intramax, and their metrics."""

from __future__ import annotations

from aimak.errors import AimakError

#: The zoning methods, by the name the CLI and configs use.
METHODS = ("lma", "nodal", "leiden", "intramax")


def make_estimator(method: str, **params: float | int | None):
    """The unfitted zoning estimator for ``method``; parameters left out (or None) take the
    estimator's own defaults, the only ones (``aimak.params.ZoneParams`` reads them there).

    Only the parameters of the chosen method are used (LMA: ``min_size``, ``target_size``,
    ``min_sc``, ``target_sc``; Leiden: ``resolution`` and ``seed``; Intramax: ``n_zones``;
    nodal regions: none).
    """
    if method not in METHODS:
        raise AimakError(f"unknown zoning method '{method}'; expected one of "
                         f"{', '.join(METHODS)}")
    given = {k: v for k, v in params.items() if v is not None}
    if method == "lma":
        from aimak.zones.lma import LabourMarketAreas

        keys = ("min_size", "target_size", "min_sc", "target_sc")
        return LabourMarketAreas(**{k: given[k] for k in keys if k in given})
    if method == "nodal":
        from aimak.zones.nodal import NodalRegions

        return NodalRegions()
    if method == "leiden":
        from aimak.zones.leiden import LeidenZones

        keys = ("resolution", "seed")
        return LeidenZones(**{k: (int(given[k]) if k == "seed" else given[k])
                              for k in keys if k in given})
    from aimak.zones.intramax import Intramax

    return Intramax(n_zones=params.get("n_zones"))
