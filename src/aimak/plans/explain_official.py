"""Explain an official plan: evaluate it, check it against criteria sets, infer the criteria and
weights it is consistent with, and compare it with the nearest optimal plan.

``explain_official(ds, times, flows, official, criteria_sets)`` strings together
``aimak.plans.official`` (reading), ``evaluate`` (indicators), ``validity`` (each criteria set),
``infer`` (ranges, weights, differences) and ``ensemble`` (where the plan sits among valid plans
under the criteria it meets). The CLI (``aimak explain-plan``), the pipeline's ``official_plan``
and the web platform call this one function; its result holds plain tables.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from aimak.plans.criteria import Criteria, Weights
from aimak.plans.infer import (
    InverseWeights,
    consistent_criteria,
    criteria_ranges,
    differences,
    regions_of,
    with_criteria,
)
from aimak.plans.instance import Instance, Plan
from aimak.plans.official import OfficialPlan, plan_on

#: Ensemble indicators shown beside the plan (lower is better for each).
PLACED = ("mean_minutes_to_centre", "imbalance", "outside_flow_share", "objective")


@dataclass
class OfficialExplanation:
    """What ``explain_official`` found; every table is plain pandas.

    ``instance`` is the known part of the plan under ``criteria`` (the tightest criteria the
    plan meets, with the inferred weights), ``plan`` the official plan on it and ``nearest``
    the optimal plan under those criteria and weights. ``checks``: one row per criteria set
    (``name, title, violations, criteria, messages``). ``ranges``: see
    ``infer.criteria_ranges``. ``differences``: see ``infer.differences``. ``summary``:
    indicators of the official and nearest plans side by side. ``placement``: indicator ->
    share of sampled valid plans at or below the official plan (``None`` when no ensemble).
    ``unit_range``: fewest and most units any plan meeting ``criteria`` can have.
    """

    official: OfficialPlan
    instance: Instance
    plan: Plan
    nearest: Plan
    criteria: Criteria
    inverse: InverseWeights
    checks: pd.DataFrame
    ranges: pd.DataFrame
    differences: pd.DataFrame
    summary: pd.DataFrame
    units: pd.DataFrame
    #: One row per criteria set the weights were inferred within (the tightest the plan
    #: meets first, then each given set it meets): name, title, the four weights, gap,
    #: optimal, distance.
    weights: pd.DataFrame = field(default_factory=pd.DataFrame)
    placement: dict[str, float] | None = None
    ensemble_size: int = 0
    unit_range: tuple[int, int] | None = None
    covered: int = 0
    total: int = 0
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Plain English sentences summarising the findings (the CLI prints them)."""
        out = [f"The plan covers {self.covered} of {self.total} municipalities in "
               f"{self.plan.n_units} new units."]
        out += self.official.findings()
        for r in self.checks.itertuples():
            out.append(f"Against '{r.title}': " + (f"{r.violations} violation(s) "
                                                  f"({r.criteria})" if r.violations
                                                  else "meets every criterion"))
        out += self.ranges["text"].tolist()
        w = self.inverse.weights_
        weights = ", ".join(f"{k} {getattr(w, k):.3g}" for k in ("travel", "coherence",
                                                                 "balance", "units"))
        if self.inverse.optimal_:
            out.append(f"The plan is optimal under the inferred criteria with weights "
                       f"{weights}.")
        else:
            moved = self.differences.loc[~self.differences["same"], "new_unit"].tolist()
            out.append(f"No weights in the space make the plan optimal; the closest ({weights}) "
                       f"leave it {self.inverse.gap_:.4f} above the optimum, which moves "
                       f"{self.inverse.distance_} municipalities; units that differ: "
                       f"{', '.join(map(str, moved))}.")
        for r in self.weights.iloc[1:].itertuples():
            out.append(f"Within '{r.title}', the plan is " + (
                f"optimal under the weights travel {r.travel:.3g}, coherence {r.coherence:.3g}, "
                f"balance {r.balance:.3g}, units {r.units:.3g}" if r.optimal else
                f"not optimal under any weights; the closest leave it {r.gap:.4f} above the "
                f"optimum, {r.distance} municipalities away") + ".")
        if self.unit_range:
            out.append(f"Plans meeting the inferred criteria have {self.unit_range[0]} to "
                       f"{self.unit_range[1]} units; the official one has {self.plan.n_units}.")
        if self.placement:
            out.append(f"Among {self.ensemble_size} sampled valid plans with as many units, "
                       "share at or below the official plan: " + ", ".join(
                           f"{k} {v:.0%}" for k, v in self.placement.items()))
        return out + self.notes


def explain_official(ds, times: pd.DataFrame, flows: pd.DataFrame | None,
                     official: OfficialPlan, criteria_sets: dict[str, tuple[str, Criteria]],
                     *, time_limit: float = 30.0, workers: int = 2, ensemble: int = 500,
                     seed: int = 0, unit_range: bool = True) -> OfficialExplanation:
    """Evaluate and explain ``official`` (see the module docstring).

    ``criteria_sets`` maps a name to ``(title, Criteria)``: each is checked against the plan.
    ``ensemble`` plans are sampled by ReCom from the official plan (0: none).
    """
    from aimak.plans.evaluate import plan_indicators, unit_indicators
    from aimak.plans.validity import check_plan

    finite = times[np.isfinite(times["minutes"])] if "minutes" in times else times
    base_full = Instance.from_dataset(ds, finite, Criteria(stay_within="none",
                                                           contiguity=False), flows=flows)
    base, plan = plan_on(base_full, official)
    known = pd.Index(base_full.units).get_indexer(base.units)
    checks, met = [], []
    for name, (title, crit) in criteria_sets.items():
        inst = Instance.from_dataset(ds, finite, crit, flows=flows)
        sub = inst if len(known) == inst.n else inst.subset(known)
        broken = check_plan(sub, Plan(plan.labels, plan.centres, unit_ids=plan.unit_ids))
        checks.append({"name": name, "title": title, "violations": len(broken),
                       "criteria": ", ".join(sorted({v.criterion for v in broken})),
                       "messages": "; ".join(v.message for v in broken[:10])})
        if not broken:
            met.append((name, title, sub))
    regions = regions_of(ds, base)
    ranges = criteria_ranges(base, plan, regions)
    crit = consistent_criteria(base, plan, regions)
    tight = with_criteria(base, crit, regions)
    inverse = InverseWeights(time_limit=time_limit, workers=workers).fit(tight, plan)
    rows = [_weights_row("inferred", "tightest criteria the plan meets", inverse)]
    for name, title, sub in met:  # the sets the plan meets: is it optimal within them too?
        rows.append(_weights_row(name, title, InverseWeights(
            time_limit=time_limit, workers=workers).fit(sub, plan)))
    weights = inverse.weights_.model_copy(update={"balance_target": tight.balance_target()})
    crit = crit.model_copy(update={"weights": weights})
    tight = with_criteria(base, crit, regions)
    nearest = inverse.nearest_
    nearest.name = "nearest"
    plan.name = "official"
    diff = differences(tight, plan, nearest)
    summary = pd.DataFrame([plan_indicators(tight, plan), plan_indicators(tight, nearest)])
    out = OfficialExplanation(
        official=official, instance=tight, plan=plan, nearest=nearest, criteria=crit,
        inverse=inverse, checks=pd.DataFrame(checks, columns=["name", "title", "violations",
                                                              "criteria", "messages"]),
        ranges=ranges, differences=diff, summary=summary,
        units=unit_indicators(tight, plan), covered=len(known), total=base_full.n,
        weights=pd.DataFrame(rows))
    if unit_range:
        out.unit_range = _unit_range(tight, time_limit, workers)
    if ensemble and plan.n_units >= 2:
        from aimak.plans.ensemble import ReComEnsemble

        chain = ReComEnsemble(n_plans=ensemble, seed=seed).fit(tight, plan)
        if len(chain.metrics_):
            shares = chain.place(tight, plan)
            out.placement = {k: float(shares[k]) for k in PLACED if k in shares}
            out.ensemble_size = len(chain.metrics_)
        else:
            out.notes.append(f"No recombination of the official plan meets the inferred "
                             f"criteria ({chain.attempts_} proposals): it cannot be placed "
                             "in an ensemble.")
    return out


def _weights_row(name: str, title: str, inverse: InverseWeights) -> dict:
    w = inverse.weights_
    return {"name": name, "title": title, "travel": w.travel, "coherence": w.coherence,
            "balance": w.balance, "units": w.units, "gap": inverse.gap_,
            "optimal": inverse.optimal_, "distance": inverse.distance_,
            "status": inverse.status_}


def _unit_range(inst: Instance, time_limit: float, workers: int) -> tuple[int, int] | None:
    """Fewest and most units of a plan meeting the instance's criteria (exact solver)."""
    from aimak.plans.exact import ExactSolver
    from aimak.plans.feasibility import InfeasibleError

    out = []
    for sign in (1.0, -1.0):
        w = Weights(travel=1e-3, units=sign)
        sub = dataclasses.replace(inst, criteria=inst.criteria.model_copy(update={"weights": w}))
        try:
            solver = ExactSolver(time_limit=time_limit, workers=workers, explain=False).fit(sub)
        except InfeasibleError:
            return None
        out.append(solver.plan_.n_units)
    return out[0], out[1]
