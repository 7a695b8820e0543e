"""The message gateway: short messages to phones through a configurable backend.

No real SMS provider is contacted: ``console`` prints, ``file`` appends JSON lines to
``AIMAK_SMS_FILE``, ``locmem`` keeps messages in ``outbox`` (tests). A production provider is one
more class with ``send(phone, text)``.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

#: Messages sent with the ``locmem`` backend, newest last (tests read it).
outbox: list[dict[str, str]] = []


def send_sms(phone: str, text: str) -> None:
    """Send ``text`` to ``phone`` (E.164) through the configured backend."""
    message = {"to": phone, "text": text, "sent": datetime.now(UTC).isoformat()}
    backend = settings.AIMAK_SMS_BACKEND
    if backend == "locmem":
        outbox.append(message)
    elif backend == "file":
        path = Path(settings.AIMAK_SMS_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(message, ensure_ascii=False) + "\n")
    elif backend == "console":
        print(f"[SMS to {phone}] {text}", file=sys.stdout, flush=True)
    else:
        raise ValueError(f"unknown AIMAK_SMS_BACKEND {backend!r} (console, file or locmem)")
