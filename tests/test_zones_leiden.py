"""Leiden zones on hand-checkable flow graphs (synthetic data)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components

from aimak.zones.flowmatrix import FlowMatrix
from aimak.zones.leiden import LeidenZones, split_disconnected


def _two_triangles() -> FlowMatrix:
    T = np.zeros((6, 6))
    for group in ((0, 1, 2), (3, 4, 5)):
        for i in group:
            for j in group:
                T[i, j] = 0 if i == j else 20
    T[2, 3] = 1
    np.fill_diagonal(T, 1000)  # large flows within units are ignored by default
    return FlowMatrix.from_arrays([f"s{i}" for i in range(6)], T)


def test_known_answer_two_triangles():
    model = LeidenZones().fit(_two_triangles())
    assert list(model.labels_) == [0, 0, 0, 1, 1, 1]
    assert model.n_zones_ == 2
    # modularity of two triangles (weight 40 per edge pair) with a bridge of weight 1
    m = 6 * 40 + 1
    deg_a = 6 * 40 + 1  # twice the internal weight plus the bridge, per triangle
    expected = 2 * (2 * 3 * 40 / (2 * m) - (deg_a / (2 * m)) ** 2)
    assert model.modularity_ == pytest.approx(expected)


def test_high_resolution_splits_more():
    low = LeidenZones(resolution=0.1).fit(_two_triangles())
    high = LeidenZones(resolution=50).fit(_two_triangles())
    assert low.n_zones_ <= 2 <= high.n_zones_
    assert high.n_zones_ > 2


def test_adjacency_keeps_zones_contiguous():
    # path adjacency 0 - 1 - 2 - 3; the strongest flow links 0 and 3, which are not adjacent
    T = np.zeros((4, 4))
    T[0, 3] = T[3, 0] = 100
    T[1, 2] = T[2, 1] = 100
    T[0, 1] = T[2, 3] = 1
    fm = FlowMatrix.from_arrays(["a", "b", "c", "d"], T)
    free = LeidenZones().fit(fm)
    assert free.labels_[0] == free.labels_[3] != free.labels_[1]
    adj = sp.diags([True] * 3, 1, shape=(4, 4), format="csr", dtype=bool)
    tied = LeidenZones(adjacency=adj).fit(fm)
    assert tied.labels_[0] != tied.labels_[3] or len(set(tied.labels_)) == 1
    _assert_contiguous(tied.labels_, adj)


def test_split_disconnected():
    adj = sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=bool))
    assert list(split_disconnected(np.array([0, 0, 0]), adj)) == [0, 0, 1]


def test_directed_graph_runs():
    model = LeidenZones(directed=True).fit(_two_triangles())
    assert list(model.labels_) == [0, 0, 0, 1, 1, 1]


def _assert_contiguous(labels: np.ndarray, adj: sp.spmatrix) -> None:
    A = sp.coo_matrix(adj)
    for z in set(labels):
        members = np.flatnonzero(labels == z)
        sub = sp.csr_matrix(adj)[members][:, members]
        assert connected_components(sub, directed=False)[0] == 1, (z, members, A)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(0, 10_000))
def test_every_unit_one_zone_and_zones_contiguous(n, seed):
    rng = np.random.default_rng(seed)
    T = rng.random((n, n)) * (rng.random((n, n)) < 0.3) * 50
    adj = sp.csr_matrix(rng.random((n, n)) < 0.15)
    model = LeidenZones(adjacency=adj, seed=seed).fit(
        FlowMatrix.from_arrays([str(i) for i in range(n)], T)
    )
    labels = model.labels_
    assert labels.shape == (n,)
    assert set(labels) == set(range(model.n_zones_))
    _assert_contiguous(labels, adj)
