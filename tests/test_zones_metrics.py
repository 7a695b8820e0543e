"""Zone metrics on hand-checkable SYNTHETIC flow tables and label arrays."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimak.zones import metrics as zm
from aimak.zones.flowmatrix import FlowMatrix

# four units, two zones {a, b} and {c, d}
T4 = np.array([[5.0, 2, 0, 1], [1, 4, 0, 0], [0, 1, 6, 3], [2, 0, 2, 7]])
FM4 = FlowMatrix.from_arrays(list("abcd"), T4)
LAB4 = np.array([0, 0, 1, 1])


def test_zone_summary_by_hand():
    # zone 0: internal 5+2+1+4 = 12, residents 8+5 = 13, workers 8+7 = 15
    # zone 1: internal 6+3+2+7 = 18, residents 10+11 = 21, workers 8+11 = 19
    z = zm.zone_summary(FM4, LAB4)
    # inflows a 8, b 7, c 8, d 11: the zones' centres are a and d
    assert list(z["centre"]) == ["a", "d"]
    assert list(z["n_units"]) == [2, 2]
    assert list(z["internal"]) == [12, 18]
    assert list(z["residents"]) == [13, 21]
    assert list(z["workers"]) == [15, 19]
    assert z["sc_supply"].tolist() == pytest.approx([12 / 13, 18 / 21])
    assert z["sc_demand"].tolist() == pytest.approx([12 / 15, 18 / 19])


def test_share_inside_by_hand():
    # 30 of 34 inside; between units: 2+1+3+2 = 8 of 12 inside
    assert zm.share_inside(FM4, LAB4) == pytest.approx(30 / 34)
    assert zm.share_inside(FM4, LAB4, own_unit=False) == pytest.approx(8 / 12)


def test_modularity_by_hand_and_equal_to_r_qmodularity():
    # two units, own zones: m = 8, each zone 3 - 4*4/8 = 1 -> Q = 2/8
    two = FlowMatrix.from_arrays(["a", "b"], np.array([[3.0, 1], [1, 3]]))
    assert zm.modularity(two, [0, 1]) == pytest.approx(0.25)
    assert zm.modularity(two, [0, 0]) == pytest.approx(0.0)
    # the R package's Qmodularity: trace(F - r c'/m) / m on the zone x zone matrix
    F = FM4.aggregate(LAB4).toarray()
    m = F.sum()
    q = np.trace(F - np.outer(F.sum(axis=1), F.sum(axis=0)) / m) / m
    assert zm.modularity(FM4, LAB4) == pytest.approx(q)


def test_adjusted_rand_and_nmi_known_values():
    # pairs: contingency [[2,0,0],[0,1,1]] -> index 1, rows 2, cols 1; expected 2*1/6 = 1/3,
    # max 1.5 -> ARI = (1 - 1/3)/(1.5 - 1/3) = 4/7
    assert zm.adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(4 / 7)
    # b refines a: MI = H(a) = ln 2, H(b) = 1.5 ln 2 -> NMI = 1 / 1.25
    assert zm.normalized_mutual_info([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(0.8)
    assert zm.adjusted_rand_index([0, 0, 1, 1], [5, 5, 7, 7]) == pytest.approx(1.0)
    assert zm.normalized_mutual_info([0, 0, 1, 1], ["x", "x", "y", "y"]) == pytest.approx(1.0)
    # independent: every zone has one unit of each municipality
    assert zm.normalized_mutual_info([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(0.0)
    assert zm.adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=2, max_size=40))
def test_ari_and_nmi_properties(pairs):
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] for p in pairs])
    assert zm.adjusted_rand_index(a, b) == pytest.approx(zm.adjusted_rand_index(b, a))
    assert zm.adjusted_rand_index(a, a) == pytest.approx(1.0)
    nmi = zm.normalized_mutual_info(a, b)
    assert -1e-12 <= nmi <= 1 + 1e-12
    assert nmi == pytest.approx(zm.normalized_mutual_info(b, a))
    # renaming the classes changes nothing
    assert zm.adjusted_rand_index(a + 10, b) == pytest.approx(zm.adjusted_rand_index(a, b))


def test_split_municipalities_and_comparison():
    units = np.array(["s1", "s2", "s3", "s4", "s5", "s6"])
    zones = np.array([0, 0, 1, 1, 2, 1])
    muni = ["m1", "m1", "m2", "m3", "m3", None]
    split = zm.split_municipalities(units, zones, muni)
    assert list(split["municipality"]) == ["m3"]
    assert split.loc[0, "zones"] == "1, 2"
    assert split.loc[0, "main_zone_share"] == pytest.approx(0.5)
    result = zm.compare_with_municipalities(units, zones, muni)
    assert result["n_units"] == 5
    assert result["n_without_municipality"] == 1
    assert result["n_municipalities"] == 3
    assert result["adjusted_rand_index"] == pytest.approx(
        zm.adjusted_rand_index(zones[:5], ["m1", "m1", "m2", "m3", "m3"]))


def test_summary_fields():
    s = zm.summary(FM4, LAB4)
    assert s["n_zones"] == 2
    assert s["share_inside"] == pytest.approx(30 / 34)
    assert s["min_self_containment"] == pytest.approx(0.8)
    assert not math.isnan(s["modularity"])


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 7), st.integers(0, 2**31 - 1))
def test_zone_table_adds_up_and_shares_are_bounded(n, seed):
    rng = np.random.default_rng(seed)
    T = rng.integers(0, 20, size=(n, n)) * (rng.random((n, n)) < 0.6) + np.eye(n, dtype=int)
    fm = FlowMatrix.from_arrays([f"u{i}" for i in range(n)], T.astype(float))
    labels = rng.integers(0, 3, size=n)
    z = zm.zone_summary(fm, labels)
    assert z["residents"].sum() == pytest.approx(T.sum())
    assert z["workers"].sum() == pytest.approx(T.sum())
    assert z["internal"].sum() == pytest.approx(zm.share_inside(fm, labels) * T.sum())
    assert ((z["sc_supply"] >= 0) & (z["sc_supply"] <= 1)).all()
    assert zm.modularity(fm, labels) <= 1
    assert zm.modularity(fm, np.zeros(n)) == pytest.approx(0.0, abs=1e-12)
