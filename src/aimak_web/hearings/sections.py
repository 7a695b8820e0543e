"""The hearings section of a municipality's page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aimak_web.places.sections import Section

from .models import Hearing


def hearings_section(request, municipality) -> Section:
    hearings = list(Hearing.objects.public().filter(municipality=municipality)
                    .order_by("-created_at", "-pk")[:10])
    return Section(title=_("Public hearings"), template="hearings/_section.html",
                   context={"hearings": hearings, "m": municipality})
