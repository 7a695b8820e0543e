"""Max-p regions: known answers on tiny cases and a brute-force oracle written separately."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aimak.errors import InputError
from aimak.plans.maxp import MaxPRegions, heterogeneity


def _path(n: int) -> np.ndarray:
    A = np.zeros((n, n), bool)
    for i in range(n - 1):
        A[i, i + 1] = A[i + 1, i] = True
    return A


def _grid(rows: int, cols: int) -> np.ndarray:
    n = rows * cols
    A = np.zeros((n, n), bool)
    for r in range(rows):
        for c in range(cols):
            u = r * cols + c
            if c + 1 < cols:
                A[u, u + 1] = A[u + 1, u] = True
            if r + 1 < rows:
                A[u, u + cols] = A[u + cols, u] = True
    return A


def _oracle_connected(members: list[int], A: np.ndarray) -> bool:
    """Flood fill over the dense adjacency (independent of the solver's check)."""
    todo, seen = [members[0]], {members[0]}
    while todo:
        u = todo.pop()
        for v in members:
            if A[u, v] and v not in seen:
                seen.add(v)
                todo.append(v)
    return len(seen) == len(members)


def _oracle_het(groups: list[list[int]], x: list[float]) -> float:
    return sum(abs(x[i] - x[j]) for g in groups for i, j in itertools.combinations(g, 2))


def _partitions(items: list[int]):
    """Every set partition of ``items`` (restricted growth strings)."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in _partitions(rest):
        for i in range(len(part)):
            yield [*part[:i], [first, *part[i]], *part[i + 1:]]
        yield [[first], *part]


def test_path_of_five_known_answer():
    # threshold 2 on five units of 1: at most 2 regions, {0,1}|{2,3,4} or {0,1,2}|{3,4}.
    # Attributes 0,0,5,9,9: the first scores 0 + (4 + 4 + 0) = 8, the second (0+5+5) + 0 = 10.
    m = MaxPRegions(2.0, seed=0).fit(_path(5), np.ones(5), np.array([0, 0, 5, 9, 9.0]))
    assert m.p_ == 2
    assert m.heterogeneity_ == pytest.approx(8.0)
    assert m.labels_[0] == m.labels_[1] != m.labels_[2] == m.labels_[3] == m.labels_[4]


def test_heterogeneity_known_value():
    # regions {0,1}: |1-4| = 3 and {2,3,4}: |0-2| + |0-7| + |2-7| = 14
    assert heterogeneity(np.array([0, 0, 1, 1, 1]), np.array([1, 4, 0, 2, 7.0])) == 17.0


def test_bad_adjacency_is_a_clear_error():
    with pytest.raises(InputError, match="adjacency is 3x3, expected 4x4"):
        MaxPRegions(1.0).fit(_path(3), np.ones(4), np.zeros(4))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.integers(1, 3), cols=st.integers(2, 3), seed=st.integers(0, 1000),
       threshold=st.sampled_from([2.0, 3.0, 5.0]))
def test_against_brute_force(rows, cols, seed, threshold):
    rng = np.random.default_rng(seed)
    n = rows * cols
    pop = rng.integers(1, 4, n).astype(float)
    x = rng.integers(0, 20, n).astype(float)
    A = _grid(rows, cols)
    if pop.sum() < threshold:
        return
    best_p, best_het = 0, np.inf
    for part in _partitions(list(range(n))):
        if all(pop[g].sum() >= threshold and _oracle_connected(g, A) for g in part):
            h = _oracle_het(part, x.tolist())
            if len(part) > best_p or (len(part) == best_p and h < best_het):
                best_p, best_het = len(part), h
    m = MaxPRegions(threshold, seed=seed).fit(A, pop, x)
    groups = [np.flatnonzero(m.labels_ == k).tolist() for k in range(m.p_)]
    assert sorted(np.unique(m.labels_).tolist()) == list(range(m.p_))
    assert all(pop[g].sum() >= threshold and _oracle_connected(g, A) for g in groups)
    assert m.heterogeneity_ == pytest.approx(_oracle_het(groups, x.tolist()))
    assert m.p_ == best_p
    assert m.heterogeneity_ >= best_het - 1e-9


def test_cut_units_known_answers():
    from aimak.plans.maxp import _cut_units

    def csr(A):
        import scipy.sparse as sp

        m = sp.csr_matrix(A)
        return m.indptr, m.indices

    # path 0-1-2-3: removing 1 or 2 splits it; a 2x2 grid (a cycle) has no cut unit
    assert _cut_units({0, 1, 2, 3}, *csr(_path(4))) == {1, 2}
    assert _cut_units({0, 1, 2, 3}, *csr(_grid(2, 2))) == set()
    # star: centre 0 with leaves 1, 2, 3; only within the region: {1, 0, 2} of the path 1-0-2
    star = np.zeros((4, 4), bool)
    star[0, 1:] = star[1:, 0] = True
    assert _cut_units({0, 1, 2, 3}, *csr(star)) == {0}
    # the region {0, 1, 2} of a 2x3 grid (its top row) is a path: its middle unit is a cut
    assert _cut_units({0, 1, 2}, *csr(_grid(2, 3))) == {1}


def test_known_answers_on_paths_of_six():
    # path of 6 units of population 1, threshold 3: p = 2, and the only split is {0,1,2}|{3,4,5}
    # whatever the attributes; with x = 0,0,9,9,0,0 its heterogeneity is (9+9+0) + (0+9+9) = 36
    m = MaxPRegions(3.0, seed=0).fit(_path(6), np.ones(6), np.array([0, 0, 9, 9, 0, 0.0]))
    assert m.p_ == 2 and m.heterogeneity_ == pytest.approx(36.0)
    # path of 6, threshold 2: p = 3, splits 2|2|2 only; x = 0,0,5,5,7,7 gives 0 + 0 + 0 = 0
    m = MaxPRegions(2.0, seed=0).fit(_path(6), np.ones(6), np.array([0, 0, 5, 5, 7, 7.0]))
    assert m.p_ == 3 and m.heterogeneity_ == pytest.approx(0.0)


def test_best_split_of_a_pair_known_answer():
    """Path 0-1-2-3, population 1 each, threshold 1, x = 0,0,9,9, regions {0}|{1,2,3}: the
    contiguous two-part splits are {0}|{1,2,3} (0 + 9+9+0 = 18), {0,1}|{2,3} (0 + 0 = 0) and
    {0,1,2}|{3} (9+9+0 + 0 = 18): the best is {0,1}|{2,3}, 18 lower."""
    import scipy.sparse as sp
    from scipy.spatial.distance import cdist

    from aimak.plans.maxp import _Moves

    x = np.array([[0.0], [0.0], [9.0], [9.0]])
    moves = _Moves(np.array([0, 1, 1, 1]), sp.csr_matrix(_path(4)), np.ones(4),
                   cdist(x, x, "cityblock"), 1.0)
    assert moves.het == pytest.approx(18.0)
    change, part_a, part_b = moves.best_split(0, 1)
    assert change == pytest.approx(-18.0)
    assert sorted(part_a.tolist()) == [0, 1] and sorted(part_b.tolist()) == [2, 3]
    moves.set_pair(0, 1, part_a, part_b)
    assert moves.het == pytest.approx(0.0) and moves.labels.tolist() == [0, 0, 1, 1]
