"""Bishkek and Osh, cities of republican significance, in the national dataset (issue 18).

OCHA's rayon layer has a hole where each city lies; the builder takes their polygons from Who's
On First's regions and reads the classifier's «г. Бишкек» and «г. Ош» as one municipality each.
Expected values are read off the source files by hand: GeoNames gives Bishkek 900,000 and Osh
322,164 (undated), the classifier lists the villages Chon-Aryk (code digit 5: urban) and Orto-Sai
under Bishkek's Lenin district, and no 2018 NSC total of either city is in the sources.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

from aimak.kyrgyzstan.build import build_kyrgyzstan
from aimak.kyrgyzstan.classifier import read_classifier


@pytest.fixture(scope="module")
def cities(shared_data: Path):
    return {name: build_kyrgyzstan(shared_data, name).dataset for name in ("bishkek", "osh-city")}


def test_classifier_reads_bishkek_as_one_city(shared_data: Path) -> None:
    c = read_classifier(shared_data / "soate.csv", shared_data / "ayil_aimaks.csv",
                        "41711000000000")
    assert list(c.municipalities) == ["41711000000000"]
    city = c.municipalities["41711000000000"]
    assert (city.kind, city.name_ru, city.rayon_code) == ("city", "Бишкек", "41711000000000")
    got = [(v.code, v.name_ru, v.urban) for v in city.villages]
    assert got == [("41711000000000", "Бишкек", True), ("41711201510010", "Чон-Арык", True),
                   ("41711201800010", "Орто-Сай", False)]
    assert c.rayons.to_dict("records") == [{"code": "41711000000000", "name_ru": "Бишкек",
                                            "kind": "city"}]


def test_each_city_is_its_own_region_with_one_municipality(cities) -> None:
    b, o = cities["bishkek"], cities["osh-city"]
    assert b.oblasts[["code", "name_ru", "name_en"]].values.tolist() == [
        ["41711000000000", "г. Бишкек", "Bishkek"]]
    assert o.oblasts[["code", "name_ru", "name_en"]].values.tolist() == [
        ["41721000000000", "г. Ош", "Osh City"]]
    for ds, code in ((b, "41711000000000"), (o, "41721000000000")):
        assert ds.rayons["kind"].tolist() == ["city"]
        assert ds.municipalities["code"].tolist() == [code]
        assert ds.municipalities["kind"].tolist() == ["city"]
        assert set(ds.settlements["municipality_code"]) == {code}
        centre = ds.settlements[ds.settlements["is_municipal_centre"]]
        assert centre["kind"].tolist() == ["city"]


def test_city_figures_are_geonames_estimates_and_say_so(cities) -> None:
    s = cities["bishkek"].settlements.set_index("id")
    assert s.at["gn:1528675", "population"] == 900_000
    assert s.at["gn:1540661", "kind"] == "town"  # Chon-Aryk, urban in the classifier
    assert (s["population_source"] == "estimated").all()
    assert s.at["gn:1528675", "population_ref"].startswith("undated figure 900,000 from "
                                                           "geonames_cities500, taken at face")
    o = cities["osh-city"].settlements.set_index("id")
    assert o.at["gn:1527534", "population"] == 322_164
    notes = cities["bishkek"].notes
    assert ((notes["subject"] == "41711000000000")
            & notes["message"].str.startswith("no 2018 population total")).any()


def test_city_polygons_do_not_overlap_ocha_rayons(shared_data: Path) -> None:
    chui = build_kyrgyzstan(shared_data, "chui").dataset.rayons
    bishkek = build_kyrgyzstan(shared_data, "bishkek").dataset.rayons
    overlap = shapely.intersection(shapely.union_all(chui.to_crs(3857).geometry.values),
                                   bishkek.to_crs(3857).geometry.iloc[0]).area
    # m²: they only touch (rounding); Who's On First's own polygon overlaps them by ~2,000 m²
    assert overlap < 100.0
    assert bishkek.to_crs(3857).geometry.iloc[0].area > 100e6  # Bishkek: about 280 km²
