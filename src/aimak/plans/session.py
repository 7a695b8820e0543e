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
from aimak.plans.evaluate import choose_centre, plan_indicators, unit_indicators
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
    municipality once; a unit without a valid centre gets the best allowed one
    (``aimak.plans.evaluate.choose_centre``), as ``read_plan`` does.
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
        from aimak.plans.instance import read_times_file
        from aimak.scenarios import load_criteria

        ds = Dataset.read(dataset)
        crit, _text = load_criteria(criteria)
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

    def plan(self, mapping: Iterable[Mapping[str, object]], name: str = "plan") -> Plan:
        """A ``Plan`` from mapping records; errors name the row and the code."""
        inst = self.inst
        rows = list(mapping)
        problems: list[Problem] = []
        unit_of: dict[int, str] = {}
        wanted_centre: dict[str, str] = {}
        for i, row in enumerate(rows, start=1):
            code = str(row.get("old_code", "")).strip()
            unit = str(row.get("new_unit", "") or "").strip()
            pos = self._code_pos.get(code, -1)
            if pos < 0:
                problems.append(Problem(f"unknown municipality code '{code}'", "plan", i,
                                        "old_code"))
                continue
            if pos in unit_of:
                problems.append(Problem(f"municipality '{code}' appears twice", "plan", i,
                                        "old_code"))
                continue
            if not unit:
                problems.append(Problem("the new unit is blank", "plan", i, "new_unit"))
                continue
            unit_of[pos] = unit
            centre = str(row.get("centre", "") or "").strip()
            if centre and unit not in wanted_centre:
                wanted_centre[unit] = centre
        missing = [str(inst.units[u]) for u in range(inst.n) if u not in unit_of]
        if missing and not problems:
            problems.append(Problem(f"{len(missing)} municipalities have no new unit: "
                                    + ", ".join(missing[:10]), "plan", None, "old_code"))
        if problems:
            raise InputError(problems)
        unit_ids = np.array(sorted(set(unit_of.values())), dtype=object)
        position = {u: k for k, u in enumerate(unit_ids)}
        labels = np.array([position[unit_of[u]] for u in range(inst.n)], dtype=np.int64)
        centres = np.empty(len(unit_ids), dtype=np.int64)
        for k, unit in enumerate(unit_ids):
            members = np.flatnonzero(labels == k)
            s = self._sid_pos.get(wanted_centre.get(unit, ""), -1)
            if s >= 0 and labels[inst.settlement_unit[s]] == k:
                centres[k] = s
            else:
                centres[k] = choose_centre(inst, members)
        return Plan(labels, centres, name=name, unit_ids=unit_ids)

    def mapping(self, plan: Plan) -> list[dict[str, str]]:
        """Mapping records of a plan (the centre is the unit's centre settlement id)."""
        inst = self.inst
        ids = plan.ids(inst)
        return [{"old_code": str(inst.units[u]), "new_unit": str(ids[plan.labels[u]]),
                 "centre": str(inst.settlement_ids[plan.centres[plan.labels[u]]])}
                for u in range(inst.n)]

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
                 time_limit: float = 10.0, seed: int = 0,
                 left: list[str] | None = None) -> list[dict[str, str]]:
        """Repair and improve a mapping with the heuristic solver, keeping ``locked`` units.

        Every locked unit (by its ``new_unit`` name) keeps its members, centre and name; the
        other units are repaired (violations removed) and improved (objective lowered) by
        ``HeuristicSolver`` started from the mapping, within ``time_limit`` seconds. The
        result is valid except for whatever the locked units already broke. New units are
        named after their centre's unit in the mapping when that name is free, else after
        the centre's municipality code.

        When the solver finds municipalities that no unit meeting the criteria can include
        (real data can make a criteria set infeasible in one corner of an oblast), their units
        are kept as they are, like locked ones, and the rest is solved; their names are added
        to ``left`` when a list is given, else ``InfeasibleError`` (with reasons) is raised.
        ``InputError`` for an unknown locked unit.
        """
        import time

        from aimak.plans.feasibility import InfeasibleError
        from aimak.plans.heuristic import HeuristicSolver

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
        deadline = time.monotonic() + time_limit
        while True:
            try:
                solver = HeuristicSolver(time_limit=max(1.0, deadline - time.monotonic()),
                                         seed=seed).fit(inst, start=start, keep=sorted(keep))
                break
            except InfeasibleError as exc:
                stuck = {int(start.labels[u]) for u in exc.units} - keep
                if left is None or not stuck:
                    raise
                keep |= stuck
                left.extend(names[k] for k in sorted(stuck))
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

    # ------------------------------------------------------------------ ensembles
    def metrics(self, mapping: Iterable[Mapping[str, object]]) -> dict[str, float]:
        """The ReCom ensemble's metrics of a mapping (``aimak.plans.ensemble.METRICS``)."""
        from aimak.plans.ensemble import plan_metrics

        return plan_metrics(self.inst, self.plan(mapping))

    def sample_ensemble(self, n_plans: int = 500, seed: int = 0,
                        time_limit: float = 20.0) -> tuple[pd.DataFrame, Plan]:
        """Valid plans sampled by ReCom (``ReComEnsemble``) from the heuristic solver's plan
        (found within ``time_limit`` seconds): their metrics, one row per plan, and the start.
        Every sampled plan has the start plan's number of units."""
        from aimak.plans.ensemble import ReComEnsemble
        from aimak.plans.heuristic import HeuristicSolver

        start = HeuristicSolver(time_limit=time_limit, seed=seed).fit(self.inst).plan_
        chain = ReComEnsemble(n_plans=n_plans, seed=seed).fit(self.inst, start)
        return chain.metrics_, start
