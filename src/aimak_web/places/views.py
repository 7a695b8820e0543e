"""Pages of the places directory and the GeoJSON its maps draw."""

from __future__ import annotations

import json

from django.db.models import Count, Sum
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control

from aimak_web.core.cache import public_page
from aimak_web.core.text import reader_language

from .models import ImportRun, Municipality, Oblast, Rayon
from .provenance import basis_text, centre_rule_text, name_lang, source_lines, summarise
from .search import search_places
from .sections import sections_for


@public_page
def index(request):
    q = request.GET.get("q", "").strip()
    results = search_places(q) if q else None
    oblasts = Oblast.objects.annotate(n_munis=Count("rayons__municipalities")).order_by("name_ru")
    return render(request, "places/index.html", {"q": q, "results": results,
                                                 "oblasts": oblasts})


@public_page
def oblast(request, code: str):
    obj = get_object_or_404(Oblast, code=code)
    rayons = obj.rayons.annotate(n_munis=Count("municipalities"),
                                 population=Sum("municipalities__population")).order_by("name_ru")
    return render(request, "places/oblast.html", {"oblast": obj, "rayons": rayons})


@public_page
def rayon(request, code: str):
    obj = get_object_or_404(Rayon.objects.select_related("oblast"), code=code)
    munis = obj.municipalities.order_by("name_ru")
    return render(request, "places/rayon.html", {"rayon": obj, "municipalities": munis})


@public_page
def municipality(request, code: str):
    obj = get_object_or_404(Municipality.objects.select_related("rayon__oblast"), code=code)
    settlements = list(obj.settlements.order_by("-population", "name_ru"))
    lang = reader_language()
    for s in settlements:
        s.basis_text = basis_text(s.population_basis, s.population_year)
        s.name_lang = name_lang(s.name, lang)
    run = ImportRun.objects.first()
    return render(request, "places/municipality.html", {
        "m": obj, "settlements": settlements, "summary": summarise(settlements),
        "sections": sections_for(request, obj), "centre_rule": centre_rule_text(obj.centre_rule),
        "centre_lang": name_lang(obj.centre_name, lang),
        "sources": source_lines(run.sources) if run else []})


def _feature(geometry: str, props: dict) -> dict:
    return {"type": "Feature", "geometry": json.loads(geometry) if geometry else None,
            "properties": props}


@public_page
@cache_control(max_age=300)
def municipality_geojson(request, code: str):
    """The municipality's territory (approximate where so labelled) and its settlements."""
    m = get_object_or_404(Municipality, code=code)
    features = [_feature(m.territory, {"kind": "territory", "name": m.name,
                                       "source": m.territory_source})]
    for s in m.settlements.all():
        features.append({"type": "Feature",
                         "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
                         "properties": {"kind": "settlement", "name": s.name,
                                        "population": s.population,
                                        "source": s.population_source,
                                        "centre": s.is_centre}})
    return JsonResponse({"type": "FeatureCollection", "features": features})


@public_page
@cache_control(max_age=300)
def rayon_geojson(request, code: str):
    """The rayon's municipalities, each with a link to its page."""
    r = get_object_or_404(Rayon, code=code)
    features = [_feature(m.territory, {"kind": "territory", "name": m.name,
                                       "url": m.get_absolute_url(),
                                       "source": m.territory_source})
                for m in r.municipalities.all()]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def home_directory(request) -> dict:
    """The oblasts and the size of the directory, for the home page (``core.home``)."""
    from django.db.models import Count

    return {"oblasts": Oblast.objects.annotate(n_rayons=Count("rayons", distinct=True))
            .order_by("name_ru"), "municipality_count": Municipality.objects.count()}
