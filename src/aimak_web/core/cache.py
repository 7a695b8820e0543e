"""Short-lived caching of public pages for anonymous visitors.

Directory pages are the same for every anonymous reader of one language, and they change only
when an administrator re-imports a dataset; caching them for a minute in each server process
(``CACHES["pages"]``, in memory) keeps them fast under load. Signed-in users, non-GET requests
and responses that are not 200 are never cached.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import get_language


def public_page(view):
    """Serve ``view``'s answer from the page cache for anonymous GET requests."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        cache = caches["pages"]
        key = f"page:{get_language()}:{request.get_full_path()}"
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies:
                if hasattr(response, "render") and callable(response.render):
                    response.render()
                cache.set(key, response, settings.AIMAK_PAGE_CACHE_SECONDS)
        return response

    return wrapped
