"""Intramax hierarchical aggregation on hand-checkable flow tables (synthetic data)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from aimak.zones.flowmatrix import FlowMatrix
from aimak.zones.intramax import Intramax


def _two_pairs() -> FlowMatrix:
    T = np.array([[10, 10, 0, 0], [10, 10, 1, 0], [0, 0, 10, 8], [0, 0, 8, 10]], dtype=float)
    return FlowMatrix.from_arrays(["a", "b", "c", "d"], T)


def test_known_answer_merge_order_and_objective():
    model = Intramax().fit(_two_pairs())
    m = model.merges_
    # O = (20, 21, 18, 18), D = (20, 20, 19, 18)
    assert m["kept_unit"].tolist() == ["a", "c", "a"]
    assert m["absorbed_unit"].tolist() == ["b", "d", "c"]
    assert m["objective"].iloc[0] == pytest.approx(10 / (20 * 20) + 10 / (21 * 20))
    assert m["objective"].iloc[1] == pytest.approx(8 / (18 * 18) + 8 / (18 * 19))
    # after both merges: zone ab has O=41, D=40 and zone cd O=36, D=37; flow ab -> cd is 1
    assert m["objective"].iloc[2] == pytest.approx(1 / (41 * 37))
    assert m["n_zones"].tolist() == [3, 2, 1]
    assert list(model.labels_) == [0, 0, 0, 0]
    assert list(model.labels_for(2)) == [0, 0, 1, 1]
    assert list(model.labels_for(4)) == [0, 1, 2, 3]


def test_stops_at_n_zones():
    model = Intramax(n_zones=2).fit(_two_pairs())
    assert list(model.labels_) == [0, 0, 1, 1]
    assert model.n_zones_ == 2 and len(model.merges_) == 2


def test_units_without_flows_between_them_are_not_merged():
    T = np.array([[5, 1, 0], [1, 5, 0], [0, 0, 7]], dtype=float)
    model = Intramax(n_zones=1).fit(FlowMatrix.from_arrays(["x", "y", "z"], T))
    assert list(model.labels_) == [0, 0, 1]
    assert model.n_zones_ == 2


def test_adjacency_forbids_merging_distant_units():
    # a-b strongly linked but not adjacent; path a - c - b
    T = np.array([[1, 50, 1], [50, 1, 2], [1, 2, 1]], dtype=float)
    adj = sp.csr_matrix(np.array([[0, 0, 1], [0, 0, 1], [1, 1, 0]], dtype=bool))
    free = Intramax(n_zones=2).fit(FlowMatrix.from_arrays(["a", "b", "c"], T))
    assert list(free.labels_) == [0, 0, 1]
    tied = Intramax(n_zones=2, adjacency=adj).fit(FlowMatrix.from_arrays(["a", "b", "c"], T))
    assert tied.labels_[0] != tied.labels_[1]
    assert tied.labels_[2] in (tied.labels_[0], tied.labels_[1])


def _naive(T: np.ndarray, n_zones: int) -> list[tuple[int, int]]:
    """Reference: recompute the whole objective from the aggregated matrix at every step."""
    groups = [[i] for i in range(len(T))]
    out = []
    while len(groups) > n_zones:
        A = np.array([[T[np.ix_(g, h)].sum() for h in groups] for g in groups])
        out_, in_ = A.sum(1), A.sum(0)
        best, pair = -1.0, None
        for a in range(len(groups)):
            for b in range(len(groups)):
                if a != b and A[a, b] + A[b, a] > 0:
                    v = A[a, b] / (out_[a] * in_[b]) + A[b, a] / (out_[b] * in_[a])
                    if v > best:
                        best, pair = v, (a, b)
        a, b = sorted(pair)
        out.append((groups[a][0], groups[b][0]))
        groups[a] = groups[a] + groups[b]
        del groups[b]
    return out


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 12), st.integers(0, 10_000))
def test_incremental_updates_match_a_naive_recomputation(n, seed):
    rng = np.random.default_rng(seed)
    T = rng.random((n, n)) + 0.01
    model = Intramax().fit(FlowMatrix.from_arrays([str(i) for i in range(n)], T))
    got = list(zip(model.merges_["kept"], model.merges_["absorbed"], strict=True))
    assert got == _naive(T, 1)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(0, 10_000), st.data())
def test_every_unit_gets_exactly_one_zone(n, seed, data):
    rng = np.random.default_rng(seed)
    T = rng.random((n, n)) * (rng.random((n, n)) < 0.4)
    k = data.draw(st.integers(1, n))
    model = Intramax(n_zones=k).fit(FlowMatrix.from_arrays([str(i) for i in range(n)], T))
    labels = model.labels_
    assert labels.shape == (n,)
    assert set(labels) == set(range(model.n_zones_))
    assert model.n_zones_ >= k
    assert model.n_zones_ == n - len(model.merges_)


def test_a_few_hundred_units():
    rng = np.random.default_rng(1)
    n = 400
    T = sp.random(n, n, density=0.05, random_state=rng) * 100 + sp.identity(n) * 500
    model = Intramax(n_zones=40).fit(FlowMatrix.from_arrays([str(i) for i in range(n)], T))
    assert model.n_zones_ == 40
