"""Kyrgyz number formats as Russian ones: decimal comma, thin-space thousands (Django's own ky
formats write a decimal point, so "22300.5" on a Kyrgyz page beside "22300,5" on a Russian one)."""

from django.conf.locale.ky.formats import *  # noqa: F403

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u202f"  # narrow no-break (thin) space
NUMBER_GROUPING = 3
