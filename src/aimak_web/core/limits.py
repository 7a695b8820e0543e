"""Rate limits sized for real work (django-ratelimit), read from settings at request time.

Signed-in work is counted per account, anonymous actions per address (``user_or_ip``, with the
address from :func:`aimak_web.core.client.client_ip`). Sizes (``settings.AIMAK_RATE_*``):

- ``AIMAK_RATE_EDIT`` (600/h): an analyst's edits in the territory explorer; moving 200
  municipalities in an hour is normal work and is never throttled;
- ``AIMAK_RATE_POST`` (30/10m): posting content (comments, proposals, practices, votes);
- ``AIMAK_RATE_SIGNIN`` / ``AIMAK_RATE_CODE``: sign-in attempts and one-time codes per address.

A limited request gets :func:`aimak_web.core.views.rate_limited`: a page or JSON saying so in the
reader's language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

#: the key of signed-in work (per account) that falls back to the address for visitors
KEY = "user_or_ip"


def rate(setting: str) -> Callable[[str, object], str]:
    """A rate for ``@ratelimit(rate=...)`` read from ``settings.<setting>`` on each request."""
    def current(group: str, request) -> str:
        return getattr(settings, setting)
    current.__name__ = f"rate_{setting.lower()}"
    return current
