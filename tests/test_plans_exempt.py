"""exempt_isolated: remote municipalities that no merger can make large enough are exempt."""

from __future__ import annotations

import numpy as np
import pytest

from aimak.plans.criteria import Criteria
from aimak.plans.exact import ExactSolver
from aimak.plans.feasibility import InfeasibleError
from aimak.plans.instance import Instance
from aimak.plans.validity import check_plan


def _instance(exempt_isolated: bool) -> Instance:
    """SYNTHETIC: a chain a-b-c of municipalities one settlement each; c is 200 minutes away."""
    minutes = np.array([[0, 10, 200], [10, 0, 200], [200, 200, 0]], float)
    adjacency = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    criteria = Criteria(min_population=1000, max_minutes=60, contiguity=True,
                        stay_within="none", exempt_isolated=exempt_isolated)
    return Instance.from_arrays(np.array([600.0, 600.0, 300.0]), np.array([0, 1, 2]),
                                adjacency, minutes, criteria, units=["a", "b", "c"])


def test_isolated_unit_makes_the_instance_infeasible_without_the_exemption() -> None:
    with pytest.raises(InfeasibleError, match=r"c .*300 inhabitants, below min_population"):
        ExactSolver(time_limit=10).fit(_instance(False))


def test_exempt_isolated_exempts_exactly_the_unreachable_unit() -> None:
    inst = _instance(True)
    assert inst.reachable_population.tolist() == [1200.0, 1200.0, 300.0]
    assert inst.exempt.tolist() == [False, False, True]
    plan = ExactSolver(time_limit=10).fit(inst).plan_
    assert check_plan(inst, plan) == []
    labels = plan.labels
    assert labels[0] == labels[1] != labels[2]  # a and b merge; c stays alone, exempt


def test_session_says_the_minimum_and_who_is_exempt_from_it() -> None:
    """The minimum is a criterion; its exemptions are said by code with population and the
    largest population any allowed merger could reach (hand-worked: c, 300 inhabitants, is 200
    minutes from a and b, beyond the 60-minute limit, so it can only stay alone: 300)."""
    from aimak.plans.session import PlanSession

    assert PlanSession(_instance(True)).min_population_rule() == {
        "minimum": 1000.0, "isolated": [("c", 300.0, 300.0)], "listed": []}
    assert PlanSession(_instance(False)).min_population_rule() == {
        "minimum": 1000.0, "isolated": [], "listed": []}
