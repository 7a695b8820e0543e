"""The independent validity check, on a SYNTHETIC line of four municipalities (hand-checkable).

Municipalities 0-1-2-3 lie in a row, one settlement each, with 1,000, 2,000, 3,000 and 4,000
inhabitants; travel between neighbours takes 20 minutes (10 km).
"""

from __future__ import annotations

import numpy as np
import pytest

from aimak.plans.criteria import Criteria
from aimak.plans.instance import Instance, Plan
from aimak.plans.validity import check_plan, is_valid, violations_frame

POP = np.array([1000.0, 2000.0, 3000.0, 4000.0])
POS = np.arange(4.0)
MIN = np.abs(POS[:, None] - POS[None, :]) * 20.0
KM = MIN / 2.0
ADJ = np.eye(4, k=1) + np.eye(4, k=-1)


def line(**kw) -> Instance:
    group = kw.pop("group", None)
    return Instance.from_arrays(POP, np.arange(4), ADJ, MIN, Criteria(**kw), km=KM,
                                group=group, candidates=np.arange(4))


def criteria_of(inst: Instance, plan: Plan) -> list[str]:
    return sorted(v.criterion for v in check_plan(inst, plan))


def test_valid_plan_has_no_violation():
    inst = line(min_population=3000, max_minutes=20, stay_within="none")
    plan = Plan([0, 0, 1, 2], [1, 2, 3])
    assert check_plan(inst, plan) == []
    assert is_valid(inst, plan)


def test_min_and_max_population_with_amounts():
    inst = line(min_population=3500, max_population=6500, stay_within="none")
    v = check_plan(inst, Plan([0, 0, 1, 1], [0, 3]))
    assert [x.criterion for x in v] == ["min_population", "max_population"]
    assert v[0].value == 3000 and v[0].limit == 3500
    assert v[1].value == 7000


def test_travel_limits_in_minutes_and_km():
    inst = line(max_minutes=30, max_km=15, stay_within="none")
    v = check_plan(inst, Plan([0, 0, 0, 1], [0, 3]))
    assert criteria_of(inst, Plan([0, 0, 0, 1], [0, 3])) == ["max_km", "max_minutes"]
    worst = {x.criterion: x.value for x in v}
    assert worst["max_minutes"] == pytest.approx(10.0)  # 40 min against a 30 min limit
    assert worst["max_km"] == pytest.approx(5.0)


def test_keep_current_access_exempts_settlements_already_far():
    # unit 1's settlement is its own centre; pretend its current centre is 40 min away
    inst = Instance.from_arrays(POP, np.arange(4), ADJ, MIN,
                                Criteria(max_minutes=10, keep_current_access=True,
                                         stay_within="none"),
                                official_centre=np.array([0, 3, 2, 3]), candidates=np.arange(4))
    # unit {0,1} centred on 0: settlement 1 is 20 min away, current centre (3) is 40 min away
    assert check_plan(inst, Plan([0, 0, 1, 2], [0, 2, 3])) == []
    strict = Instance.from_arrays(POP, np.arange(4), ADJ, MIN,
                                  Criteria(max_minutes=10, stay_within="none"),
                                  candidates=np.arange(4))
    assert criteria_of(strict, Plan([0, 0, 1, 2], [0, 2, 3])) == ["max_minutes"]


def test_contiguity():
    inst = line(stay_within="none")
    v = check_plan(inst, Plan([0, 1, 0, 1], [0, 1]))
    assert [x.criterion for x in v] == ["contiguity", "contiguity"]
    assert v[0].value == 2


def test_centre_must_lie_in_its_unit_and_be_a_candidate():
    inst = Instance.from_arrays(POP, np.arange(4), ADJ, MIN, Criteria(stay_within="none"),
                                candidates=np.array([0, 1, 2]))
    # unit 0 = {0, 1} is centred outside itself; unit 1's centre 3 is not a candidate
    assert criteria_of(inst, Plan([0, 0, 1, 1], [2, 3])) == ["centre", "centre_services"]


def test_stay_within_and_allowed_crossing():
    inst = line(group=np.array([0, 0, 1, 1]))
    assert criteria_of(inst, Plan([0, 0, 0, 1], [0, 3])) == ["stay_within"]
    inst = line(group=np.array([0, 0, 1, 1]), cross_border_allowed=(("0", "1"),))
    assert check_plan(inst, Plan([0, 0, 0, 1], [0, 3])) == []


def test_pairs_and_unit_cap():
    inst = line(must_merge=(("u0", "u1"),), must_not_merge=(("u2", "u3"),), max_units=2,
                stay_within="none")
    v = check_plan(inst, Plan([0, 1, 2, 2], [0, 1, 2]))
    assert sorted(x.criterion for x in v) == ["max_units", "must_merge", "must_not_merge"]
    # u0 and u1 together, u2 and u3 apart: only the cap (3 units > 2) is broken
    assert criteria_of(inst, Plan([0, 0, 1, 2], [0, 2, 3])) == ["max_units"]


def test_min_population_exempt():
    inst = line(min_population=3500, min_population_exempt=("u0",), stay_within="none")
    assert criteria_of(inst, Plan([0, 1, 2, 3], [0, 1, 2, 3])) == ["min_population"] * 2
    assert check_plan(inst, Plan([0, 1, 1, 2], [0, 2, 3])) == []


def test_structure_errors_and_frame():
    inst = line(stay_within="none")
    assert [v.criterion for v in check_plan(inst, Plan([0, 0], [0]))] == ["structure"]
    v = check_plan(inst, Plan([0, 0, 0, 0], [0, 1]))
    assert "structure" in [x.criterion for x in v]
    assert list(violations_frame(v).columns) == ["criterion", "unit", "value", "limit", "message"]
