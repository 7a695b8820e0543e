"""Template filters for dates and numbers as the page's language writes them (``wording``)."""

from __future__ import annotations

from django import template

from aimak_web.contests import wording

register = template.Library()


@register.filter
def longdate(value, case: str | None = None) -> str:
    """``{{ edition.approved_at|longdate }}`` -> «7 декабря 2026 г.» / «2026-ж., 7-декабрь»;
    ``|longdate:"locative"`` -> «2026-ж., 7-декабрда» in Kyrgyz (on that day)."""
    return wording.long_date(value, case=case or None)


@register.filter
def decimals(value, places: int = 2) -> str:
    """``{{ 4.2|decimals:2 }}`` -> «4,20» (ru, ky)."""
    return wording.number(value, int(places))
