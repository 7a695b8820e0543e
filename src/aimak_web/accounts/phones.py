"""Phone numbers in E.164 form, Kyrgyzstan (+996) by default (the ``phonenumbers`` library)."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "KG"


def normalize_phone(text: str) -> str | None:
    """``'0555 123 456'`` -> ``'+996555123456'``; None when ``text`` is not a valid number."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
