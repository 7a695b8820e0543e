"""Template helpers: content in the reader's language, provenance badges, numbers."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from aimak_web.core.text import localized, number, quantity, reader_language

register = template.Library()

PROVENANCE = {
    "observed": "observed", "official": "official", "estimated": "estimated",
    "modelled": "modelled", "projected": "projected", "approximate": "approximate",
    "mixed": "mixed", "example": "example",
}


@register.simple_tag
def tr(obj, field: str):
    """``{% tr hearing "title" %}``: the field in the reader's language, marked on fallback."""
    text, lang = localized(obj, field)
    reader = reader_language()
    if text and lang != reader and reader != "en":
        return format_html('<span lang="{}">{}</span> <span class="fallback">({})</span>', lang,
                           text, _("in Russian") if lang == "ru" else _("in Kyrgyz"))
    return format_html('<span lang="{}">{}</span>', lang, text)


@register.simple_tag
def provenance(kind: str, detail: str = "", label: str = ""):
    """A badge saying where a number comes from (observed, official, estimated, ...);
    ``label`` replaces the kind's word where it must agree with what it qualifies."""
    labels = {
        "observed": _("observed"), "official": _("official"), "estimated": _("estimated"),
        "modelled": _("modelled"), "projected": _("projected"),
        "approximate": _("approximate"), "mixed": _("partly estimated"),
        "example": _("example"),
    }
    kind = kind or "estimated"
    return format_html('<span class="prov prov-{}" title="{}">{}</span>',
                       PROVENANCE.get(kind, "estimated"), detail, label or labels.get(kind, kind))


@register.filter
def people(value) -> str:
    """Round a population to whole people with thin-space thousands."""
    return number(value, 0)


@register.filter
def num(value, digits=0) -> str:
    """``{{ x|num:1 }}``: a number in the reader's convention (22 300,5 or 22,300.5)."""
    return number(value, int(digits))


@register.filter
def km2(value, digits=0) -> str:
    """``{{ m.area_km2|km2 }}``: an area with its unit in the reader's language."""
    return quantity(value, "km²", int(digits))


@register.filter
def in_unit(value, unit: str) -> str:
    """``{{ amount|in_unit:hearing.budget_unit }}``: a number and its unit, translated."""
    return quantity(value, unit, 1 if unit == "thousand KGS" else 0)


@register.simple_tag(takes_context=True)
def page_in(context, lang: str) -> str:
    """This page's address in another language (the URL prefix decides the language)."""
    from django.urls import translate_url

    request = context["request"]
    url = translate_url(request.path, lang)
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url
