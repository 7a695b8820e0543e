"""Amalgamation scenarios of a run: solve each criteria set, evaluate, explain, compare.

Kept apart from ``aimak.plans`` (the solvers and indicators) because it only strings them
together for the pipeline: one plan per criteria file, today's map as the reference, and one
comparison table of all of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aimak.dataset import Dataset
from aimak.errors import AimakError
from aimak.i18n import _, get_language, say_in, say_json
from aimak.manifest import Progress, plan_stage

if TYPE_CHECKING:
    from aimak.cache import Cache
    from aimak.plans.instance import Instance
    from aimak.plans.solver import PlanSolver

def solve_scenarios(ds: Dataset, times: pd.DataFrame, flows: pd.DataFrame,
                    scenarios: dict[str, str], cache: Cache, key: str,
                    solver: PlanSolver, say: Progress) -> tuple[dict[str, dict], pd.DataFrame]:
    """Solve, check, evaluate and explain each scenario; compare them with today's map.

    Each rayon or oblast (the ``stay_within`` group) is solved on its own by ``solver`` (the
    solving policy, ``PlanSolver``, on Dask when it has workers or a scheduler): a part with
    no feasible plan keeps today's municipalities and is reported with its diagnosis while the
    rest is solved.
    """
    from aimak.cache import digest
    from aimak.plans.criteria import Criteria
    from aimak.plans.evaluate import current_plan, plan_indicators, unit_indicators
    from aimak.plans.explain import explain
    from aimak.plans.feasibility import InfeasibleError
    from aimak.plans.instance import Instance, Plan
    from aimak.plans.validity import check_plan, check_solved

    finite = times[np.isfinite(times["minutes"])]
    results: dict[str, dict] = {}
    summaries: dict[str, dict] = {}
    inst = None
    current_violations: list[str] = []
    for name, spec in scenarios.items():
        say(plan_stage(name))
        criteria = Criteria.load(spec)
        title = criteria.title or name
        inst = Instance.from_dataset(ds, finite, criteria, flows=flows)
        broken = check_plan(inst, current_plan(inst))
        current_violations.append(f"{_(title)}: {len(broken)}")
        step_key = digest(key, criteria_values(criteria),
                          {k: solver.get_params()[k]
                           for k in ("time_limit", "exact_workers", "heuristic_time", "method")})
        try:
            mapping, meta = cache.table_and_facts(f"plan-{name}", step_key,
                                                  lambda i=inst: _solve(i, solver))
        except InfeasibleError as exc:
            why = ("; ".join(f"{part}: {say_json(reasons)}" for part, reasons in exc.parts)
                   if hasattr(exc, "parts") else "; ".join(say_in(r) for r in exc.reasons))
            results[name] = {"title": title, "infeasible": why}  # in the report's language
            continue
        plan = Plan.from_mapping(inst, mapping, name, meta.get("status", ""),
                                 source=f"plan-{name}")
        parts = pd.DataFrame(meta.get("parts", []))
        unsolved = set(meta.get("unsolved", []))
        violations = check_solved(inst, plan, ~np.isin(inst.units.astype(str),
                                                       list(unsolved)))
        if violations:  # the solvers promise valid plans; an invalid one is a bug to report
            raise AimakError(f"plan '{name}' breaks its own criteria: "
                             + "; ".join(v.message for v in violations[:5]))
        summary = plan_indicators(inst, plan)
        summary.update({k: meta[k] for k in ("gap", "seconds", "solver")
                        if meta.get(k) is not None})
        if unsolved:
            summary["infeasible_parts"] = int((parts["status"] == "infeasible").sum())
        summaries[name] = summary
        results[name] = {
            "title": title,
            "criteria": criteria_values(criteria),
            "mapping": mapping,
            "units": unit_indicators(inst, plan, lang=get_language()).merge(
                explain(inst, plan), on="new_unit", how="left"),
            "summary": summary,
            "parts": parts,
        }
    if inst is None:
        raise AimakError("no amalgamation scenario was given")
    today = plan_indicators(inst, current_plan(inst))
    # today's map is checked against every scenario's criteria, not just the last one
    today.update({"violations": np.nan, "objective": np.nan,
                  "violated_criteria": "; ".join(current_violations)})
    summaries = {"current": today, **summaries}
    for name, result in results.items():
        if "infeasible" in result:
            summaries[name] = {"violated_criteria": _("infeasible: {reason}").format(
                reason=result["infeasible"])}
    comparison = pd.DataFrame(list(summaries.values()))
    comparison["plan"] = list(summaries)
    comparison["title"] = ["Today's municipalities" if k == "current" else results[k]["title"]
                           for k in summaries]
    results = {k: v for k, v in results.items() if "mapping" in v} | {
        k: v for k, v in results.items() if "mapping" not in v}
    return results, comparison


def _solve(inst: Instance, solver: PlanSolver) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The plan solved part by part (``PlanSolver``) as a mapping, with its status, the worst
    gap among the exact parts, which solvers produced it, the table of parts and the unsolved
    municipalities. Raises ``InfeasibleError`` only when no part has a plan."""
    parts = solver.fit(inst)
    table = parts.parts_
    solved = table[table["solver"] != "none"]
    gaps = solved.loc[solved["solver"] == "exact", "gap"]
    facts = {"status": parts.plan_.status,
             "gap": float(gaps.max()) if len(gaps) and (solved["solver"] == "exact").all()
             else None,
             "solver": "+".join(sorted(solved["solver"].unique())),
             "objective": float(inst.objective(parts.plan_)),
             "seconds": float(parts.seconds_),
             "parts": table.astype(object).where(table.notna(), None).to_dict("records"),
             "unsolved": [str(u) for u in inst.units[~parts.solved_]]}
    return parts.plan_.to_mapping(inst), facts


def criteria_values(criteria) -> dict[str, Any]:
    """The criteria as the report states them: every key given a value, the title left out
    (it heads the section)."""
    return {k: v for k, v in criteria.model_dump().items()
            if v not in (None, (), []) and k != "title"}
