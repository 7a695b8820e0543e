"""The practices section of a municipality's page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aimak_web.places.sections import Section

from .models import Status


def municipality_section(request, municipality) -> Section | None:
    practices = list(municipality.practices.filter(status=Status.PUBLISHED)
                     .select_related("theme").order_by("-published_at", "-pk")[:10])
    return Section(_("Best practices"), "practices/_section.html",
                   {"practices": practices, "municipality": municipality})
