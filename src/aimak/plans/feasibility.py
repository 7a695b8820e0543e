"""Why an instance has no valid plan: quick necessary conditions, each naming a place."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from aimak.errors import AimakError
from aimak.i18n import N_, Said
from aimak.plans.instance import Instance


class InfeasibleError(AimakError):
    """No plan satisfies every hard criterion; ``reasons`` say which criterion fails where."""

    def __init__(self, reasons: list[str], units: tuple[int, ...] = ()):
        self.reasons = reasons
        #: indices of the municipalities the solver could not place, when it knows them
        self.units = tuple(units)
        text = "\n".join(f"  - {r}" for r in reasons[:20])
        more = f"\n  ... and {len(reasons) - 20} more" if len(reasons) > 20 else ""
        super().__init__(f"no plan satisfies every criterion:\n{text}{more}")


def diagnose(inst: Instance) -> list[str]:
    """Return necessary conditions that fail (empty when none is found; the instance may still
    be infeasible for a combination of reasons, which the solvers then report)."""
    c = inst.criteria
    out: list[str] = []
    allowed = inst.allowed
    own = allowed[inst.cand_unit, np.arange(len(inst.candidates))]
    usable = allowed & own[None, :]
    if len(inst.candidates) == 0:
        out.append(Said(N_("no settlement qualifies as a centre (criterion centre_services: "
                           "{services}; centre_candidates: {candidates})"),
                        services=", ".join(c.centre_services) or "none",
                        candidates=c.centre_candidates))
        return out
    for u in np.flatnonzero(~usable.any(axis=1)):
        t = inst.max_minutes[u]
        j = int(np.argmin(np.where(np.isfinite(t), t, np.inf)))
        rules = {"code": inst.units[u], "name": inst.unit_names[u],
                 "max_minutes": c.max_minutes, "max_km": c.max_km,
                 "stay_within": c.stay_within}
        if np.isfinite(t[j]):
            out.append(Said(N_("municipality {code} ({name}) cannot join any centre within the "
                               "criteria (max_minutes={max_minutes}, max_km={max_km}, "
                               "stay_within={stay_within}); the nearest possible centre, "
                               "{centre}, is {minutes} min from its farthest settlement"),
                            centre=inst.settlement_names[inst.candidates[j]],
                            minutes=round(float(t[j])), **rules))
        else:
            out.append(Said(N_("municipality {code} ({name}) cannot join any centre within the "
                               "criteria (max_minutes={max_minutes}, max_km={max_km}, "
                               "stay_within={stay_within}); no travel time to any possible "
                               "centre is known"), **rules))
    if c.min_population is not None:
        # upper bound of any unit holding u: all municipalities sharing a possible centre with u
        U = usable.astype(np.float32)
        reach = (U @ U.T) > 0
        bound = inst.reachable_population
        for u in np.flatnonzero((bound < c.min_population) & ~(reach @ inst.exempt)):
            out.append(Said(N_("municipality {code} ({name}, {group}) can share a centre "
                               "within the travel and border rules only with municipalities "
                               "totalling {total} inhabitants, below min_population "
                               "{minimum}"),
                            code=inst.units[u], name=inst.unit_names[u],
                            group=inst.group_names[inst.group[u]], total=round(float(bound[u])),
                            minimum=round(float(c.min_population))))
    if c.max_population is not None:
        for u in np.flatnonzero(inst.population > c.max_population):
            out.append(Said(N_("municipality {code} ({name}) alone has {population} "
                               "inhabitants, above max_population {maximum}"),
                            code=inst.units[u], name=inst.unit_names[u],
                            population=round(float(inst.population[u])),
                            maximum=round(float(c.max_population))))
        need = math.ceil(inst.total_population / c.max_population)
        if c.max_units is not None and need > c.max_units:
            out.append(Said(N_("max_units {max_units} is too few: {population} inhabitants "
                               "need at least {need} units of at most {maximum}"),
                            max_units=c.max_units, population=round(float(inst.total_population)),
                            need=need, maximum=round(float(c.max_population))))
    if c.stay_within != "none" and not c.cross_border_allowed:
        gp = pd.Series(inst.population).groupby(inst.group).sum()
        if c.min_population is not None:
            for g, p in gp.items():
                if p < c.min_population:
                    out.append(Said(N_("{stay_within} {group} has only {population} "
                                       "inhabitants, below min_population {minimum}, and units "
                                       "may not cross its border"),
                                    stay_within=c.stay_within, group=inst.group_names[g],
                                    population=round(float(p)),
                                    minimum=round(float(c.min_population))))
        if c.max_units is not None and len(gp) > c.max_units:
            out.append(Said(N_("max_units {max_units} is below the number of parts "
                               "({stay_within}: {count}), and units may not cross their "
                               "borders"),
                            max_units=c.max_units, stay_within=c.stay_within, count=len(gp)))
    for a, b in inst.must_merge:
        if not (usable[a] & usable[b]).any():
            out.append(Said(N_("{a} and {b} must be merged, but no possible centre serves "
                               "both within the criteria"), a=inst.units[a], b=inst.units[b]))
    mm = {tuple(sorted(p)) for p in inst.must_merge.tolist()}
    for a, b in inst.must_not_merge.tolist():
        if tuple(sorted((a, b))) in mm:
            out.append(Said(N_("{a} and {b} are both in must_merge and must_not_merge"),
                            a=inst.units[a], b=inst.units[b]))
    return out
