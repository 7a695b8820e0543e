"""Village figures do not depend on what was built (issue 26): real data, every oblast.

A one-oblast build used to compute typical village sizes inside the oblast only and fell back to
a weight of 1 where it had fewer than three dated villages, so an undated GeoNames figure on a
rayon centre took almost the whole rayon (Kara-Kulja village: 97,526 of about 98,000 people).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from aimak.kyrgyzstan.build import build_kyrgyzstan
from aimak.kyrgyzstan.population import ESTIMATE_FLOOR

OBLASTS = ("batken", "chui", "issyk-kul", "jalal-abad", "naryn", "osh", "talas", "bishkek",
           "osh-city")


@pytest.mark.parametrize("oblast", OBLASTS)
def test_one_oblast_build_equals_the_national_build(national, shared_data: Path,
                                                    oblast: str) -> None:
    alone = build_kyrgyzstan(shared_data, oblast).dataset.settlements.set_index("id")
    whole = national.settlements.set_index("id")
    assert set(alone.index) <= set(whole.index)
    cols = ["population", "population_source", "population_year", "municipality_code"]
    pd.testing.assert_frame_equal(alone[cols], whole.loc[alone.index, cols],
                                  check_dtype=False)


def test_kara_kulja_village_does_not_hold_its_rayon(shared_data: Path) -> None:
    s = build_kyrgyzstan(shared_data, "osh").dataset.settlements
    rayon = s[s["rayon"] == "Kara-Kulja"]
    top = rayon.loc[rayon["population"].idxmax()]
    # 15,616 (GeoNames, undated) is plausible for the rayon centre; 97,526 was not
    assert top["population"] < 0.5 * rayon["population"].sum()
    assert rayon["population"].min() >= ESTIMATE_FLOOR


def test_no_estimated_village_below_the_floor(national) -> None:
    s = national.settlements
    est = s[(s["population_source"] == "estimated") & (s["kind"] == "village")]
    assert len(est) > 1000
    assert est["population"].min() >= ESTIMATE_FLOOR


def test_no_rayon_held_by_one_estimated_village(national) -> None:
    """Where a rayon total is shared. (Bishkek and Osh have none: their villages keep their own
    GeoNames figures at face value, e.g. Maevka 10,535, and say so.)"""
    s = national.settlements
    est = s[(s["population_source"] == "estimated") & (s["kind"] == "village")
            & ~s["population_ref"].str.contains("at face value")]
    by_rayon = est.groupby("rayon")["population"]
    share = by_rayon.max() / by_rayon.sum()
    crowded = share[(share > 0.5) & (by_rayon.count() > 2)]
    assert crowded.empty, crowded.to_dict()


def test_duplicate_geonames_points_are_dropped_with_a_note(national) -> None:
    s = national.settlements
    assert not s["name_en"].str.contains("duplicate", case=False).any()
    notes = national.notes
    dup = notes[notes["kind"] == "duplicate_point"]
    for gid in ("gn:8135695", "gn:1527539", "gn:1527636"):
        assert (dup["subject"] == gid).any(), gid


def test_every_classifier_village_is_in_the_dataset(national, shared_data: Path) -> None:
    """Every village of every municipality of the classifier has a settlement row (located by
    name or placed approximately), and no municipality is left out. Before: the town Nookat
    (41706242600010), whose own row is in the classifier but not in OCHA's list, and Bordunskiy
    (41708213530010), which has no row of its own, had no name and no village of their own; four
    ayil aimaks without any point or OCHA reference point (Sary-Oi, Sary-Mogol, Jany-Alai,
    Bakyyan) and Bordunskiy were left out with their villages."""
    from aimak.kyrgyzstan.classifier import read_classifier

    codes = pd.read_csv(shared_data / "soate.csv", dtype=str)
    top = codes[codes["parent_id"].isna()]["soate"]  # oblasts and the two republican cities
    munis = {}
    for code in top:
        munis.update(read_classifier(shared_data / "soate.csv", shared_data / "ayil_aimaks.csv",
                                     code).municipalities)
    wanted = {v.code for m in munis.values() for v in m.villages}
    have = set(national.settlements["classifier_code"].dropna())
    assert len(wanted) > 1800
    assert sorted(wanted - have) == []
    assert set(munis) == set(national.municipalities["code"])
    m = national.municipalities.set_index("code")
    inside = m.index[m["centre_rule"] == "approximate_in_rayon"]
    assert sorted(inside) == ["41704245860000", "41706207839000", "41706207841000",
                              "41707215806000", "41708213530010"]
    # placed anywhere in the rayon, they take no settlement by nearness
    s = national.settlements
    assert not s[s["municipality_code"].isin(inside)]["classifier_code"].isna().any()
    notes = national.notes
    dropped = notes[notes["kind"].isin(["warning", "unlocated_village"])]
    assert not dropped["message"].str.contains("left out").any()


def test_a_town_the_ocha_list_lacks_is_named_from_its_own_classifier_row(
        shared_data: Path) -> None:
    from aimak.kyrgyzstan.classifier import read_classifier

    osh = read_classifier(shared_data / "soate.csv", shared_data / "ayil_aimaks.csv",
                          "41706000000000").municipalities
    nookat = osh["41706242600010"]
    assert (nookat.name_ru, nookat.kind, nookat.centre_village) == ("Ноокат", "town", "Ноокат")
    assert [(v.code, v.urban) for v in nookat.villages][:1] == [("41706242600010", True)]
    bordunskiy = read_classifier(shared_data / "soate.csv", shared_data / "ayil_aimaks.csv",
                                 "41708000000000").municipalities["41708213530010"]
    assert (bordunskiy.name_ru, bordunskiy.centre_village) == ("Бордунский", "Бордунский")
    kara_suu = [m for m in osh.values() if m.kind == "town" and m.name_ru == "Кара-Суу"]
    assert len(kara_suu) == 1 and sum(v.name_ru == "Кара-Суу" for v in kara_suu[0].villages) == 1


def test_nookat_point_belongs_to_the_town_of_nookat(national) -> None:
    s = national.settlements
    nookat = s[s["id"] == "gn:1528339"].iloc[0]
    assert nookat["municipality_code"] == "41706242600010"
