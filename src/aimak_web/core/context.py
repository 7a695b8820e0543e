"""Template context shared by every page: languages, navigation (``aimak_web.core.nav``)."""

from __future__ import annotations

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import nav


def site(request) -> dict:
    return {
        "AIMAK_LANGUAGES": settings.LANGUAGES,
        # lazy: a fragment or a JSON answer rendered through a template pays nothing
        "nav_modules": SimpleLazyObject(lambda: nav.links_for(request, nav.MODULE)),
        "nav_desk": SimpleLazyObject(lambda: nav.links_for(request, nav.DESK)),
        "nav_module": SimpleLazyObject(lambda: nav.module_of(request) or ""),
    }
