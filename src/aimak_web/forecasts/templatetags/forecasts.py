"""Template helpers of the forecast pages: shares and rates as percentages in the reader's
convention (``core.text.number``), the core's sentences and method names in the reader's
language, and the scenario page's unit projections."""

from __future__ import annotations

from django import template

from aimak.forecast import candidate_text
from aimak.i18n import say_in
from aimak_web.core.text import number, reader_language

register = template.Library()


@register.filter
def pct(value) -> str:
    """A share (0.93) as a whole percentage in the reader's language ("93")."""
    return number(None if value is None else 100 * float(value), 0)


@register.filter
def said(value) -> str:
    """A core sentence (``aimak.i18n.Said``) in the reader's language."""
    return say_in(value, reader_language())


@register.filter
def method(label) -> str:
    """A candidate's label (``aimak.forecast.choose.candidate_label``) in the reader's
    language."""
    return candidate_text(label, reader_language())


@register.filter
def pct1(value) -> str:
    """A yearly rate (0.0158) as a percentage with two decimals ("1,58")."""
    return number(None if value is None else 100 * float(value), 2)


@register.inclusion_tag("forecasts/_units.html")
def unit_projections(mapping, units) -> dict:
    """``{% unit_projections version.mapping data.units %}``: each unit of a scenario with its
    population today and projected (with its range), for the scenario page."""
    from aimak.forecast.territory import HORIZON_YEAR

    from ..service import unit_projections as project

    names = {u["new_unit"]: u.get("name", u["new_unit"]) for u in units or []}
    return {"rows": project(list(mapping or []), names, HORIZON_YEAR), "year": HORIZON_YEAR}


@register.inclusion_tag("forecasts/_budget.html")
def budget_trend(hearing, sections) -> dict:
    """``{% budget_trend hearing sections %}``: the municipality's budget trend beside the
    hearing's draft (a model, with its backtest), or why there is none."""
    from ..service import budget_view

    view = budget_view(hearing, sections or {})
    return {"total": view["total"], "own": view["own_revenue"], "hearing": hearing}


@register.filter
def in_unit_of(value, factor) -> str:
    """Som back in the hearing's unit (``factor`` som per unit), one decimal."""
    return number(None if value is None else float(value) / float(factor), 1)


@register.filter
def neg(value):
    """``-value`` (to say "below" with a positive number)."""
    return None if value is None else -float(value)
