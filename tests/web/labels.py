"""Form controls without an accessible name, found the way a browser's HTML parser builds the
page (html5lib), independent of the templates that draw them: a fast check beside axe-core's
in the demo sweep (rule ``label``)."""

from __future__ import annotations

HIDDEN_TYPES = {"hidden", "submit", "button", "reset", "image"}


def unlabelled(html: str) -> list[str]:
    """The names (or ids) of the form's inputs, selects and text areas that have no label: no
    ``<label for=id>``, no enclosing ``<label>``, no ``aria-label`` or ``aria-labelledby``."""
    import html5lib

    doc = html5lib.parse(html, namespaceHTMLElements=False)
    labelled = {el.get("for") for el in doc.iter("label") if el.get("for")}
    enclosed = {id(c) for label in doc.iter("label") for c in label.iter()}
    out = []
    for el in doc.iter():
        if el.tag not in ("input", "select", "textarea"):
            continue
        if el.tag == "input" and (el.get("type") or "text").lower() in HIDDEN_TYPES:
            continue
        if (el.get("id") in labelled or id(el) in enclosed or (el.get("aria-label") or "").strip()
                or el.get("aria-labelledby")):
            continue
        out.append(el.get("name") or el.get("id") or el.tag)
    return out
