"""Content written by people in Russian and Kyrgyz, shown in the reader's language.

A model keeps ``<field>_ru`` and ``<field>_ky``; ``localized(obj, "field")`` picks the reader's
language and falls back to the other one (English readers see Russian), and says whether it fell
back so that the page can label the text.
"""

from __future__ import annotations

from django.utils.translation import get_language

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
