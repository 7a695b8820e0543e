"""The one clock of the hearing procedure.

Every rule that depends on the date (may comments open, has the meeting's time come, has the
comment period ended) asks ``now()`` or ``today()`` here and nowhere else, so a test moves the
whole procedure through time with ``time-machine`` instead of sleeping or skipping a check, and a
deployment can inject another clock with the ``AIMAK_HEARING_CLOCK`` setting (a dotted path to a
function returning an aware datetime).
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


def now() -> datetime:
    """The current moment (aware)."""
    path = getattr(settings, "AIMAK_HEARING_CLOCK", "")
    return import_string(path)() if path else timezone.now()


def today() -> date:
    """Today's date in the platform's time zone."""
    return timezone.localtime(now()).date()
