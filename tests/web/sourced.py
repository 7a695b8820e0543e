"""Figures on a page without their source: the oracle of "every number has a source" for the
rayon portraits, reading the page as a browser's HTML parser builds it (html5lib), not the
templates that draw it."""

from __future__ import annotations

import re

#: a figure: digits, not a year standing alone (1900-2099), not a link's text
FIGURE = re.compile(r"\d")
YEAR = re.compile(r"\b(?:19|20)\d\d\b")


#: not figures: a source's own text (``.ref``: it names years, files, counts of villages) and
#: a count of the platform's records listed beside it (``.count``: "3 hearings held")
NOT_FIGURES = {"ref", "count"}


def _text(el, skip_links: bool = True) -> str:
    """The element's text without its links' text (titles and names may hold digits), the
    sources' text and the counts of records."""
    parts = [el.text or ""]
    for child in el:
        classes = set((child.get("class") or "").split())
        if not ((skip_links and child.tag == "a") or classes & NOT_FIGURES):
            parts.append(_text(child, skip_links))
        parts.append(child.tail or "")
    return "".join(parts)


def _has_badge(el) -> bool:
    return any("prov" in (x.get("class") or "").split() for x in el.iter())


def unsourced(html: str, scope: str = "section") -> list[str]:
    """Texts of the page's ``scope`` elements (the portrait's sections) holding a figure
    without a provenance badge: a paragraph or list item without one in it; a numeric table
    cell without one in its row or in its column's header."""
    import html5lib

    doc = html5lib.parse(html, namespaceHTMLElements=False)
    out = []
    for section in doc.iter(scope):
        for el in section.iter():
            if el.tag in ("p", "li") and FIGURE.search(YEAR.sub("", _text(el))) \
                    and not _has_badge(el):
                out.append(_text(el).strip())
        for table in section.iter("table"):
            heads = [th for th in table.iter("th")]
            for tr in table.iter("tr"):
                cells = [c for c in tr if c.tag == "td"]
                for i, td in enumerate(cells):
                    if "num" not in (td.get("class") or "").split():
                        continue
                    if not FIGURE.search(_text(td)):
                        continue
                    if _has_badge(tr) or (i < len(heads) and _has_badge(heads[i])):
                        continue
                    out.append(_text(td).strip())
    return out
