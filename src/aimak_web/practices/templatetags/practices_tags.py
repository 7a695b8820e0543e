"""Template helpers of the portal: the badge of what a submitter states about their own work."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def stated(detail: str = ""):
    """A badge saying the figure is the submitter's own statement, not a measured or official
    figure (distinct from the platform's "observed" badge)."""
    return format_html('<span class="prov prov-stated" title="{}">{}</span>', detail,
                       _("stated by the submitter"))
