"""Population estimates honour the rayon totals and keep every dated figure."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aimak.kyrgyzstan.population import (
    ESTIMATE_FLOOR,
    TypicalSizes,
    check_hints,
    estimate_populations,
)


def _frame() -> pd.DataFrame:
    # synthetic: one town with a dated figure, a centre village, two villages (one with a hint)
    return pd.DataFrame({
        "id": ["t", "c", "v1", "v2"], "kind": ["town", "village", "village", "village"],
        "is_centre": [False, True, False, False], "rayon_code": ["R"] * 4,
        "pop_official": [9000.0, np.nan, np.nan, np.nan], "pop_year": [2021, pd.NA, pd.NA, pd.NA],
        "pop_ref": ["NSC", None, None, None],
        "pop_hint": [np.nan, np.nan, 3000.0, np.nan],
        "pop_hint_ref": [None, None, "undated figure 3,000", None],
    })


def test_known_answer_pool_shared_by_weight() -> None:
    totals = pd.DataFrame({"total": [19000], "urban": [10000], "rural": [9000]}, index=["R"])
    out, notes = estimate_populations(_frame(), totals)
    out = out.set_index("id")
    assert out.loc["t", "population"] == 9000 and out.loc["t", "population_source"] == "official"
    # typical sizes need 3 dated villages, so weights fall back to 1; v1 keeps its hint 3000
    # (16 % of the rayon: plausible): the rural pool 9000 + urban remainder 1000 = 10000 shared
    # 1 : 3000 : 1 gives c and v2 3.3 each, raised to the floor of 50 taken from v1
    assert out.loc[["c", "v1", "v2"], "population"].sum() == 10000
    assert out.loc[["c", "v2"], "population"].tolist() == [ESTIMATE_FLOOR] * 2
    assert out.loc["v1", "population"] == 10000 - 2 * ESTIMATE_FLOOR
    assert set(out.loc[["c", "v1", "v2"], "population_source"]) == {"estimated"}
    assert out["population"].sum() == 19000
    assert any("+1,000" in n["message"] for n in notes)


def test_conflicting_sources_are_reported_not_hidden() -> None:
    totals = pd.DataFrame({"total": [9000], "urban": [9000], "rural": [0]}, index=["R"])
    out, notes = estimate_populations(_frame(), totals)
    # nothing left for the villages: each still gets the floor, and the conflict is reported
    assert (out.loc[out["id"] != "t", "population"] == ESTIMATE_FLOOR).all()
    assert any(n["kind"] == "warning" for n in notes)


def _two_ayil_aimaks() -> pd.DataFrame:
    # synthetic: ayil aimak A (known total) with a dated village; ayil aimak B without a total
    return pd.DataFrame({
        "id": ["a0", "a1", "a2", "b1", "b2"], "kind": ["village"] * 5,
        "is_centre": [True, False, False, True, False], "rayon_code": ["R"] * 5,
        "municipality_code": ["A", "A", "A", "B", "B"],
        "pop_official": [np.nan, np.nan, 200.0, np.nan, np.nan],
        "pop_year": [pd.NA, pd.NA, 2009, pd.NA, pd.NA],
        "pop_ref": [None, None, "NSC village", None, None],
        "pop_hint": [300.0, 100.0, np.nan, 2000.0, 1000.0],
        "pop_hint_ref": ["undated 300", "undated 100", None, "undated 2,000", "undated 1,000"],
    })


def test_known_answer_village_estimates_rescaled_to_ayil_aimak_total() -> None:
    totals = pd.DataFrame({"total": [10000], "urban": [0], "rural": [10000]}, index=["R"])
    municipal = pd.DataFrame({"total": [1000.0], "year": [2021], "ref": ["AA census"]},
                             index=["A"])
    out, _ = estimate_populations(_two_ayil_aimaks(), totals, municipal)
    out = out.set_index("id")
    # A: 1000 less the dated 200 = 800, shared 300 : 100 -> 600 and 200
    assert out.loc[["a0", "a1", "a2"], "population"].tolist() == [600.0, 200.0, 200.0]
    # B: the rayon's 10000 less A's 1000 = 9000, shared 2000 : 1000 -> 6000 and 3000
    assert out.loc[["b1", "b2"], "population"].tolist() == [6000.0, 3000.0]
    assert out.loc["a2", "population_source"] == "official"
    assert out.loc["a2", "population_ref"] == "NSC village"
    for i in ("a0", "a1"):
        assert out.loc[i, "population_source"] == "estimated"
        assert out.loc[i, "population_year"] == 2021
        assert out.loc[i, "population_ref"].startswith("share of the ayil aimak total 1,000 "
                                                       "(AA census)")
    assert out.loc["b1", "population_year"] == 2018
    assert "ayil aimak" not in out.loc["b1", "population_ref"]


def test_ayil_aimak_totals_kept_when_they_differ_from_the_rayon_total() -> None:
    frame = _two_ayil_aimaks()
    frame["pop_hint"] = [300.0, 100.0, np.nan, 1000.0, 500.0]  # under a quarter of the rayon
    totals = pd.DataFrame({"total": [5000], "urban": [0], "rural": [5000], "year": [2022],
                           "ref": ["rayon census"]}, index=["R"])
    municipal = pd.DataFrame({"total": [1000.0, 4400.0], "year": [2021, 2021],
                              "ref": ["AA one", "AA two"]}, index=["A", "B"])
    out, notes = estimate_populations(frame, totals, municipal)
    sums = out.groupby("municipality_code")["population"].sum()
    assert sums.to_dict() == {"A": 1000.0, "B": 4400.0}
    # B: 4400 shared 1000 : 500
    assert out.set_index("id").loc[["b1", "b2"], "population"].tolist() == [2933.0, 1467.0]
    assert any("differ by +400" in n["message"] and "rayon census" in n["message"]
               for n in notes)


def test_newer_rayon_total_sets_year_and_reference() -> None:
    totals = pd.DataFrame({"total": [10000], "urban": [0], "rural": [10000], "year": [2022],
                           "ref": ["rayon census 2022"]}, index=["R"])
    out, _ = estimate_populations(_two_ayil_aimaks(), totals)
    est = out[out["population_source"] == "estimated"]
    assert est["population"].sum() == 10000 - 200
    assert (est["population_year"] == 2022).all()
    assert est["population_ref"].str.startswith("rayon census 2022 less dated figures").all()


def test_rayon_figures_on_a_village_are_not_its_own() -> None:
    """A GeoNames figure equal to a rayon total, above a quarter of it, or given to two places
    is not a village's: it is dropped as a weight and reported (synthetic figures)."""
    frame = pd.DataFrame({
        "id": ["a", "b", "c", "d", "e"], "kind": ["village"] * 5, "rayon_code": ["R"] * 5,
        "pop_hint": [40000.0, 15000.0, 3000.0, 3000.0, 2000.0]})
    totals = pd.DataFrame({"total": [40000.0], "urban": [0.0], "rural": [40000.0]}, index=["R"])
    hint, notes = check_hints(frame, totals)
    assert hint.isna().tolist() == [True, True, True, True, False]
    said = {n["subject"]: n["message"] for n in notes}
    assert "equals a total of its rayon" in said["a"]
    assert "more than 25 %" in said["b"]
    assert "another place" in said["c"] and "another place" in said["d"]


def test_typical_sizes_by_oblast_where_known_else_national() -> None:
    dated = pd.DataFrame({"population": [100.0, 200, 300, 400, 500, 1000, 1000, 1000],
                          "centre": [False] * 5 + [True] * 3,
                          "oblast_code": ["A"] * 5 + ["B"] * 3})
    typical = TypicalSizes.from_dated(dated)
    assert typical.weight("A", False)[0] == 300.0  # five in A: A's own median
    assert typical.weight("B", False)[0] == 300.0  # none in B: the country's
    assert typical.weight("B", True) == (1000.0, "median dated size of ayil aimak centres "
                                                 "in the country")
