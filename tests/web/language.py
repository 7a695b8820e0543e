"""What a reader sees of a page, and the words that do not belong to its language.

The language-integrity rule of the platform (issue 29): a page speaks one language. On a Russian
or Kyrgyz page no Latin-script word appears outside the allow-list of proper names and acronyms;
on an English page no Cyrillic word; on no page a raw key (a snake_case token, a ``%(name)s``
placeholder, ``object (41)``). Text an element marks as another language (``lang="ru"`` on a
resident's comment shown to an English reader, the language switch) is that language's text;
text marked ``translate="no"`` is data that no translation may change (a person's name, a value
recorded in the audit trail) and ``<code>`` is literal (a file's column names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

#: Latin-script words allowed on Russian and Kyrgyz pages: the platform's name, acronyms and
#: formats, and proper names of sources and tools that have no Cyrillic form.
ALLOWED_LATIN = {
    "aimak", "API", "PDF", "CSV", "XLSX", "HTML", "JSON", "GeoJSON", "GeoPackage", "GPKG", "Atom",
    "RSS", "SMS", "ID", "OSM", "OpenStreetMap", "Leaflet", "SRTM", "Copernicus", "WorldPop",
    "GADM", "HDX", "OCHA", "UNDP", "USAID", "GIZ", "LMA", "TTWA", "Excel", "KoboToolbox", "Kobo",
    "ODK", "QGIS", "R", "LSG", "SDG", "IATI", "CC", "BY", "ODbL", "Intramax", "Leiden",
    "Huff", "ARIMA", "ETS", "OLS", "NSC", "GIS", "e", "mail", "Telegram", "WhatsApp", "ISO",
    "UTC", "OR", "Tools", "ARI", "max", "p", "GEBCO", "WFP", "PRISM", "COD", "PS",
}
ALLOWED_LATIN_LOWER = {w.lower() for w in ALLOWED_LATIN}

SKIP_TAGS = {"script", "style", "noscript", "template", "code", "pre", "kbd", "samp"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
TEXT_ATTRS = ("title", "alt", "aria-label", "placeholder")

URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+\.[\w.]+\b|\b[\w-]+\.(?:kg|org|com|"
                 r"net|info|gov|ru|int)(?:/\S*)?\b|\b\S+\.(?:pdf|csv|xlsx|gpkg|json|html)\b",
                 re.I)
LATIN_WORD = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*(?![\w-])")
CYRILLIC_WORD = re.compile(r"[А-Яа-яЁёӨөҮүҢң]{2,}")
RAW_KEY = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b|%\(\w+\)[sd]|\bobject \(\d+\)|"
                     r"\{[a-z_]+\}|\b\w+ object \(\d+\)")


class Visible(HTMLParser):
    """(text, language) pieces a reader sees or hears: text nodes and the text attributes."""

    def __init__(self, page_lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str, bool]] = [("", page_lang, False)]
        self.pieces: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        _, lang, skip = self.stack[-1]
        lang = (attrs.get("lang") or lang)[:2]
        skip = (skip or tag in SKIP_TAGS or "hidden" in attrs or attrs.get("aria-hidden") == "true"
                or attrs.get("translate") == "no")
        if not skip:
            for a in TEXT_ATTRS:
                if attrs.get(a):
                    self.pieces.append((attrs[a], lang))
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.pieces.append((attrs["value"], lang))
        if tag not in VOID:
            self.stack.append((tag, lang, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        tag, lang, skip = self.stack[-1]
        if not skip and data.strip():
            if tag == "title":
                self.title = len(self.pieces)
            self.pieces.append((data, lang))


def pieces(html: str, page_lang: str) -> list[tuple[str, str]]:
    """The (text, language) pieces; the window title (``<title>``, which holds no markup) takes
    the language of the page's text it names: a Russian hearing title on an English page is
    marked ``lang="ru"`` in the heading and cannot be in the tab."""
    parser = Visible(page_lang)
    parser.title = None
    parser.feed(html)
    parser.close()
    out = parser.pieces
    if parser.title is not None:
        text, lang = out[parser.title]
        name = " ".join(text.rsplit(" · ", 1)[0].split())
        other = next((lg for i, (t, lg) in enumerate(out)
                      if i != parser.title and " ".join(t.split()) == name), lang)
        out[parser.title] = (text, other)
    return out


def problems(html: str, page_lang: str, names: Iterable[str] = ()) -> list[str]:
    """What does not belong on a ``page_lang`` page: each as "kind: word … in «context»".
    ``names``: people's names (proper names no translation changes)."""
    out: list[str] = []
    allowed_lower = ALLOWED_LATIN_LOWER
    names = sorted((n for n in names if n), key=len, reverse=True)
    for text, lang in pieces(html, page_lang):
        text = " ".join(text.split())
        for n in names:
            text = text.replace(n, " ")
        for m in RAW_KEY.finditer(text):
            if not URL.search(text[max(0, m.start() - 40):m.end() + 40]):
                out.append(f"raw key «{m.group(0)}» in «{text[:120]}»")
        if lang != page_lang:
            continue
        bare = URL.sub(" ", text)
        if page_lang in ("ru", "ky"):
            words = [w for w in LATIN_WORD.findall(bare)
                     if w.lower() not in allowed_lower and not all(
                         p.lower() in allowed_lower for p in w.split("-"))]
            if words:
                out.append(f"Latin «{' '.join(words[:6])}» in «{text[:120]}»")
        elif page_lang == "en":
            words = CYRILLIC_WORD.findall(bare)
            if words:
                out.append(f"Cyrillic «{' '.join(words[:6])}» in «{text[:120]}»")
    return out
