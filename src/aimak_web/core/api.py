"""Settings-level parts of the open-data API shared by every app's viewsets.

``CappedPagination``: ``?limit=`` is honoured up to ``MAX_LIMIT`` rows a page (a request for
100,000 rows gets 100 and a ``next`` link), so no anonymous request makes the server serialise a
whole table at once. Throttling is DRF's own (``DEFAULT_THROTTLE_CLASSES`` in the settings).
"""

from __future__ import annotations

from rest_framework.pagination import LimitOffsetPagination

MAX_LIMIT = 100


class CappedPagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT
