"""Pages over the core's forecasts: rayon poverty, its model, its backtest and its sources."""

from __future__ import annotations

from csp.decorators import csp_exempt
from django.http import Http404, HttpResponse
from django.shortcuts import render

from aimak_web.core.cache import public_page
from aimak_web.places.models import Rayon

from .service import entities, rayon_view


@public_page
def index(request):
    names = entities()
    rayons = {r.name_en: r for r in Rayon.objects.filter(name_en__in=names)}
    return render(request, "forecasts/index.html", {
        "rows": [(n, rayons.get(n)) for n in names], "available": bool(names)})


@public_page
def rayon(request, entity: str):
    view = rayon_view(entity)
    if view is None:
        raise Http404
    history = view["series"].sort_values("year").to_dict("records")
    fc = view["forecast"].sort_values("year").to_dict("records")
    scores = view["scores"].to_dict("records") if view["scores"] is not None else []
    return render(request, "forecasts/rayon.html", {
        "entity": entity, "rayon": Rayon.objects.filter(name_en=entity).first(),
        "history": history, "forecast": fc, "scores": scores, "verdict": view["verdict"],
        "facts": view["facts"], "sources": view["sources"]})


@csp_exempt()
@public_page
def chart(request, entity: str):
    """The history, forecast and interval band as an SVG image (matplotlib, by the core)."""
    from aimak.forecast.chart import forecast_svg

    view = rayon_view(entity)
    if view is None:
        raise Http404
    svg = forecast_svg(view["series"], view["forecast"], entity, "%", [entity])
    return HttpResponse(svg, content_type="image/svg+xml")
