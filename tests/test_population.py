"""Population estimates honour the rayon totals and keep every dated figure."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aimak.kyrgyzstan.population import estimate_populations


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
    # typical sizes need 3 dated villages, so weights fall back to 1; v1 keeps its hint 3000:
    # the rural pool 9000 + urban remainder 1000 = 10000 shared 1 : 3000 : 1
    assert out.loc[["c", "v1", "v2"], "population"].sum() == 10000
    assert abs(out.loc["v1", "population"] - 10000 * 3000 / 3002) < 1
    assert set(out.loc[["c", "v1", "v2"], "population_source"]) == {"estimated"}
    assert out["population"].sum() == 19000
    assert any("+1,000" in n["message"] for n in notes)


def test_conflicting_sources_are_reported_not_hidden() -> None:
    totals = pd.DataFrame({"total": [9000], "urban": [9000], "rural": [0]}, index=["R"])
    out, notes = estimate_populations(_frame(), totals)
    assert (out.loc[out["id"] != "t", "population"] == 0).all()
    assert any(n["kind"] == "warning" for n in notes)
