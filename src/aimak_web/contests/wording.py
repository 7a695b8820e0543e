"""Dates and numbers as each language writes them, for pages, messages and documents.

Django's ``date_format`` has no Kyrgyz month grammar (it writes «7 Декабрь 2026»), so dates go
through Babel (CLDR: «2026-ж., 7-декабрь»). After a number Kyrgyz puts the case suffix on the
next word, which the ``kyrgyz`` package inflects by vowel harmony («5 баллдан»).
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from django.utils import timezone
from django.utils.translation import get_language

LOCALES = {"ru": "ru", "ky": "ky", "en": "en"}


def _locale(lang: str | None) -> str:
    return LOCALES.get((lang or get_language() or "ru")[:2], "ru")


def long_date(value: date | None, lang: str | None = None, case: str | None = None) -> str:
    """``date(2026, 12, 7)`` -> «7 декабря 2026 г.» (ru), «2026-ж., 7-декабрь» (ky).

    ``case`` (a Kyrgyz case such as "dative") inflects a Kyrgyz date's month for the word that
    follows it: «2026-ж., 31-декабрга чейин»; Russian and English dates are left as they are."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    locale = _locale(lang)
    text = format_date(value, "long", locale=locale)
    if locale == "ky" and case:
        head, _sep, month = text.rpartition("-")
        if month.isalpha():
            text = f"{head}-{kyrgyz_case(month, case)}"
    return text


def local_datetime(value: datetime | None, lang: str | None = None) -> str:
    """A moment in the platform's time zone, as the language writes it (medium length)."""
    if value is None:
        return "—"
    return format_datetime(timezone.localtime(value), "medium",
                           tzinfo=timezone.get_current_timezone(), locale=_locale(lang))


def number(value: float | int | None, decimals: int = 0, lang: str | None = None) -> str:
    """``4.2`` -> «4,20» (ru, ky) with two decimals; thousands grouped as the language does."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, pattern, locale=_locale(lang))


def kyrgyz_case(word: str, case: str) -> str:
    """``word`` in a Kyrgyz case ("ablative": балл -> баллдан), by the ``kyrgyz`` package."""
    from kyrgyz import inflect
    from kyrgyz.cases import Case

    return inflect(word, case=Case(case))
