"""Population projections worked out by hand (synthetic census tables)."""

from __future__ import annotations

import pandas as pd
import pytest

from aimak.errors import AimakError, InputError
from aimak.forecast.population import (
    national_growth,
    project_settlements,
    project_units,
    rayon_growth,
    read_census,
)

CENSUS = """rayon,oblast,soate_code,year,population,kind,source_url
North,X,1,1999,80000,census,https://example.org/north
North,X,1,2009,100000,census,https://example.org/north
North,X,1,2022,121000,census,https://example.org/north
South,X,2,2009,50000,census,https://example.org/south
South,X,2,2021,60000,NSC estimate (1 Jan),https://example.org/south
"""


@pytest.fixture
def census(tmp_path):
    path = tmp_path / "census.csv"
    path.write_text(CENSUS, encoding="utf-8")
    return read_census(path)


def test_rayon_growth_from_last_census_to_latest_figure(census):
    rates = rayon_growth(census).set_index("rayon")
    # North: 2009 -> 2022 census, 1.21 ** (1/13) - 1; South: 2009 census -> 2021 estimate
    assert rates.loc["North", "rate"] == pytest.approx(1.21 ** (1 / 13) - 1)
    assert (rates.loc["North", "from_year"], rates.loc["North", "to_year"]) == (2009, 2022)
    assert rates.loc["South", "rate"] == pytest.approx(1.2 ** (1 / 12) - 1)
    assert rates.loc["South", "basis"] == "census 2009 - NSC estimate (1 Jan) 2021"


def test_settlements_and_units_projected_by_hand(census):
    rates = rayon_growth(census)
    s = pd.DataFrame({"id": ["a", "b", "c", "d"], "kind": ["village", "village", "town",
                                                            "village"],
                      "population": [1000.0, 2000.0, 5000.0, 400.0],
                      "population_year": [2022, 2009, 2018, 2018],
                      "population_source": "estimated",
                      "rayon": ["North", "North", "Elsewhere", "Elsewhere"],
                      "municipality_code": ["m1", "m1", "m2", "m3"]})
    national = {"village": 0.02, "town": 0.01}
    p = project_settlements(s, rates, 2030, national).set_index("id")
    r = 1.21 ** (1 / 13)
    assert p.loc["a", "population_projected"] == pytest.approx(1000 * r ** 8)
    assert p.loc["b", "population_projected"] == pytest.approx(2000 * r ** 21)
    assert p.loc["c", "population_projected"] == pytest.approx(5000 * 1.01 ** 12)
    assert p.loc["d", "population_projected"] == pytest.approx(400 * 1.02 ** 12)
    assert p.loc["c", "projection_method"].startswith("national urban growth")
    assert (p["projection_provenance"] == "projected").all()
    mapping = pd.DataFrame({"old_code": ["m1", "m2", "m3"], "new_unit": ["U1", "U2", "U3"]})
    units = project_units(mapping, s, p.reset_index(), min_population=5000).set_index(
        "new_unit")
    assert units.loc["U1", "population_projected"] == pytest.approx(
        1000 * r ** 8 + 2000 * r ** 21)
    # nothing shrinks here, so no unit falls below a minimum it meets today
    assert not units["below_minimum_projected"].any()
    # a shrinking rayon: U2's town (5000 today) falls to 5000 * 0.99^12 ~ 4432 < 4500
    shrinking = project_settlements(s, rates, 2030, {"village": 0.02, "town": -0.01})
    flagged = project_units(mapping, s, shrinking, min_population=4500).set_index("new_unit")
    assert flagged["below_minimum_projected"].tolist() == [False, True, False]  # U3: 400 today
    assert flagged.loc["U2", "population_projected"] == pytest.approx(5000 * 0.99 ** 12)


def test_projection_range_from_the_spread_of_census_periods(census):
    """North's census periods since 1989: 1999-2009 (1.25 ** 0.1) and 2009-2022 (1.21 ** (1/13));
    South has one period and takes the median spread of the rayons with two (North's)."""
    rates = rayon_growth(census).set_index("rayon")
    g1, g2 = 1.25 ** 0.1 - 1, 1.21 ** (1 / 13) - 1
    sd = abs(g1 - g2) / 2 ** 0.5  # the sample standard deviation of two values
    assert rates.loc["North", "rate_sd"] == pytest.approx(sd)
    assert rates.loc["North", "periods"] == 2 and rates.loc["South", "periods"] == 1
    assert rates.loc["South", "rate_sd"] == pytest.approx(sd)
    assert rates.loc["South", "spread_basis"].startswith("median spread")
    s = pd.DataFrame({"id": ["a", "b"], "kind": "village", "population": [1000.0, 3000.0],
                      "population_year": [2022, 2021], "population_source": "estimated",
                      "rayon": ["North", "South"], "municipality_code": ["m1", "m1"]})
    p = project_settlements(s, rates.reset_index(), 2030).set_index("id")
    z = 1.6448536269514722
    assert p.loc["a", "population_low"] == pytest.approx(1000 * (1 + g2 - z * sd) ** 8)
    assert p.loc["a", "population_high"] == pytest.approx(1000 * (1 + g2 + z * sd) ** 8)
    mapping = pd.DataFrame({"old_code": ["m1"], "new_unit": ["U"]})
    units = project_units(mapping, s, p.reset_index()).set_index("new_unit")
    assert units.loc["U", "population_low"] == pytest.approx(p["population_low"].sum())
    # a slowly growing rayon with a wide spread: 0.1 % a year, spread 1 % a year
    slow = pd.DataFrame({"rayon": ["North", "South"], "rate": 0.001, "rate_sd": 0.01,
                         "basis": "x", "source": "synthetic (test)"})
    p = project_settlements(s, slow, 2030)
    units = project_units(mapping, s, p, min_population=4000).set_index("new_unit")
    assert units.loc["U", "population_low"] < 4000 < units.loc["U", "population_projected"]
    assert not units.loc["U", "below_minimum_projected"]  # 4000 today: it meets the minimum
    assert units.loc["U", "below_minimum_possible"]  # but the low end of the range falls below


def test_no_rate_and_no_national_rate_is_refused(census):
    s = pd.DataFrame({"id": ["x"], "kind": ["village"], "population": [1.0],
                      "population_year": [2018], "population_source": "estimated",
                      "rayon": ["Nowhere"], "municipality_code": ["m"]})
    with pytest.raises(AimakError, match="no growth rate for the rayon"):
        project_settlements(s, rayon_growth(census), 2030)


def test_census_duplicate_year_names_the_row(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(CENSUS + "South,X,2,2021,61000,census,u\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"c.csv, row 6, column 'year'"):
        read_census(path)


def test_national_growth_rural_and_urban():
    rows = [("population", 2009, 100.0), ("population", 2022, 130.0),
            ("rural_population", 2009, 60.0), ("rural_population", 2022, 78.0)]
    table = pd.DataFrame(rows, columns=["variable", "year", "value"]).assign(entity="KG")
    g = national_growth(table, 2009, 2022)
    assert g["village"] == pytest.approx(1.3 ** (1 / 13) - 1)
    assert g["town"] == pytest.approx((52 / 40) ** (1 / 13) - 1)
