"""Plain text of people's content, for places where markup does not belong (PDF titles, SVG)."""

from __future__ import annotations

from django import template

from aimak_web.core.text import localized

register = template.Library()


@register.simple_tag
def tr_text(obj, field: str) -> str:
    """``{% tr_text hearing "title" %}``: the field in the reader's language as plain text
    (escaped by the template, never wrapped in an element)."""
    return localized(obj, field)[0]


@register.simple_tag
def tr_lang(obj, field: str) -> str:
    """``{% tr_lang line "name" %}``: the language of the text ``tr_text`` gives, for the
    ``lang`` attribute of an element that cannot hold a marked ``<span>`` (SVG text)."""
    return localized(obj, field)[1]
