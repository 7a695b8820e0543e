"""Name keys equate the spellings the Kyrgyz sources actually use for one place."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aimak.names import name_key, skeleton, suggestions


@pytest.mark.parametrize("a,b", [
    ("Джаны-Джол", "Жаңы-Жол"),      # Soviet Russian vs modern Kyrgyz
    ("Dzhalal-Abad", "Джалал-Абад"),  # Latin vs Cyrillic
    ("Jalal-Abad", "Zhalal-Abad"),
    ("Kyzyl-Kyya", "Кызыл-Кыя"),
    ("Shamaldy-Say", "Шамалды-Сай"),
    ("Кок-Жангак", "Көк-Жаңгак"),
    ("Ala Buka", "Ала-Бука"),
])
def test_same_place_same_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("a,b", [("Кек-Алма", "Көк-Алма"), ("Кызыл-Озгерюш", "Кызыл-Өзгөрүш")])
def test_vowel_shifts_meet_in_the_skeleton(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize("a,b", [("Арал", "Атай"), ("Кара-Суу", "Кара-Куль")])
def test_different_places_differ(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_suggestions_rank_the_misspelling_first() -> None:
    assert suggestions("Базар-Коргн", ["Арал", "Базар-Коргон", "Кара-Суу"])[0] == "Базар-Коргон"


@given(st.text(alphabet="абвгдежзиклмнопрстуфхцчшыэюяңөү- ", max_size=20))
def test_key_is_idempotent_on_case_and_punctuation(name: str) -> None:
    assert name_key(name) == name_key(name.upper().replace("-", " "))
