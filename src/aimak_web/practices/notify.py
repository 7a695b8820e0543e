"""The submitter hears of a moderator's step (a request for changes, publication, rejection) by
e-mail; the same request waits on their desk ("My practices")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .mail import send_to_user, site_url

SUBJECTS = {
    "request_changes": _("The moderator asks for changes to your practice"),
    "publish": _("Your practice is published"),
    "reject": _("Your practice was not accepted"),
}


def notify_submitter(item, step: str) -> bool:
    """E-mail the submitter of ``item`` (a practice or a journal item) about ``step``."""
    return send_to_user(item.submitter, SUBJECTS[step], "practices/notify_email.txt", {
        "item": item, "step": step, "url": site_url(item.get_absolute_url())})
