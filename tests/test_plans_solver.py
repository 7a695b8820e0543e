"""Plans solved part by part (rayon by rayon): infeasible parts reported while the rest is
solved, the heuristic standing in when the exact solver runs out of time. SYNTHETIC lattices."""

from __future__ import annotations

import numpy as np
import pytest

from aimak.compute import compute_client
from aimak.plans import solver as national
from aimak.plans.criteria import Criteria, Weights
from aimak.plans.exact import ExactSolver
from aimak.plans.feasibility import InfeasibleError
from aimak.plans.solver import PlanSolver
from aimak.plans.synthetic import lattice_instance
from aimak.plans.validity import check_plan

W = Weights(travel=1.0, units=0.2)


def _inst(min_population=None):
    crit = Criteria(min_population=min_population, max_minutes=50, stay_within="rayon",
                    exempt_isolated=False, weights=W)
    return lattice_instance(3, 4, crit, seed=3, groups=2)


def test_one_infeasible_rayon_does_not_sink_the_other():
    inst = _inst()
    totals = np.bincount(inst.group, weights=inst.population)
    # worked out by hand: the minimum lies between the two rayons' totals, so the smaller
    # rayon admits no plan, and the larger one only as a single unit (any split is smaller)
    small = int(totals.argmin())
    inst = _inst(min_population=float(totals.mean()))
    solver = PlanSolver(time_limit=10).fit(inst)
    parts = solver.parts_.set_index("part")
    assert parts.loc[small, "solver"] == "none" and parts.loc[small, "status"] == "infeasible"
    assert "below min_population" in parts.loc[small, "diagnosis"]
    # the same diagnosis, kept as sentences, is said in Russian for the report and console
    from aimak.i18n import say_json

    ru = say_json(parts.loc[small, "reasons"], "ru")
    assert "меньше min_population" in ru and "below" not in ru
    big = 1 - small
    assert parts.loc[big, "solver"] == "exact" and parts.loc[big, "new_units"] == 1
    assert parts.loc[big, "gap"] == 0.0
    # the infeasible rayon keeps today's six municipalities; the other is one unit
    labels = solver.plan_.labels
    assert len(set(labels[inst.group == big])) == 1
    assert len(set(labels[inst.group == small])) == 6
    assert solver.plan_.status == "partial"
    assert solver.solved_.sum() == 6


def test_parts_add_up_to_the_whole_exact_optimum():
    inst = _inst()
    parts = PlanSolver(time_limit=10).fit(inst)
    whole = ExactSolver(time_limit=10, workers=1).fit(inst)
    assert (parts.parts_["status"] == "optimal").all()
    assert inst.objective(parts.plan_) == pytest.approx(whole.objective_, rel=1e-9)
    assert check_plan(inst, parts.plan_) == []
    assert parts.parts_["new_units"].dtype.name == "Int64"  # counts stay integers


def test_exact_time_out_falls_back_to_the_heuristic(monkeypatch):
    def out_of_time(self, inst):
        raise InfeasibleError(["contiguity cuts did not converge within 1 s; use the heuristic"])

    monkeypatch.setattr(national.ExactSolver, "fit", out_of_time)
    inst = _inst()
    solver = PlanSolver(time_limit=1, heuristic_time=2).fit(inst)
    assert (solver.parts_["solver"] == "heuristic").all()
    assert solver.parts_["gap"].isna().all()  # the heuristic proves no bound
    assert solver.parts_["diagnosis"].str.contains("did not converge").all()
    assert solver.parts_["diagnosis"].str.startswith("the exact solver ran out of time").all()
    assert check_plan(inst, solver.plan_) == []


def test_same_plan_on_two_dask_workers():
    inst = _inst()
    one = PlanSolver(time_limit=10).fit(inst)
    with compute_client(workers=2, processes=False) as client:
        two = PlanSolver(time_limit=10, client=client).fit(inst)
    assert np.array_equal(one.plan_.labels, two.plan_.labels)
    assert np.array_equal(one.plan_.centres, two.plan_.centres)
