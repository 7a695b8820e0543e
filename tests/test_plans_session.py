"""PlanSession: edits and evaluations against figures worked out by hand on a 4-village chain."""

from __future__ import annotations

import numpy as np
import pytest

from aimak.errors import InputError
from aimak.plans.criteria import Criteria
from aimak.plans.instance import Instance
from aimak.plans.session import PlanSession


@pytest.fixture
def session() -> PlanSession:
    # four municipalities u0..u3 in a chain, one village each (s0..s3), 10 minutes apart
    pos = np.arange(4)
    minutes = np.abs(pos[:, None] - pos[None, :]) * 10.0
    adjacency = np.zeros((4, 4), bool)
    for i in range(3):
        adjacency[i, i + 1] = True
    crit = Criteria(min_population=250, stay_within="none", contiguity=True)
    inst = Instance.from_arrays([100, 200, 300, 400], [0, 1, 2, 3], adjacency, minutes, crit,
                                units=["u0", "u1", "u2", "u3"])
    return PlanSession(inst)


def _map(pairs):
    return [{"old_code": c, "new_unit": u, "centre": s} for c, u, s in pairs]


def test_evaluate_by_hand(session):
    ev = session.evaluate(_map([("u0", "A", "s1"), ("u1", "A", "s1"),
                                ("u2", "B", "s3"), ("u3", "B", "s3")]))
    units = ev.units.set_index("new_unit")
    assert units.loc["A", "population"] == 300
    assert units.loc["B", "population"] == 700
    # population-weighted minutes to the centre: A (100*10 + 200*0)/300, B (300*10)/700
    assert units.loc["A", "mean_minutes_to_centre"] == pytest.approx(10 / 3)
    assert units.loc["B", "mean_minutes_to_centre"] == pytest.approx(3000 / 700)
    assert units.loc["A", "share_within_30_min"] == 1.0
    assert ev.summary["units"] == 2 and ev.violations == []


def test_move_names_the_new_violation(session):
    start = _map([("u0", "A", "s1"), ("u1", "A", "s1"), ("u2", "B", "s3"), ("u3", "B", "s3")])
    moved = session.move(start, "u1", "B")
    moved = session.set_centre(moved, "B", "s3")
    ev = session.evaluate(moved)
    units = ev.units.set_index("new_unit")
    assert units.loc["A", "population"] == 100
    # B = u1, u2, u3 centred on s3: (200*20 + 300*10)/900 minutes
    assert units.loc["B", "mean_minutes_to_centre"] == pytest.approx(7000 / 900)
    assert [(v["criterion"], v["unit"]) for v in ev.violations] == [("min_population", "A")]
    # moving u0 away from A as well leaves a non-contiguous B? no: u0-u1 adjacent, so valid
    both = session.set_centre(session.move(moved, "u0", "B"), "B", "s3")
    assert session.evaluate(both).violations == []


def test_non_contiguous_unit_is_named(session):
    ev = session.evaluate(_map([("u0", "A", "s0"), ("u1", "B", "s1"), ("u2", "B", "s1"),
                                ("u3", "A", "s0")]))
    assert ("contiguity", "A") in [(v["criterion"], v["unit"]) for v in ev.violations]


def test_bad_mappings_name_row_and_column(session):
    with pytest.raises(InputError) as exc:
        session.plan(_map([("u0", "A", ""), ("zz", "A", ""), ("u0", "B", ""),
                           ("u2", "", "")]))
    problems = {(p.row, p.column) for p in exc.value.problems}
    # u1 and u3 have no row at all: one more problem, naming no row
    assert problems == {(2, "old_code"), (3, "old_code"), (4, "new_unit"), (None, "old_code")}
    with pytest.raises(InputError, match="missing from the plan"):
        session.plan(_map([("u0", "A", "")]))
    with pytest.raises(InputError, match="not in unit"):
        session.set_centre(session.current_mapping(), "u0", "s3")


def test_current_mapping_is_todays_map(session):
    ev = session.evaluate(session.current_mapping())
    assert ev.summary["units"] == 4
    # u0 (100) and u1 (200) are below the minimum of 250
    assert sorted(v["unit"] for v in ev.violations) == ["u0", "u1"]


def test_optimise_keeps_the_locked_unit_and_repairs_the_rest(session):
    # A={u0} (100) and B={u1} (200) are below the 250 minimum; C={u2,u3} is centred on s2
    # and locked. The only repair is A+B (u1's other neighbour is locked); its best centre is
    # s1 (100 people * 10 min, against 200 * 10 at s0). Unlocked, C would move to s3.
    start = _map([("u0", "A", "s0"), ("u1", "B", "s1"), ("u2", "C", "s2"),
                  ("u3", "C", "s2")])
    assert {v["unit"] for v in session.evaluate(start).violations} == {"A", "B"}
    out = session.optimise(start, locked=["C"], time_limit=5)
    rows = {r["old_code"]: (r["new_unit"], r["centre"]) for r in out}
    assert rows["u2"] == rows["u3"] == ("C", "s2")
    assert rows["u0"] == rows["u1"] == ("B", "s1")  # named after its centre's unit
    assert session.evaluate(out).violations == []
    free = {r["old_code"]: r["centre"] for r in session.optimise(start, time_limit=5)}
    assert free["u3"] == "s3"  # without the lock the centre moves to the larger village


def test_optimise_leaves_a_locked_violation_alone(session):
    # A={u0} breaks the minimum but is locked: it stays as it is (nothing may join it), and
    # the solver only rearranges u1..u3 among valid units; A's violation is the only one.
    start = _map([("u0", "A", "s0"), ("u1", "B", "s2"), ("u2", "B", "s2"), ("u3", "B", "s2")])
    out = session.optimise(start, locked=["A"], time_limit=5)
    rows = {r["old_code"]: (r["new_unit"], r["centre"]) for r in out}
    assert rows["u0"] == ("A", "s0")
    assert [(v["criterion"], v["unit"]) for v in session.evaluate(out).violations] == [
        ("min_population", "A")]


def test_optimise_names_an_unknown_locked_unit(session):
    start = _map([("u0", "A", "s0"), ("u1", "A", "s0"), ("u2", "C", "s2"), ("u3", "C", "s2")])
    with pytest.raises(InputError, match="unknown unit 'Z'"):
        session.optimise(start, locked=["Z"])


def test_optimise_leaves_a_unit_no_valid_unit_can_include(session):
    # B={u1} is locked, so A={u0} (100 < 250) has no neighbour it may join: no valid plan
    # exists. Asked for, the session keeps A as it is, says so, and still solves the rest.
    from aimak.plans.feasibility import InfeasibleError

    start = _map([("u0", "A", "s0"), ("u1", "B", "s1"), ("u2", "C", "s2"), ("u3", "C", "s2")])
    with pytest.raises(InfeasibleError, match="u0"):
        session.optimise(start, locked=["B"], time_limit=2)
    left: list[str] = []
    out = session.optimise(start, locked=["B"], time_limit=2, left=left)
    assert left == ["A"]
    rows = {r["old_code"]: (r["new_unit"], r["centre"]) for r in out}
    assert rows["u0"] == ("A", "s0") and rows["u1"] == ("B", "s1")
    assert sorted((v["criterion"], v["unit"]) for v in session.evaluate(out).violations) == [
        ("min_population", "A"), ("min_population", "B")]
