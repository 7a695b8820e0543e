"""Translations, number formatting and the SVG map helpers of the report layer."""

from __future__ import annotations

import re
import string
from pathlib import Path

import geopandas as gpd
import numpy as np
import polib
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Polygon, box

import aimak
from aimak.errors import AimakError
from aimak.i18n import (
    LANGUAGES,
    N_,
    NBSP,
    _,
    catalog_path,
    check_language,
    extract_messages,
    fmt_number,
    get_language,
    missing_messages,
    use_language,
)
from aimak.report.svgmap import Canvas, neighbour_colours, polygon_paths

PACKAGE = Path(aimak.__file__).parent
METRIC = "+proj=laea +lat_0=41.5 +lon_0=74.5 +datum=WGS84 +units=m"


def _placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_every_report_message_is_translated_into_russian_and_kyrgyz() -> None:
    messages = extract_messages(PACKAGE / "report")
    assert len(messages) > 100
    assert "Functional zones" in messages and "Methods and sources" in messages
    for lang in ("ru", "ky"):
        assert missing_messages(messages, lang) == [], lang


def test_every_plan_solver_reason_is_translated_into_russian_and_kyrgyz() -> None:
    """Criteria violations and the reasons no plan exists reach the explorer's users."""
    messages = extract_messages(PACKAGE / "plans")
    assert "the criteria together admit no plan" in messages
    for lang in ("ru", "ky"):
        assert missing_messages(messages, lang) == [], lang


def test_a_reason_is_english_as_a_string_and_said_in_each_language() -> None:
    import pickle

    import numpy as np

    from aimak.i18n import Said

    r = Said("municipality {code} ({name}) alone has {population} inhabitants, above "
             "max_population {maximum}", code=np.str_("41703"), name="Ак-Суу",
             population=np.float64(12345.0), maximum=np.int64(10000))
    assert r == ("municipality 41703 (Ак-Суу) alone has 12,345 inhabitants, above "
                 "max_population 10,000")
    assert r.text("ru") == ("в одном муниципалитете 41703 (Ак-Суу) 12\u00a0345 жителей, "
                            "больше max_population 10\u00a0000")
    assert r.text("ky").startswith("41703 (Ак-Суу) муниципалитетинин өзүндө эле 12\u00a0345")
    again = pickle.loads(pickle.dumps(r))  # through Dask or a cache, still translatable
    assert isinstance(again, Said) and again.text("ru") == r.text("ru")
    assert r.params == {"code": "41703", "name": "Ак-Суу", "population": 12345.0,
                        "maximum": 10000}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogs_are_valid_and_keep_placeholders(lang: str) -> None:
    po = polib.pofile(str(catalog_path(lang)))
    assert po.metadata["Language"] == lang
    assert "UTF-8" in po.metadata["Content-Type"]
    ids = [e.msgid for e in po]
    assert len(ids) == len(set(ids))
    for entry in po:
        if entry.msgstr:
            assert _placeholders(entry.msgstr) == _placeholders(entry.msgid), entry.msgid
            # Russian and Kyrgyz are written in Cyrillic.
            if lang != "en" and re.search("[A-Za-z]{4,}", entry.msgid.replace("aimak", "")):
                assert re.search("[А-Яа-яЁёӨөҮүҢң]", entry.msgstr), entry.msgid


def test_language_switching_and_fallback() -> None:
    assert get_language() == "ru"
    assert _("Functional zones") == "Функциональные зоны"
    with use_language("ky"):
        assert _("Functional zones") == "Функционалдык зоналар"
        with use_language("en"):
            assert _("Functional zones") == "Functional zones"
        assert get_language() == "ky"
    assert get_language() == "ru"
    assert _("A sentence nobody translated") == "A sentence nobody translated"
    assert _("Zone {zone}", "ky").format(zone=3) == "3-зона"
    assert N_("Map") == "Map"


def test_unknown_language_is_a_readable_error() -> None:
    assert check_language("RU") == "ru" and check_language("ky_KG") == "ky"
    with pytest.raises(AimakError, match="unknown language 'fr'; expected one of ru, ky, en"):
        check_language("fr")


@pytest.mark.parametrize(("value", "kind", "lang", "text"), [
    (15500, "int", "ru", f"15{NBSP}500"),
    (15500, "int", "en", "15,500"),
    (1234567.0, "int", "ky", f"1{NBSP}234{NBSP}567"),
    (0.805, "percent", "ru", f"80{NBSP}%"),
    (12.345, "float1", "ru", "12,3"),
    (12.345, "float2", "en", "12.35"),
    (1234.4, "km2", "en", "1,234"),
    (12.34, "km2", "ru", "12,3"),
    (float("nan"), "int", "ru", "–"),
    (None, "text", "en", "–"),
    (["a", "b"], "text", "en", "a; b"),
    (3.0, "text", "ru", "3"),
])
def test_numbers_read_as_each_language_writes_them(value: object, kind: str, lang: str,
                                                   text: str) -> None:
    assert fmt_number(value, kind, lang) == text


@given(st.integers(min_value=-10**12, max_value=10**12), st.sampled_from(LANGUAGES))
def test_integer_formatting_round_trips(n: int, lang: str) -> None:
    text = fmt_number(n, "int", lang)
    assert int(text.replace(NBSP, "").replace(",", "")) == n


def _frame(geoms: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=geoms, crs=METRIC)


def test_polygon_paths_known_answer() -> None:
    # A 1 km square with a 200 m hole, drawn 1000 units wide with 10 units of padding:
    # 980 units per km, y pointing down.
    square = Polygon([(0, 0), (1000, 0), (1000, 1000), (0, 1000)],
                     [[(400, 400), (600, 400), (600, 600), (400, 600)]])
    canvas = Canvas(gpd.GeoSeries(crs=METRIC).crs, (0.0, 0.0, 1000.0, 1000.0))
    assert canvas.height == pytest.approx(1000.0)
    [d] = polygon_paths(_frame([square]), canvas)
    assert d == ("M10.0,990.0 990.0,990.0 990.0,10.0 10.0,10.0Z"
                 "M402.0,598.0 598.0,598.0 598.0,402.0 402.0,402.0Z")


def test_multipolygon_parts_go_to_their_own_feature() -> None:
    canvas = Canvas(gpd.GeoSeries(crs=METRIC).crs, (0.0, 0.0, 3000.0, 1000.0))
    frame = _frame([box(0, 0, 1000, 1000).union(box(2000, 0, 3000, 1000)),
                    box(1000, 0, 2000, 1000)])
    a, b = polygon_paths(frame, canvas, coverage=True)
    assert a.count("M") == 2 and b.count("M") == 1


@given(st.integers(min_value=1, max_value=6), st.integers(min_value=1, max_value=6))
def test_touching_cells_get_different_colours(rows: int, cols: int) -> None:
    cells = [box(i, j, i + 1, j + 1) for i in range(cols) for j in range(rows)]
    frame = _frame(cells)
    colours = neighbour_colours(frame)
    for i, a in enumerate(cells):
        for j, b in enumerate(cells):
            if i < j and a.intersects(b):
                assert colours[i] != colours[j]


def test_polygonal_keeps_only_polygon_parts() -> None:
    from shapely.geometry import GeometryCollection, LineString, Point

    from aimak.report.layers import polygonal

    mixed = GeometryCollection([Point(0, 0), box(0, 0, 1, 1), LineString([(1, 1), (2, 2)])])
    out = polygonal(np.array([mixed, LineString([(0, 0), (1, 0)]), box(2, 2, 3, 3)]))
    assert [g.geom_type for g in out] == ["MultiPolygon"] * 3
    assert out[0].area == 1.0 and out[1].is_empty and out[2].area == 1.0
