"""Short-lived caching of public pages for anonymous visitors.

Directory pages are the same for every anonymous reader of one language, and they change only
when an administrator re-imports a dataset; caching them for a minute in each server process
(``CACHES["pages"]``, in memory) keeps them fast under load. Pages that change while people read
them (an open hearing) are cached for a few seconds only (``AIMAK_LIVE_PAGE_CACHE_SECONDS``): a
hundred anonymous readers then cost one rendering per process every few seconds, and a new
comment reaches them within that time. Signed-in users, non-GET requests and responses that are
not 200 are never cached, so participants always see the page as it is.
"""

from __future__ import annotations

import threading
import time
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import get_language

#: pages some thread of this process is rendering, each with the event that says it is done
_rendering: dict[str, threading.Event] = {}
_rendering_lock = threading.Lock()
#: how long an expired page may still be served while one thread renders it again
STALE_SECONDS = 30


def public_page(view=None, *, seconds: str = "AIMAK_PAGE_CACHE_SECONDS"):
    """Serve ``view``'s answer from the page cache for anonymous GET requests.

    ``seconds`` names the setting that says how long a page is fresh. One thread of a process
    renders a page at a time: when it expires the others keep serving the old copy for that
    moment, and when there is none yet they wait for it, so a hundred readers arriving together
    do not all render the same page (no stampede).
    """
    if view is None:
        return lambda v: public_page(v, seconds=seconds)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        ttl = getattr(settings, seconds)
        if request.method != "GET" or request.user.is_authenticated or ttl <= 0:
            return view(request, *args, **kwargs)
        cache = caches["pages"]
        key = f"page:{get_language()}:{request.get_full_path()}"
        entry = cache.get(key)  # (fresh until, response)
        if entry is not None and entry[0] > time.time():
            return entry[1]
        with _rendering_lock:
            done = _rendering.get(key)
            mine = done is None
            if mine:
                done = _rendering[key] = threading.Event()
        if not mine:
            if entry is not None:
                return entry[1]
            done.wait(timeout=30)
            entry = cache.get(key)
            if entry is not None:
                return entry[1]
            return view(request, *args, **kwargs)  # the other rendering was not cacheable
        try:
            # a renderer that finished between our first look and now left its page here
            stored = cache.get(key)
            if stored is not None and stored[0] > time.time():
                return stored[1]
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies:
                if hasattr(response, "render") and callable(response.render):
                    response.render()
                cache.set(key, (time.time() + ttl, response), ttl + STALE_SECONDS)
        finally:
            with _rendering_lock:
                del _rendering[key]
            done.set()
        return response

    return wrapped
