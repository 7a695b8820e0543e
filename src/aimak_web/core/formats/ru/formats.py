"""Russian number formats with a thin space between thousands (as the helpers of core.text)."""

from django.conf.locale.ru.formats import *  # noqa: F403

THOUSAND_SEPARATOR = "\u202f"  # narrow no-break (thin) space
