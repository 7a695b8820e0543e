"""Pages over the core's forecasts: rayon poverty, the procedure that chose each forecast, its
backtest, the drivers, the derived figures of the ayil aimaks, and the sources."""

from __future__ import annotations

from csp.decorators import csp_exempt
from django.http import Http404, HttpResponse
from django.shortcuts import render

from aimak_web.core.cache import public_page
from aimak_web.core.text import reader_language

from .service import chart_svg, overview, rayon_view


@public_page
def index(request):
    view = overview()
    return render(request, "forecasts/index.html", {"v": view, "available": view is not None})


@public_page
def rayon(request, entity: str):
    view = rayon_view(entity)
    if view is None:
        raise Http404
    return render(request, "forecasts/rayon.html", {
        "v": view, "entity": entity,
        "history": view["series"].sort_values("year").to_dict("records"),
        "forecast": view["forecast"].sort_values("year").to_dict("records"),
        "excluded": view["excluded"].sort_values("year").to_dict("records")})


@csp_exempt()
@public_page
def chart(request, entity: str):
    """The published values, forecast and interval band as an SVG image (the core's chart)."""
    svg = chart_svg(entity, reader_language())
    if svg is None:
        raise Http404
    return HttpResponse(svg, content_type="image/svg+xml")
