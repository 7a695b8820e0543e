"""Evaluate hand-edited plans quickly: one instance in memory, many small edits.

The territory explorer changes one municipality at a time and needs every unit's indicators and
every criteria violation after each change. Building the instance (reading the dataset, the
travel-time matrix and the flows) is the slow part, so a ``PlanSession`` builds it once and then
evaluates mappings against it: ``evaluate`` is the same computation as ``aimak evaluate``
(``unit_indicators``, ``plan_indicators``, ``check_plan``) without re-reading anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from aimak.errors import InputError, Problem
from aimak.plans.evaluate import plan_indicators, unit_indicators
from aimak.plans.instance import Instance, Plan
from aimak.plans.validity import check_plan


@dataclass
class Evaluation:
    """Indicators of one plan: per unit, for the plan, and its violations (named)."""

    units: pd.DataFrame
    summary: dict[str, object]
    violations: list[dict[str, object]]


class PlanSession:
    """An amalgamation instance held in memory for repeated evaluation of mappings.

    A mapping is a table (or records) ``old_code, new_unit[, centre]`` with every current
    municipality once (read by ``Plan.from_mapping``, as a plan file is); a unit without a
    centre gets the best allowed one.
    """

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self._code_pos = {str(c): i for i, c in enumerate(inst.units)}
        self._sid_pos = {str(c): i for i, c in enumerate(inst.settlement_ids)}

    @classmethod
    def from_files(cls, dataset: str | Path, times: str | Path, flows: str | Path | None,
                   criteria: str) -> PlanSession:
        """Read a dataset GeoPackage, a travel-time table and flows (Parquet or CSV)."""
        from aimak.dataset import Dataset
        from aimak.io import read_table
        from aimak.plans.criteria import Criteria
        from aimak.plans.instance import read_times_file

        ds = Dataset.read(dataset)
        crit = Criteria.load(criteria)
        t = read_times_file(times)
        t = t[np.isfinite(t["minutes"])]
        f = None
        if flows is not None:
            flows = Path(flows)
            f = pd.read_parquet(flows) if flows.suffix.lower() == ".parquet" else read_table(
                flows)
        return cls(Instance.from_dataset(ds, t, crit, flows=f, times_file=str(times),
                                         flows_file=str(flows) if flows else "flows"))

    # ------------------------------------------------------------------ mappings and plans
    def current_mapping(self) -> list[dict[str, str]]:
        """Today's map: every municipality its own unit at its current centre."""
        inst = self.inst
        return [{"old_code": str(c), "new_unit": str(c),
                 "centre": str(inst.settlement_ids[inst.official_centre[u]])}
                for u, c in enumerate(inst.units)]

    def plan(self, mapping: Iterable[Mapping[str, object]], name: str = "plan",
             source: str = "plan") -> Plan:
        """A ``Plan`` from mapping records; errors name ``source``, the row and the code."""
        return Plan.from_mapping(self.inst, list(mapping), name=name, source=source)

    def mapping(self, plan: Plan) -> list[dict[str, str]]:
        """Mapping records of a plan (the centre is the unit's centre settlement id)."""
        return plan.to_mapping(self.inst).astype(str).to_dict("records")

    # ------------------------------------------------------------------ edits
    def move(self, mapping: Iterable[Mapping[str, object]], old_code: str,
             new_unit: str) -> list[dict[str, str]]:
        """The mapping with ``old_code`` moved to ``new_unit`` (a new unit when unused).

        Centres are re-chosen only for the two units that changed; others keep theirs.
        """
        rows = [dict(r) for r in mapping]
        if old_code not in self._code_pos:
            raise InputError([Problem(f"unknown municipality code '{old_code}'", "edit", None,
                                      "old_code")])
        new_unit = str(new_unit).strip()
        if not new_unit:
            raise InputError([Problem("the new unit is blank", "edit", None, "new_unit")])
        before = next(r["new_unit"] for r in rows if r["old_code"] == old_code)
        for r in rows:
            if r["old_code"] == old_code:
                r["new_unit"] = new_unit
            if r["new_unit"] in (before, new_unit):
                r["centre"] = ""  # re-chosen for the changed units
        # keep a still-valid centre of the unit that lost a member, and of the one that gained
        return self.mapping(self.plan(rows))

    def set_centre(self, mapping: Iterable[Mapping[str, object]], new_unit: str,
                   centre: str) -> list[dict[str, str]]:
        """The mapping with ``new_unit`` centred on settlement ``centre`` (one of its own)."""
        rows = [dict(r) for r in mapping]
        s = self._sid_pos.get(centre, -1)
        members = {r["old_code"] for r in rows if r["new_unit"] == new_unit}
        if s < 0 or str(self.inst.units[self.inst.settlement_unit[s]]) not in members:
            raise InputError([Problem(f"settlement '{centre}' is not in unit '{new_unit}'",
                                      "edit", None, "centre")])
        for r in rows:
            if r["new_unit"] == new_unit:
                r["centre"] = centre
        return self.mapping(self.plan(rows))

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, mapping: Iterable[Mapping[str, object]] | Plan,
                 name: str = "plan", lang: str | None = None) -> Evaluation:
        """Every unit's indicators, the plan's indicators and every violation, named.

        Violations are sentences in ``lang`` (ru, ky, en; default English).
        """
        plan = mapping if isinstance(mapping, Plan) else self.plan(mapping, name)
        inst = self.inst
        ids = plan.ids(inst)
        violations = [{"criterion": v.criterion,
                       "unit": None if v.unit is None else str(ids[v.unit]),
                       "message": v.text(lang) if lang else v.message}
                      for v in check_plan(inst, plan)]
        return Evaluation(units=unit_indicators(inst, plan, lang=lang),
                          summary=plan_indicators(inst, plan), violations=violations)

    # ------------------------------------------------------------------ optimisation
    def optimise(self, mapping: Iterable[Mapping[str, object]], locked: Iterable[str] = (),
                 time_limit: float | None = None, seed: int = 0,
                 left: list[str] | None = None) -> list[dict[str, str]]:
        """Repair and improve a mapping with the heuristic solver, keeping ``locked`` units.

        Every locked unit (by its ``new_unit`` name) keeps its members, centre and name; the
        other units are repaired (violations removed) and improved (objective lowered) by
        the solving policy's repair (``PlanSolver.fit(start=...)``) within ``time_limit``
        seconds. The
        result is valid except for whatever the locked units already broke. New units are
        named after their centre's unit in the mapping when that name is free, else after
        the centre's municipality code.

        When the solver finds municipalities that no unit meeting the criteria can include
        (real data can make a criteria set infeasible in one corner of an oblast), their units
        are kept as they are, like locked ones, and the rest is solved; their names are added
        to ``left`` when a list is given, else ``InfeasibleError`` (with reasons) is raised.
        ``InputError`` for an unknown locked unit.
        """
        from aimak.plans.feasibility import InfeasibleError
        from aimak.plans.solver import PlanSolver

        inst = self.inst
        start = self.plan(mapping)
        names = [str(x) for x in start.ids(inst)]
        position = {n: k for k, n in enumerate(names)}
        locked = sorted({str(u) for u in locked})
        unknown = [u for u in locked if u not in position]
        if unknown:
            raise InputError([Problem(f"unknown unit '{u}' to keep", "optimise", None,
                                      "locked") for u in unknown])
        keep = {position[u] for u in locked}
        solver = PlanSolver(seed=seed, **({} if time_limit is None else
                                          {"time_limit": time_limit})
                            ).fit(inst, start=start, keep=keep)
        if solver.left_ and left is None:
            raise InfeasibleError(solver.reasons_)
        if left is not None:
            left.extend(names[k] for k in solver.left_)
        plan = solver.plan_
        ids = np.empty(plan.n_units, dtype=object)
        for k in range(plan.n_units):  # kept units keep their names
            if k in solver.kept_:
                ids[k] = names[start.labels[plan.members(k)[0]]]
        taken = {str(x) for x in ids if x is not None}
        for k in range(plan.n_units):
            if ids[k] is not None:
                continue
            home = int(inst.settlement_unit[plan.centres[k]])
            for name in (names[start.labels[home]], str(inst.units[home])):
                if name not in taken:
                    break
            else:
                n = 2
                while f"{inst.units[home]}-{n}" in taken:
                    n += 1
                name = f"{inst.units[home]}-{n}"
            ids[k] = name
            taken.add(name)
        plan.unit_ids = ids
        return self.mapping(plan)

    def min_population_rule(self) -> dict | None:
        """The minimum population criterion and who is exempt from it (None without one):
        ``isolated`` lists (code, population, largest population any allowed merger could
        reach) of the municipalities ``exempt_isolated`` exempts, ``listed`` the codes the
        criteria name in ``min_population_exempt``. A unit holding either need not reach
        the minimum, so a plan with smaller units can have no violation."""
        inst = self.inst
        minimum = inst.criteria.min_population
        if minimum is None:
            return None
        listed = set(inst.criteria.min_population_exempt)
        isolated = [(str(inst.units[k]), float(inst.population[k]),
                     float(inst.reachable_population[k]))
                    for k in np.flatnonzero(inst.exempt) if str(inst.units[k]) not in listed]
        return {"minimum": float(minimum), "isolated": isolated, "listed": sorted(listed)}

    # ------------------------------------------------------------------ ensembles
    def metrics(self, mapping: Iterable[Mapping[str, object]]) -> dict[str, float]:
        """The ReCom ensemble's metrics of a mapping (``aimak.plans.ensemble.METRICS``)."""
        from aimak.plans.ensemble import plan_metrics

        return plan_metrics(self.inst, self.plan(mapping))

    def sample_ensemble(self, n_plans: int = 500, seed: int = 0,
                        time_limit: float | None = None) -> tuple[pd.DataFrame, Plan]:
        """Valid plans sampled by ReCom (``ReComEnsemble``) from the heuristic solver's plan
        (found within ``time_limit`` seconds, by default ``PlanSolver``'s): their metrics, one
        row per plan, and the start.
        Every sampled plan has the start plan's number of units."""
        from aimak.plans.ensemble import ReComEnsemble
        from aimak.plans.solver import PlanSolver

        start = PlanSolver(method="heuristic", seed=seed, **({} if time_limit is None else
                                                             {"time_limit": time_limit})
                           ).fit(self.inst).plan_
        chain = ReComEnsemble(n_plans=n_plans, seed=seed).fit(self.inst, start)
        return chain.metrics_, start
