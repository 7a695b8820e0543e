"""Translations of user-facing strings: Russian (default), Kyrgyz and English.

Message ids are plain English sentences; catalogs are gettext ``.po`` files shipped in
``aimak/locale/<lang>/LC_MESSAGES/aimak.po`` and read with ``polib`` at first use, so that a plain
``pip install -e .`` works without a compile step. A message missing from a catalog falls back to
its English id (and ``missing_messages`` lists such gaps for the tests).

Usage::

    from aimak.i18n import _, use_language
    with use_language("ky"):
        title = _("Functional zones")

Placeholders use ``str.format`` names inside the message id, e.g.
``_("{count} settlements").format(count=12)``, so that a translator can move them.
"""

from __future__ import annotations

import ast
import contextlib
import contextvars
import math
import numbers
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import polib

from aimak.errors import AimakError

#: Languages with a catalog, the first being the default.
LANGUAGES = ("ru", "ky", "en")
DEFAULT_LANGUAGE = "ru"
DOMAIN = "aimak"
LOCALE_DIR = Path(__file__).parent / "locale"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("aimak_lang",
                                                                default=DEFAULT_LANGUAGE)


class UnknownLanguageError(AimakError):
    """A language was requested for which aimak has no catalog."""


def check_language(lang: str) -> str:
    """Return ``lang`` normalised (lower case, 'ru_RU' -> 'ru'), or raise a readable error."""
    code = str(lang).strip().lower().replace("-", "_").split("_")[0]
    if code not in LANGUAGES:
        raise UnknownLanguageError(f"unknown language '{lang}'; expected one of "
                                   f"{', '.join(LANGUAGES)}")
    return code


def catalog_path(lang: str) -> Path:
    """Path of the ``.po`` catalog of ``lang``."""
    return LOCALE_DIR / check_language(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalog(lang: str) -> dict[str, str]:
    """Translated messages of ``lang`` (msgid -> msgstr), fuzzy and empty entries left out."""
    path = catalog_path(lang)
    if not path.exists():
        return {}
    po = polib.pofile(str(path), encoding="utf-8")
    return {e.msgid: e.msgstr for e in po if e.msgstr and not e.fuzzy and not e.obsolete}


def get_language() -> str:
    """The language of the current context."""
    return _current.get()


def set_language(lang: str) -> None:
    """Set the language of the current context (prefer ``use_language`` in library code)."""
    _current.set(check_language(lang))


@contextlib.contextmanager
def use_language(lang: str) -> Iterator[str]:
    """Translate into ``lang`` within the block, then restore the previous language."""
    token = _current.set(check_language(lang))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def gettext(message: str, lang: str | None = None) -> str:
    """Translate ``message`` (an English message id) into ``lang`` or the current language."""
    code = check_language(lang) if lang else _current.get()
    return catalog(code).get(message, message)


#: The conventional short name for ``gettext``.
_ = gettext


def N_(message: str) -> str:  # noqa: N802 (gettext convention)
    """Mark a string for translation without translating it now (for module-level tables)."""
    return message


class Said(str):
    """A sentence that is English as a string (logs, files, the CLI, error matching) and can be
    said in another language: ``text(lang)``. ``template`` is its message id (marked with
    ``N_``) and ``params`` its values, numbers written as each language writes them
    (``fmt_word``). Values are kept as plain ``int``/``float``/``str``, so ``params`` is JSON
    (a background job stores it and the page says it in the reader's language)."""

    template: str
    params: dict[str, object]

    def __new__(cls, template: str, **params: object) -> Said:
        plain = {k: _plain(v) for k, v in params.items()}
        self = super().__new__(cls, say(template, plain, "en"))
        self.template, self.params = template, plain
        return self

    def __reduce__(self):  # pickled (Dask, caches) with its template, not as a bare string
        return (_said, (self.template, self.params))

    def text(self, lang: str | None = None) -> str:
        """The sentence in ``lang`` (default: the current language)."""
        return say(self.template, self.params, lang or get_language())


def _said(template: str, params: dict[str, object]) -> Said:
    return Said(template, **params)


def _plain(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    return int(value) if isinstance(value, numbers.Integral) else float(value)


def say(template: str, params: dict[str, object], lang: str) -> str:
    """``template`` translated into ``lang`` with ``params`` filled in (``fmt_word``)."""
    return gettext(template, lang).format(**{k: fmt_word(v, lang) for k, v in params.items()})


def said_json(reasons: list) -> list[list]:
    """Sentences as JSON (``[template, params]``, or ``[None, text]`` for plain text) to keep
    in a cache or a database and say later in any language with ``say_json``."""
    return [[r.template, r.params] if isinstance(r, Said) else [None, str(r)] for r in reasons]


def say_json(items: list, lang: str | None = None, sep: str = "; ") -> str:
    """The sentences ``said_json`` kept, in ``lang`` (default: the current language)."""
    return sep.join(Said(t, **params).text(lang) if t else str(params) for t, params in items)


def say_in(value: object, lang: str | None = None) -> str:
    """``value`` in ``lang`` (default: the current language) when it is a ``Said``, else as
    it is."""
    return value.text(lang) if isinstance(value, Said) else str(value)


def missing_messages(messages: list[str], lang: str) -> list[str]:
    """Message ids among ``messages`` that the ``lang`` catalog does not translate."""
    known = catalog(check_language(lang))
    return [m for m in messages if m not in known]


_TEMPLATE_CALL = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)""")


def extract_messages(root: Path | None = None) -> list[str]:
    """Message ids marked with ``_()``/``N_()`` in the Python modules and templates under
    ``root`` (the ``aimak`` package by default), in first-seen order: the translators' list."""
    root = root or Path(__file__).parent
    found: dict[str, None] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_", "gettext") and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.setdefault(node.args[0].value)
    for path in sorted(root.rglob("*.html")):
        for m in _TEMPLATE_CALL.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(m.group(1) if m.group(1) is not None else m.group(2))
    return list(found)


# --- numbers as each language writes them ------------------------------------------------

MISSING = "–"
NBSP = "\u00a0"


def _group(text: str, lang: str) -> str:
    if lang == "en":
        return text
    return text.replace(",", NBSP).replace(".", ",")


def fmt_number(value: object, kind: str = "float1", lang: str = "ru") -> str:
    """Format one value: kinds 'int', 'float1', 'float2', 'percent' (0..1), 'km2', 'minutes',
    'text'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if kind == "text":
        if isinstance(value, list | tuple | set):
            return "; ".join(map(str, value)) if value else MISSING
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value)
        return text if text else MISSING
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x):
        return MISSING
    if kind == "int":
        return _group(f"{round(x):,d}", lang)
    if kind == "percent":
        return _group(f"{100 * x:,.0f}", lang) + NBSP + "%"
    if kind == "float2":
        return _group(f"{x:,.2f}", lang)
    if kind == "km2":
        return _group(f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}", lang)
    if kind == "minutes":
        return _group(f"{x:,.0f}", lang)
    return _group(f"{x:,.1f}", lang)


def fmt_word(value: object, lang: str) -> str:
    """A value inside a sentence: a number as the language writes it (whole from 100 up or when
    it is whole, else one decimal), anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    number = float(value)
    return fmt_number(number, "int" if number >= 100 or number.is_integer() else "float1",
                      lang)
