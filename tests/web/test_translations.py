"""Every user-facing text of the platform is translated into Russian and Kyrgyz.

The texts are found without Django's makemessages (which needs GNU gettext): ``ast`` finds the
gettext calls with a literal in the Python modules, a regular expression the ``translate`` and
``blocktranslate`` tags of the templates. Each must have a translation in some app's ru and ky
catalog (Django merges the apps' catalogs), and every translation keeps its placeholders.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

import aimak_web

ROOT = Path(aimak_web.__file__).parent
FUNCS = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext",
         "pgettext_lazy"}
TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1(?:\s+context\s+(["'])(.*?)\3)?"""
                 r"""[^%]*%\}""", re.S)
BLOCK = re.compile(r"\{%\s*blocktranslate([^%]*)%\}(.*?)\{%\s*(?:endblocktranslate|plural)\s*%\}",
                   re.S)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")
#: language names come with Django's own catalogs
DJANGO_OWN = {"Russian", "Kyrgyz", "English"}

Text = tuple[str | None, str, int]  # context, message, line


def python_texts(source: str) -> Iterator[Text]:
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.id if isinstance(f, ast.Name) else getattr(f, "attr", None)
        if name not in FUNCS:
            continue
        i = 1 if name.startswith("pgettext") else 0
        if len(node.args) > i and isinstance(node.args[i], ast.Constant) \
                and isinstance(node.args[i].value, str):
            yield (node.args[0].value if i else None), node.args[i].value, node.lineno


def template_texts(source: str) -> Iterator[Text]:
    for m in TAG.finditer(source):
        yield m.group(4), m.group(2), source[:m.start()].count("\n") + 1
    for m in BLOCK.finditer(source):
        options, body = m.group(1), m.group(2)
        if "trimmed" in options:
            body = " ".join(line.strip() for line in body.splitlines() if line.strip())
        body = re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", body.replace("%", "%%"))
        context = re.search(r"""context\s+["'](.*?)["']""", options)
        yield (context.group(1) if context else None), body, source[:m.start()].count("\n") + 1


def texts() -> list[tuple[str, Text]]:
    found = []
    for path in sorted(ROOT.rglob("*")):
        if "migrations" in path.parts or path.suffix not in (".py", ".html", ".txt"):
            continue
        source = path.read_text(encoding="utf-8")
        read = python_texts if path.suffix == ".py" else template_texts
        found += [(str(path.relative_to(ROOT)), t) for t in read(source)]
    return found


def catalogs(lang: str) -> list[polib.POFile]:
    return [polib.pofile(str(p)) for p in sorted(ROOT.glob(f"*/locale/{lang}/LC_MESSAGES/*.po"))]


def test_the_extractor_finds_known_texts() -> None:
    """The scan is not empty by accident: texts of each kind written here are found."""
    assert [t[1] for t in python_texts('x = _("Hello")\ny = pgettext("menu", "Open")')] \
        == ["Hello", "Open"]
    tpl = ('{% translate "Save" %}\n{% blocktranslate trimmed with n=x %}\n  {{ n }} votes\n'
           "{% endblocktranslate %}")
    assert [(t[1], t[2]) for t in template_texts(tpl)] == [("Save", 1), ("%(n)s votes", 2)]
    found = {t[1] for _path, t in texts()}
    assert len(found) > 500
    assert "the file cannot be read as a spreadsheet" in found


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_every_text_is_translated(lang: str) -> None:
    translated = {(e.msgctxt, e.msgid) for po in catalogs(lang) for e in po
                  if (e.msgstr or any(e.msgstr_plural.values())) and "fuzzy" not in e.flags}
    missing = [f"{path}:{line}: {msg!r}" for path, (ctx, msg, line) in texts()
               if (ctx, msg) not in translated and msg not in DJANGO_OWN]
    assert missing == [], f"{len(missing)} texts without a {lang} translation"


@pytest.mark.parametrize("lang", ["ru", "ky", "en"])
def test_translations_keep_their_placeholders(lang: str) -> None:
    wrong = []
    for po in catalogs(lang):
        for e in po:
            if e.msgstr and sorted(PLACEHOLDER.findall(e.msgstr)) \
                    != sorted(PLACEHOLDER.findall(e.msgid)):
                wrong.append(f"{po.fpath}: {e.msgid!r} -> {e.msgstr!r}")
    assert wrong == []
