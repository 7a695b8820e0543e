"""The forecasts' section on a municipality's page: its rayon's poverty forecast applied to
its population (derived, labelled so)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aimak_web.places.sections import Section

from .service import municipality_view


def municipality_section(request, municipality) -> Section | None:
    from aimak.forecast.territory import HORIZON_YEAR

    view = municipality_view(municipality, HORIZON_YEAR)
    if view is None:
        return None
    return Section(title=_("Forecasts"), template="forecasts/_municipality.html",
                   context={"m": municipality, **view})
