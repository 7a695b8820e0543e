"""Rayon portraits: the index of rayons, a rayon's page and its printable PDF."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django_ratelimit.decorators import ratelimit

from aimak_web.places.models import Oblast, Rayon

from . import services


def index(request):
    oblasts = Oblast.objects.prefetch_related("rayons").order_by("name_ru")
    return render(request, "portraits/index.html", {"oblasts": oblasts})


def _context(rayon) -> dict:
    p = services.portrait(rayon)
    return {"p": p, "rayon": rayon, "pop_source": services.population_provenance(
        p.population_sources), "today": timezone.localdate()}


def rayon(request, code: str):
    obj = get_object_or_404(Rayon.objects.select_related("oblast"), code=code)
    return render(request, "portraits/rayon.html", _context(obj))


@ratelimit(key="ip", rate=settings.AIMAK_RATE_POST, method="GET")
def rayon_pdf(request, code: str):
    """The portrait typeset for print (WeasyPrint; URL fetches refused); rate-limited, as each
    request renders a PDF."""
    obj = get_object_or_404(Rayon.objects.select_related("oblast"), code=code)
    html = render_to_string("portraits/rayon_pdf.html", _context(obj), request=request)
    response = HttpResponse(services.portrait_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="portrait-{obj.code}.pdf"'
    return response
