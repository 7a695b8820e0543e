"""What a hearing hands out: the A4 notice (with a QR code) and the minutes as PDF, and the
one-SMS announcement.

The PDFs are typeset by WeasyPrint from Django templates in the requested language (ru or ky);
nothing is fetched from the network. The QR code (``qrcode``) is inline SVG. The SMS is measured
as an SMS centre counts it (``gsm0338`` for the GSM 03.38 alphabet) and carries the short link
``/h/<id>``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from aimak_web.core.exports import cached_document

from . import budget as budget_data
from . import clock, services
from .models import Hearing

PDF_LANGUAGES = ("ru", "ky")


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
                 .order_by("created_at", "pk"))
    with override(lang if lang in PDF_LANGUAGES else "ru"):  # names in the PDF's language
        merger = services.merger_summary(hearing)
    return _pdf("hearings/pdf/minutes.html", {
        "hearing": hearing, "proposals": proposals, "generated": clock.now(),
        "merger": merger}, lang)


#: One SMS: 160 characters of the GSM 03.38 alphabet (Latin), else 70 UCS-2 characters.
SMS_GSM, SMS_UCS2 = 160, 70


def sms_size(text: str) -> tuple[int, int]:
    """(length, limit) of ``text`` as one SMS counts it: GSM 03.38 septets (an extension
    character such as € counts two) against 160 when the text is all GSM, else UTF-16 units
    against 70 (Cyrillic, and the Kyrgyz ө ү ң, need UCS-2)."""
    import gsm0338  # noqa: F401 - registers the "gsm03.38" codec

    try:
        return len(text.encode("gsm03.38")), SMS_GSM
    except UnicodeEncodeError:
        return len(text.encode("utf-16-le")) // 2, SMS_UCS2


def fits_one_sms(text: str) -> bool:
    length, limit = sms_size(text)
    return length <= limit


def short_link(hearing: Hearing, lang: str, request=None) -> str:
    """``host/h/<id>`` (``host/ky/h/<id>`` for Kyrgyz): short, stable, always the hearing."""
    with override(lang):
        path = reverse("hearing_short", args=[hearing.pk])
    host = request.get_host() if request is not None else \
        urlsplit(settings.AIMAK_SITE_URL).netloc
    return f"{host}{path}"


def sms_text(hearing: Hearing, request=None, lang: str = "ru") -> str:
    """The announcement in one SMS: subject and year, the meeting's date and time, the place
    (cut, or left out, to fit) and the short link, which is always whole."""
    lang = lang if lang in ("ru", "ky", "en") else "ru"
    with override(lang):
        subject = {"draft_budget": _("budget"), "execution_report": _("budget report"),
                   "merger": _("merger"), "other": ""}[hearing.subject]
        head = " ".join((_("Hearing %(subject)s %(year)s") % {
            "subject": subject, "year": hearing.year}).split())
    when = timezone.localtime(hearing.meeting_at).strftime("%d.%m %H:%M") \
        if hearing.meeting_at else ""
    link = short_link(hearing, lang, request)

    def compose(place: str) -> str:
        text = " ".join(p for p in (head, when) if p)
        return f"{text}, {place} {link}" if place else f"{text} {link}"

    place = " ".join(hearing.meeting_place.split())
    text = compose(place)
    # a Latin text stays in the GSM alphabet when cut ("..."); a Cyrillic one is UCS-2 anyway
    ellipsis = "..." if sms_size(text)[1] == SMS_GSM else "…"
    for n in range(len(place) - 1, 3, -1):
        if fits_one_sms(text):
            return text
        text = compose(place[:n].rstrip(" ,.;:") + ellipsis)
    return text if fits_one_sms(text) else compose("")
