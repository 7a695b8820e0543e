"""Printed documents of a hearing: the A4 notice (with a QR code) and the minutes, as PDF.

Typeset by WeasyPrint from Django templates in the requested language (ru or ky); nothing is
fetched from the network. The QR code (``qrcode``) is inline SVG.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from aimak_web.core.exports import cached_document

from . import budget as budget_data
from . import clock
from .models import Hearing

PDF_LANGUAGES = ("ru", "ky")
#: One SMS in Cyrillic (UCS-2 encoding) holds 70 characters.
SMS_LIMIT = 70


def _refuse_urls(url: str, *args, **kwargs) -> dict:
    raise ValueError(f"the hearing PDFs do not load external resources ({url})")


def _pdf(template: str, context: dict, lang: str) -> bytes:
    if lang not in PDF_LANGUAGES:
        raise Http404
    import weasyprint

    with override(lang if lang in PDF_LANGUAGES else "ru"):
        html = render_to_string(template, {**context, "LANG": lang})
    return cached_document(
        html, lambda: weasyprint.HTML(string=html, url_fetcher=_refuse_urls).write_pdf())


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an inline SVG element."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(url, image_factory=SvgPathImage, box_size=8, border=2)
    text = image.to_string(encoding="unicode")
    return text[text.index("<svg"):]


def public_url(hearing: Hearing, request=None) -> str:
    path = hearing.get_absolute_url()
    if request is not None:
        return request.build_absolute_uri(path)
    return getattr(settings, "AIMAK_SITE_URL", "http://localhost:8000").rstrip("/") + path


def notice_pdf(hearing: Hearing, lang: str, request=None) -> bytes:
    url = public_url(hearing, request)
    lines = list(hearing.lines.all())
    with override(lang if lang in PDF_LANGUAGES else "ru"):  # column titles: the PDF's
        table = budget_data.table(hearing, lines)
        sections = budget_data.summary(hearing, lines)
    return _pdf("hearings/pdf/notice.html", {
        "hearing": hearing, "url": url, "qr": qr_svg(url), **table, "sections": sections}, lang)


def minutes_pdf(hearing: Hearing, lang: str) -> bytes:
    proposals = (hearing.proposals.select_related("author", "line", "answer")
                 .order_by("created_at"))
    return _pdf("hearings/pdf/minutes.html", {
        "hearing": hearing, "proposals": proposals, "generated": clock.now()}, lang)


def sms_text(hearing: Hearing, request=None, lang: str = "ru") -> str:
    """A one-SMS announcement (at most 70 Cyrillic characters); the place is cut to fit."""
    with override(lang if lang in PDF_LANGUAGES else "ru"):
        when = ""
        if hearing.meeting_at:
            when = timezone.localtime(hearing.meeting_at).strftime("%d.%m %H:%M")
        head = _("Hearing %(subject)s %(year)s") % {
            "subject": {"draft_budget": _("budget"), "execution_report": _("budget report"),
                        "merger": _("merger"), "other": ""}[hearing.subject],
            "year": hearing.year}
        host = request.get_host() if request is not None else ""
        tail = f" {host}{hearing.get_absolute_url()}"
        text = " ".join(p for p in (head.replace("  ", " "), when) if p)
        room = SMS_LIMIT - len(text) - len(tail) - 2
        if hearing.meeting_place and room > 3:
            place = hearing.meeting_place
            text += ", " + (place if len(place) <= room else place[:room - 1] + "…")
        return (text + tail)[:SMS_LIMIT]
