"""Messages ("flash" messages) that speak the language of the page that shows them.

A message is made by one request and usually shown by the next; Django's message storage keeps
the finished words, so a message made on a Kyrgyz page and shown on an English one stayed
Kyrgyz. Here a message made with :func:`later` travels as its msgid and parameters and is
translated when shown; a message added as finished words (Django's own, or a view not yet
converted) keeps the language it was made in and is shown marked with it (``lang``), so a reader,
a screen reader and the language-integrity crawler know what it is.

Set as ``MESSAGE_STORAGE``; Django's fallback storage (cookie, then session) does the keeping.
"""

from __future__ import annotations

import json

from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.fallback import FallbackStorage
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language, gettext

#: starts a stored message that is an envelope (msgid and parameters, or words and language)
MARK = "\u2063aimak:"


def later(msgid: str, **params: object) -> str:
    """A message translated when it is shown: ``messages.info(request, later(gettext_noop(
    "We sent a code to %(phone)s."), phone=phone))``. Parameters are shown as given."""
    return MARK + json.dumps({"msgid": msgid, "params": params}, ensure_ascii=False, default=str)


def _language() -> str:
    return (get_language() or "ru")[:2]


def shown(message: Message) -> Message:
    """The message as the current page shows it: translated now, or marked with its language
    (``message.lang``) when its words were made in another one."""
    text, lang, safe = message.message, None, isinstance(message.message, SafeData)
    if isinstance(text, str) and text.startswith(MARK):
        envelope = json.loads(text[len(MARK):])
        safe = envelope.get("safe", False)
        if "msgid" in envelope:
            text = gettext(envelope["msgid"])
            if envelope["params"]:
                text = text % envelope["params"]
        else:
            text = envelope["text"]
            lang = envelope["lang"] if envelope["lang"] != _language() else None
    out = Message(message.level, mark_safe(text) if safe else text,
                  extra_tags=message.extra_tags)
    out.lang = lang
    return out


class Storage(FallbackStorage):
    """Django's fallback storage that keeps messages in envelopes (:func:`later`, or finished
    words with their language) and opens them when they are shown."""

    def add(self, level: int, message: object, extra_tags: str = "") -> None:
        if message and not (isinstance(message, str) and message.startswith(MARK)):
            message = MARK + json.dumps({"text": str(message), "lang": _language(),
                                         "safe": isinstance(message, SafeData)},
                                        ensure_ascii=False)
        super().add(level, message, extra_tags)

    def __iter__(self):
        return (shown(m) for m in list(super().__iter__()))
