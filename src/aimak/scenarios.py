"""Amalgamation scenarios of a run: solve each criteria set, evaluate, explain, compare.

Kept apart from ``aimak.plans`` (the solvers and indicators) because it only strings them
together for the pipeline: one plan per criteria file, today's map as the reference, and one
comparison table of all of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aimak.dataset import Dataset
from aimak.errors import AimakError
from aimak.i18n import _, get_language, say_in, say_json

if TYPE_CHECKING:
    from aimak.pipeline import Cache, Progress
    from aimak.plans.instance import Instance, Plan


def load_criteria(spec: str) -> tuple[Any, str]:
    """Criteria and their TOML text, from a built-in name (``accessibility``, ...) or a path."""
    from importlib import resources

    from aimak.plans.criteria import Criteria

    if spec.endswith(".toml") or "/" in spec:
        return Criteria.read(spec), Path(spec).read_text(encoding="utf-8")
    criteria = Criteria.builtin(spec)
    text = (resources.files("aimak.plans") / "criteria" / f"{spec}.toml").read_text("utf-8")
    return criteria, text


def criteria_title(text: str, name: str) -> str:
    """The ``[about] title`` of a criteria file, or the scenario's name."""
    import tomllib

    return str(tomllib.loads(text).get("about", {}).get("title", name))


def mapping_of(inst: Instance, plan: Plan) -> pd.DataFrame:
    """``old_code, new_unit, centre`` (settlement id) for every current municipality."""
    ids = plan.ids(inst)
    return pd.DataFrame({"old_code": inst.units, "new_unit": ids[plan.labels],
                         "centre": inst.settlement_ids[plan.centres][plan.labels]})


def plan_of(inst: Instance, mapping: pd.DataFrame, name: str, status: str) -> Plan:
    """Rebuild a Plan from its mapping (for cached results)."""
    from aimak.plans.instance import Plan

    m = mapping.set_index("old_code").loc[inst.units]
    unit_ids, labels = np.unique(m["new_unit"].to_numpy(str), return_inverse=True)
    centre_of = m.groupby("new_unit")["centre"].first().loc[unit_ids]
    centres = pd.Index(inst.settlement_ids).get_indexer(centre_of.to_numpy())
    return Plan(labels, centres, name=name, status=status, unit_ids=unit_ids.astype(object))


def solve_scenarios(ds: Dataset, times: pd.DataFrame, flows: pd.DataFrame,
                    scenarios: dict[str, str], cache: Cache, key: str,
                    solver: dict[str, Any], say: Progress,
                    compute: dict[str, Any] | None = None) -> tuple[dict[str, dict],
                                                                   pd.DataFrame]:
    """Solve, check, evaluate and explain each scenario; compare them with today's map.

    Each rayon or oblast (the ``stay_within`` group) is solved on its own (``PartSolver``,
    on Dask when ``compute`` asks for workers or a scheduler): a part with no feasible plan
    keeps today's municipalities and is reported with its diagnosis while the rest is solved.
    """
    from aimak.pipeline import _digest
    from aimak.plans.evaluate import current_plan, plan_indicators, unit_indicators
    from aimak.plans.explain import explain
    from aimak.plans.feasibility import InfeasibleError
    from aimak.plans.instance import Instance
    from aimak.plans.validity import check_plan

    finite = times[np.isfinite(times["minutes"])]
    results: dict[str, dict] = {}
    summaries: dict[str, dict] = {}
    inst = None
    current_violations: list[str] = []
    for name, spec in scenarios.items():
        say(f"plan: {name}")
        criteria, text = load_criteria(spec)
        title = criteria_title(text, name)
        inst = Instance.from_dataset(ds, finite, criteria, flows=flows)
        broken = check_plan(inst, current_plan(inst))
        current_violations.append(f"{_(title)}: {len(broken)}")
        step_key = _digest(key, text, solver)
        try:
            mapping, meta = cache.table_and_facts(f"plan-{name}", step_key,
                                                  lambda i=inst: _solve(i, solver, compute))
        except InfeasibleError as exc:
            why = ("; ".join(f"{part}: {say_json(reasons)}" for part, reasons in exc.parts)
                   if hasattr(exc, "parts") else "; ".join(say_in(r) for r in exc.reasons))
            results[name] = {"title": title, "infeasible": why}  # in the report's language
            continue
        plan = plan_of(inst, mapping, name, meta.get("status", ""))
        parts = pd.DataFrame(meta.get("parts", []))
        unsolved = set(meta.get("unsolved", []))
        violations = check_plan(inst, plan) if not unsolved else _check_solved(inst, plan,
                                                                               unsolved)
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
            "criteria": _criteria_dict(criteria),
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


def _solve(inst: Instance, solver: dict[str, Any], compute: dict[str, Any] | None = None
           ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The plan solved part by part as a mapping, with its status, the worst gap among the
    exact parts, which solvers produced it, the table of parts and the unsolved municipalities.
    Raises ``InfeasibleError`` only when no part has a plan."""
    from aimak.plans.feasibility import InfeasibleError
    from aimak.plans.national import PartSolver

    compute = compute or {}
    parts = PartSolver(time_limit=float(solver.get("time_limit", 40.0)),
                       exact_workers=int(solver.get("workers", 2)),
                       heuristic_time=float(solver.get("heuristic_time", 20.0)),
                       workers=int(compute.get("workers", 1)),
                       scheduler=compute.get("scheduler")).fit(inst)
    table = parts.parts_
    if not parts.solved_.any():
        err = InfeasibleError([f"{r.name}: {r.diagnosis}" for r in table.itertuples()])
        err.parts = [(r.name, r.reasons) for r in table.itertuples()]  # sayable per part
        raise err
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
    return mapping_of(inst, parts.plan_), facts


def _check_solved(inst: Instance, plan: Plan, unsolved: set[str]) -> list:
    """Violations of the plan on the solved municipalities only (unsolved parts keep today's
    municipalities, which break the criteria: that is their diagnosis, not a solver bug)."""
    from aimak.plans.instance import Plan as PlanClass
    from aimak.plans.validity import check_plan

    keep = np.flatnonzero(~np.isin(inst.units.astype(str), list(unsolved)))
    sub = inst.subset(keep)
    labels = plan.labels[keep]
    used, relabel = np.unique(labels, return_inverse=True)
    S = np.flatnonzero(np.isin(inst.settlement_unit, keep))
    smap = np.full(len(inst.settlement_unit), -1)
    smap[S] = np.arange(len(S))
    return check_plan(sub, PlanClass(relabel, smap[plan.centres[used]]))


def _criteria_dict(criteria) -> dict[str, Any]:
    from dataclasses import asdict

    out = {k: v for k, v in asdict(criteria).items() if v not in (None, (), [])}
    return out
