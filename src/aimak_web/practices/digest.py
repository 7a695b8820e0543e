"""The digest: newly published practices by theme, by e-mail and as a printable PDF collection."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import MembershipStatus, Practice, Status, Subscription


def published_between(start: datetime, end: datetime, themes=None):
    qs = (Practice.objects.filter(status=Status.PUBLISHED, published_at__gte=start,
                                  published_at__lt=end)
          .select_related("theme", "subtheme", "submitter", "body")
          .prefetch_related("municipalities", "evidence").order_by("theme__order", "published_at"))
    if themes:
        qs = qs.filter(theme__in=themes)
    return qs


def collection_pdf(practices, start: datetime, end: datetime) -> bytes:
    """A printable collection (WeasyPrint) of ``practices``."""
    from .pdf import render_pdf

    html = render_to_string("practices/digest_pdf.html", {
        "practices": practices, "start": start, "end": end})
    return render_pdf(html, [Path(__file__).parent / "static" / "practices" / "digest.css"])


def send_digests(end: datetime | None = None, days: int = 7, lang: str = "ru") -> int:
    """Send each subscriber (free member or paid) the practices of their themes published in
    the ``days`` before ``end``; returns the number of e-mails sent."""
    end = end or timezone.now()
    start = end - timedelta(days=days)
    sent = 0
    subs = (Subscription.objects.filter(active=True, user__email__isnull=False)
            .select_related("user__municipality").prefetch_related("themes"))
    with translation.override(lang):
        for sub in subs:
            if sub.effective_status() == MembershipStatus.UNPAID or not sub.user.email:
                continue
            practices = list(published_between(start, end, list(sub.themes.all()) or None))
            if not practices:
                continue
            body = render_to_string("practices/digest_email.txt", {
                "practices": practices, "start": start, "end": end, "user": sub.user})
            mail = EmailMessage(_("aimak digest of practices"), body, to=[sub.user.email])
            mail.attach("aimak-practices.pdf", collection_pdf(practices, start, end),
                        "application/pdf")
            mail.send()
            sub.last_sent_at = end
            sub.save(update_fields=["last_sent_at"])
            sent += 1
    return sent
