"""Text in the reader's language: content written in Russian and Kyrgyz, and numbers with units.

A model keeps ``<field>_ru`` and ``<field>_ky``; ``localized(obj, "field")`` picks the reader's
language and falls back to the other one (English readers see Russian), and says whether it fell
back so that the page can label the text.
"""

from __future__ import annotations

from django.utils.translation import get_language, gettext_lazy

CONTENT_LANGUAGES = ("ru", "ky")
#: The interface's languages, the first the default.
READER_LANGUAGES = ("ru", "ky", "en")


def reader_language() -> str:
    """The reader's language (ru, ky or en; Russian when the request has another or none)."""
    code = (get_language() or "ru")[:2]
    return code if code in READER_LANGUAGES else "ru"


def name_in_language(obj: object) -> str:
    """``obj.name_<reader's language>``, falling back to ``name_ru``."""
    return getattr(obj, f"name_{reader_language()}", "") or obj.name_ru


#: The Kyrgyz Cyrillic alphabet in its order (the Russian one with Ң after Н, Ө after О, Ү after
#: У); code-point order puts Ё before А and Ң, Ө, Ү after Я.
ALPHABET = "абвгдеёжзийклмнңоөпрстуүфхцчшщъыьэюя"
_RANK = {c: i for i, c in enumerate(ALPHABET)}


def alphabetical(text: str) -> tuple:
    """Sort key of ``text`` in Kyrgyz (and Russian) alphabetical order, case-insensitive;
    spaces and hyphens before letters, other characters after. Written by hand: PyICU needs a
    compiler and ICU's headers, and this order differs from the code points in four letters."""
    return tuple((1, _RANK[c]) if c in _RANK else (0 if c in " -" else 2, ord(c))
                 for c in text.lower())


def localized(obj: object, field: str) -> tuple[str, str]:
    """(text, language of the text) for ``obj.<field>_<lang>`` in the reader's language."""
    lang = reader_language()
    order = [lang] if lang in CONTENT_LANGUAGES else []
    order += [c for c in ("ru", "ky") if c not in order]
    for code in order:
        value = getattr(obj, f"{field}_{code}", "") or ""
        if value.strip():
            return value, code
    return "", lang


# --- numbers, units and areas in the reader's language -------------------------------------
# Kyrgyz writes numbers as Russian does (decimal comma, thin-space thousands); English with a
# point and commas. Django's own number formatting (``{{ x }}``, ``floatformat``) follows the
# same rule through ``aimak_web.core.formats``; these helpers add grouping and units.

THIN = "\u202f"  # narrow no-break space between thousands and before a unit

#: units the platform writes beside numbers, by the code stored in data and models
UNITS = {
    "thousand KGS": gettext_lazy("thousand som"),
    "KGS": gettext_lazy("som"),
    "km²": gettext_lazy("km²"),
    "km": gettext_lazy("km"),
    "min": gettext_lazy("min"),
    "%": "%",
}


def number(value, digits: int = 0, *, lang: str | None = None) -> str:
    """``value`` with ``digits`` decimals in the reader's convention: ``22 300,5`` (ru, ky),
    ``22,300.5`` (en); ``—`` for a missing value."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    lang = lang or reader_language()
    text = f"{float(value):,.{max(digits, 0)}f}"
    if lang == "en":
        return text
    return text.replace(",", THIN).replace(".", ",")


def unit_label(unit: str) -> str:
    """A unit code (``thousand KGS``, ``km²``) in the reader's language; unknown ones as given."""
    return str(UNITS.get(unit, unit))


def quantity(value, unit: str, digits: int = 0) -> str:
    """A number with its unit, e.g. ``28 890,5 тыс. сом``, ``92 км²``."""
    if value is None:
        return "—"
    return f"{number(value, digits)}{THIN if unit != '%' else ''}{unit_label(unit)}"
