"""Exact amalgamation solver against brute-force enumeration on SYNTHETIC tiny lattices."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components

from aimak.plans.criteria import Criteria, Weights
from aimak.plans.exact import ExactSolver, independent_parts
from aimak.plans.feasibility import InfeasibleError
from aimak.plans.instance import Instance
from aimak.plans.synthetic import lattice_instance
from aimak.plans.validity import check_plan


def set_partitions(items: list[int]):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in set_partitions(rest):
        yield [[first], *part]
        for i in range(len(part)):
            yield [*part[:i], [first, *part[i]], *part[i + 1:]]


def block_score(inst: Instance, block: list[int], centre: int) -> float:
    """One new unit's share of the objective, from the raw arrays with plain loops (written
    apart from ``Instance.region_cost`` so that the oracle does not reuse the checked code):
    travel = person-minutes to the centre / (total population x 60); units = weight / n;
    coherence = - flows inside the unit / all flows; balance = |sum - target| / total."""
    w = inst.criteria.weights
    people = [s for s in range(len(inst.settlement_unit)) if inst.settlement_unit[s] in block]
    minutes = 0.0
    for s in people:
        t = float(inst.minutes[s, centre])
        minutes += inst.settlement_pop[s] * (t if np.isfinite(t) else 0.0)
    val = w.travel * minutes / (float(sum(inst.population)) * 60.0) + w.units / inst.n
    F = inst.flows.toarray()
    if w.coherence and F.sum() > 0:
        val -= w.coherence * sum(F[a, b] for a in block for b in block) / F.sum()
    if w.balance:
        values = inst.bal
        val += w.balance * abs(sum(values[u] for u in block) - inst.balance_target()) / sum(values)
    return float(val)


def brute_force(inst: Instance) -> float | None:
    """Best objective over every set partition (None when no partition is valid)."""
    c = inst.criteria
    allowed = inst.allowed
    best = None
    must = [tuple(p) for p in inst.must_merge.tolist()]
    must_not = [tuple(p) for p in inst.must_not_merge.tolist()]
    for part in set_partitions(list(range(inst.n))):
        if c.max_units is not None and len(part) > c.max_units:
            continue
        label = np.empty(inst.n, int)
        for k, block in enumerate(part):
            label[block] = k
        if any(label[a] != label[b] for a, b in must):
            continue
        if any(label[a] == label[b] for a, b in must_not):
            continue
        w = inst.criteria.weights
        total = float(w.coherence) if (w.coherence and inst.flows.sum() > 0) else 0.0
        for block in part:
            b = np.array(block)
            pop = inst.population[b].sum()
            if c.min_population is not None and pop < c.min_population:
                break
            if c.max_population is not None and pop > c.max_population:
                break
            if c.contiguity and len(b) > 1:
                ncomp, _ = connected_components(inst.adjacency[b][:, b], directed=False)
                if ncomp > 1:
                    break
            cands = [j for j in range(len(inst.candidates))
                     if inst.cand_unit[j] in block and allowed[b, j].all()]
            if not cands:
                break
            total += min(block_score(inst, block, int(inst.candidates[j])) for j in cands)
        else:
            best = total if best is None else min(best, total)
    return best


def test_set_partitions_count_bell_numbers():
    assert [sum(1 for _ in set_partitions(list(range(n)))) for n in range(1, 8)] == [
        1, 2, 5, 15, 52, 203, 877]


CASES = [
    (2, 3, Criteria(min_population=4000, weights=Weights(travel=1.0, units=0.2))),
    (1, 7, Criteria(min_population=3000, max_minutes=35, weights=Weights(travel=1.0,
                                                                         coherence=0.5))),
    (2, 3, Criteria(max_population=9000, weights=Weights(travel=0.2, units=-1.0))),
    (2, 3, Criteria(min_population=3000, weights=Weights(travel=1.0, balance=1.0,
                                                         balance_target=6000))),
    (2, 3, Criteria(min_population=2000, max_units=2, contiguity=True,
                    weights=Weights(travel=1.0, units=0.1))),
]


@pytest.mark.parametrize(("rows", "cols", "criteria"), CASES)
def test_exact_equals_brute_force(rows, cols, criteria):
    inst = lattice_instance(rows, cols, criteria, seed=3)
    expected = brute_force(inst)
    assert expected is not None
    solver = ExactSolver(time_limit=20, workers=1).fit(inst)
    assert solver.status_ == "optimal"
    assert check_plan(inst, solver.plan_) == []
    assert solver.objective_ == pytest.approx(expected, rel=1e-4, abs=1e-5)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), min_pop=st.sampled_from([None, 2000, 5000]),
       max_min=st.sampled_from([None, 25, 40]), units=st.sampled_from([0.0, 0.3, -0.5]),
       coherence=st.sampled_from([0.0, 1.0]), groups=st.sampled_from([1, 2]))
def test_exact_matches_brute_force_property(seed, min_pop, max_min, units, coherence, groups):
    crit = Criteria(min_population=min_pop, max_minutes=max_min,
                    stay_within="rayon" if groups > 1 else "none",
                    weights=Weights(travel=1.0, units=units, coherence=coherence))
    inst = lattice_instance(2, 3, crit, seed=seed, groups=groups)
    expected = brute_force(inst)
    if expected is None:
        with pytest.raises(InfeasibleError):
            ExactSolver(time_limit=10, workers=1).fit(inst)
        return
    solver = ExactSolver(time_limit=10, workers=1).fit(inst)
    assert check_plan(inst, solver.plan_) == []
    assert solver.objective_ == pytest.approx(expected, rel=1e-4, abs=1e-5)


def test_must_merge_and_must_not_merge_respected():
    crit = Criteria(must_merge=(("u0", "u5"),), must_not_merge=(("u1", "u2"),),
                    weights=Weights(travel=1.0, units=0.5))
    inst = lattice_instance(2, 3, crit, seed=1)
    plan = ExactSolver(time_limit=10, workers=1).fit(inst).plan_
    assert plan.labels[0] == plan.labels[5]
    assert plan.labels[1] != plan.labels[2]
    assert brute_force(inst) == pytest.approx(inst.objective(plan), rel=1e-4, abs=1e-5)


def test_rayons_are_solved_apart_and_recombined():
    crit = Criteria(min_population=3000, weights=Weights(travel=1.0, units=0.2))
    inst = lattice_instance(2, 4, crit, seed=5, groups=2)
    assert len(independent_parts(inst)) == 2
    solver = ExactSolver(time_limit=20, workers=1).fit(inst)
    assert check_plan(inst, solver.plan_) == []
    both = Criteria(min_population=3000, stay_within="none",
                    weights=Weights(travel=1.0, units=0.2))
    # without the border the optimum can only be as good or better
    free = ExactSolver(time_limit=20, workers=1).fit(lattice_instance(2, 4, both, seed=5))
    assert free.objective_ <= solver.objective_ + 1e-9


def test_infeasible_names_the_place():
    crit = Criteria(min_population=10**7)
    inst = lattice_instance(2, 2, crit, seed=0)
    with pytest.raises(InfeasibleError) as err:
        ExactSolver(time_limit=5, workers=1).fit(inst)
    assert "min_population" in str(err.value) or "admit no plan" in str(err.value)


def test_joint_infeasibility_names_the_criteria_to_relax():
    crit = Criteria(max_units=1, must_not_merge=(("u0", "u2"),), stay_within="none")
    inst = lattice_instance(1, 3, crit, seed=0)
    with pytest.raises(InfeasibleError) as err:
        ExactSolver(time_limit=5, workers=1).fit(inst)
    text = str(err.value)
    assert "must_not_merge" in text and "max_units" in text


def test_fiscal_balance_equals_brute_force():
    """Balance on another per-municipality quantity (SYNTHETIC 'revenue') instead of people."""
    crit = Criteria(min_population=2000, stay_within="none",
                    weights=Weights(travel=0.2, balance=1.0, balance_on="revenue"))
    inst = lattice_instance(2, 3, crit, seed=8)
    inst.balance_values = np.array([5e6, 1e6, 2e6, 8e6, 3e6, 1e6])
    assert inst.balance_target() > 0
    solver = ExactSolver(time_limit=20, workers=1).fit(inst)
    assert check_plan(inst, solver.plan_) == []
    assert solver.objective_ == pytest.approx(brute_force(inst), rel=1e-3, abs=1e-4)
