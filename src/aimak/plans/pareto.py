"""Pareto sets of plans over two objectives, by weighted sums swept from one to the other.

Weighted sums find the supported points of the Pareto front (those on its convex hull); the
plans returned are mutually non-dominated. Each plan is solved by the exact model (or the
heuristic for large instances) and passes the validity check.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from aimak.plans.instance import Instance, Plan, objective_terms

TERMS = {"travel": "travel_hours", "coherence": "outside_flow_share", "balance": "imbalance",
         "units": "unit_share"}


def pareto_front(inst: Instance, first: str = "travel", second: str = "units", steps: int = 7,
                 solver: str = "exact", time_limit: float = 30.0
                 ) -> tuple[list[Plan], pd.DataFrame]:
    """Plans minimising ``l * first + (1 - l) * second`` for ``steps`` values of l in [0, 1];
    return the non-dominated ones and a table of their two objective values."""
    from aimak.plans.exact import ExactSolver
    from aimak.plans.heuristic import HeuristicSolver

    for name in (first, second):
        if name not in TERMS:
            raise ValueError(f"unknown objective '{name}'; expected one of {', '.join(TERMS)}")
    plans: list[Plan] = []
    rows = []
    for lam in np.linspace(0.0, 1.0, steps):
        weights = {k: 0.0 for k in TERMS}
        weights[first] = float(lam) if lam > 0 else 1e-3
        weights[second] = float(1 - lam) if lam < 1 else 1e-3
        crit = inst.criteria.model_copy(update={
            "weights": inst.criteria.weights.model_copy(update=weights)})
        sub = dataclasses.replace(inst, criteria=crit)
        for attr in ("allowed",):
            sub.__dict__.pop(attr, None)
        model = (ExactSolver(time_limit=time_limit) if solver == "exact"
                 else HeuristicSolver(time_limit=time_limit))
        plan = model.fit(sub).plan_
        plan.name = f"pareto_{lam:.2f}"
        t = objective_terms(inst, plan)
        plans.append(plan)
        rows.append({"plan": plan.name, "weight_" + first: lam, first: t[TERMS[first]],
                     second: t[TERMS[second]], "new_units": plan.n_units})
    df = pd.DataFrame(rows)
    keep = _non_dominated(df[[first, second]].to_numpy())
    df = df[keep].drop_duplicates(subset=[first, second]).reset_index(drop=True)
    chosen = [p for p, k in zip(plans, keep, strict=True) if k]
    names = set(df["plan"])
    return [p for p in chosen if p.name in names], df


def _non_dominated(values: np.ndarray) -> np.ndarray:
    """Mask of rows no other row dominates (all <=, one <), minimisation."""
    le = (values[:, None, :] <= values[None, :, :] + 1e-12).all(-1)
    lt = (values[:, None, :] < values[None, :, :] - 1e-12).any(-1)
    dominated = (le & lt).any(axis=0)
    return ~dominated
