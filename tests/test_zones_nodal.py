"""Nystuen-Dacey nodal regions on hand-checkable flow tables (synthetic data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimak.zones.flowmatrix import FlowMatrix
from aimak.zones.nodal import NodalRegions


def _flows(rows: list[tuple[str, str, float]]) -> FlowMatrix:
    return FlowMatrix.from_frame(pd.DataFrame(rows, columns=["origin", "destination", "flow"]))


def test_known_answer_two_regions_with_a_chain():
    # Inflows: A 1, B 13, C 125, D 2, E 57.
    # A -> B (13 > 1) and B -> C (125 > 13): a chain ending at C, whose largest outflow goes to
    # the smaller B, so C is terminal. D -> E; E's largest outflow goes to the smaller D.
    fm = _flows(
        [
            ("A", "B", 10),
            ("A", "C", 5),
            ("B", "C", 20),
            ("B", "A", 1),
            ("C", "B", 3),
            ("C", "C", 100),
            ("D", "E", 7),
            ("E", "D", 2),
            ("E", "E", 50),
        ]
    )
    model = NodalRegions().fit(fm)
    assert list(model.labels_) == [0, 0, 0, 1, 1]
    assert list(model.centres_) == ["C", "C", "C", "E", "E"]
    assert list(model.terminal_) == [False, False, True, False, True]
    assert list(model.level_) == [2, 1, 0, 1, 0]
    assert list(fm.units[model.dominant_]) == ["B", "C", "C", "E", "E"]
    h = model.hierarchy_.set_index("unit")
    assert h.loc["A", "largest_flow"] == 10
    assert h.loc["C", "size"] == 125


def test_unit_without_outflow_is_terminal():
    fm = _flows([("A", "B", 5), ("C", "C", 1)])
    model = NodalRegions().fit(fm)
    assert list(model.labels_) == [0, 0, 1]
    assert list(model.terminal_) == [False, True, True]


def test_ties_go_to_the_unit_listed_first():
    fm = _flows([("A", "C", 5), ("A", "B", 5), ("B", "B", 9), ("C", "C", 9)])
    assert list(NodalRegions().fit(fm).dominant_) == [1, 1, 2]


def test_size_given_by_population_reverses_dominance():
    fm = _flows([("A", "B", 5), ("B", "A", 4)])
    assert list(NodalRegions().fit(fm).centres_) == ["B", "B"]  # inflow A 4, B 5
    model = NodalRegions(size=np.array([1000.0, 10.0])).fit(fm)
    assert list(model.centres_) == ["A", "A"]


def test_bad_size_is_refused():
    fm = _flows([("A", "B", 5)])
    with pytest.raises(ValueError, match="one per unit"):
        NodalRegions(size=np.ones(3)).fit(fm)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 25), st.integers(0, 10_000), st.floats(0.05, 0.9))
def test_every_unit_gets_one_zone_with_one_terminal_point(n, seed, density):
    rng = np.random.default_rng(seed)
    T = rng.integers(1, 20, size=(n, n)) * (rng.random((n, n)) < density)
    fm = FlowMatrix.from_arrays([f"u{i:02d}" for i in range(n)], T)
    model = NodalRegions().fit(fm)
    labels = model.labels_
    assert labels.shape == (n,)
    k = labels.max() + 1
    assert set(labels) == set(range(k))
    # exactly one terminal point per zone, and it is the centre of every unit of its zone
    assert np.bincount(labels[model.terminal_], minlength=k).tolist() == [1] * k
    centre_of_zone = dict(zip(labels[model.terminal_], fm.units[model.terminal_], strict=True))
    assert [centre_of_zone[z] for z in labels] == list(model.centres_)
    sub = ~model.terminal_
    assert np.all(model.size_[model.dominant_[sub]] > model.size_[sub])
    assert np.all(model.level_[sub] == model.level_[model.dominant_[sub]] + 1)
