"""Printed and exported documents: certificates (PDF, WeasyPrint), all scores (XLSX, openpyxl)."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from aimak_web.core.exports import append_row, cached_document, xlsx_bytes
from aimak_web.core.text import name_in_language

from .models import Edition, JuryMember, Score

CERTIFICATE_CSS = Path(__file__).parent / "static" / "contests" / "certificate.css"


def _no_urls(url: str, *args: object, **kwargs: object) -> dict:
    """The certificate loads nothing from the network or the disk."""
    raise ValueError(f"the certificate does not load external resources ({url})")


def certificate_pdf(edition: Edition, row: dict, lang: str, site: str) -> bytes:
    """A winner's certificate in Russian or Kyrgyz."""
    import weasyprint

    with translation.override(lang):
        title = (edition.title_ky if lang == "ky" else "") or edition.title_ru
        name = row["municipality_ky"] if lang == "ky" else row["municipality_ru"]
        html = render_to_string("contests/certificate.html", {
            "edition": edition, "row": row, "title": title, "name": name, "lang": lang,
            "site": site})
    style = CERTIFICATE_CSS.read_text(encoding="utf-8")
    return cached_document(html + style, lambda: weasyprint.HTML(
        string=html, url_fetcher=_no_urls).write_pdf(stylesheets=[weasyprint.CSS(string=style)]))


def _local(moment):
    """A moment as the platform's local wall-clock time (spreadsheets have no time zones)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def scores_xlsx(edition: Edition) -> bytes:
    """Every score of the edition (one row per juror, application and criterion), the results
    and the key from codes to municipalities, headed in the reader's language, times in the
    platform's time zone; juror comments stay text (``append_row``)."""
    from openpyxl import Workbook

    from .results import compute

    zone = timezone.get_current_timezone_name()
    lang = get_language()
    wb = Workbook()
    ws = wb.active
    ws.title = _("Scores")
    append_row(ws, [_("Code"), _("Municipality"), _("Jury member"), _("Criterion"),
                    _("Weight"), _("Score"), _("Comment"),
                    _("Changed (%(zone)s)") % {"zone": zone}])
    scores = (Score.objects.filter(juror__edition=edition)
              .select_related("application__municipality", "juror__user", "criterion")
              .order_by("application__code", "juror_id", "criterion__order", "criterion_id"))
    for s in scores:
        append_row(ws, [s.application.code, name_in_language(s.application.municipality),
                        str(s.juror.user), _title(s.criterion, lang), s.criterion.weight,
                        s.value, s.comment, _local(s.updated_at)])
    res = wb.create_sheet(_("Results"))
    criteria = list(edition.criteria.all())
    append_row(res, [_("Place"), _("Code"), _("Municipality"), _("Category"), _("Score"),
                     _("Jury members"), _("Prize, som"), *[_title(c, lang) for c in criteria]])
    for r in compute(edition):
        name = {"ky": r.municipality_ky, "en": r.municipality_en}.get(lang) or r.municipality_ru
        append_row(res, [r.rank, r.code, name,
                         r.category, r.score, r.n_jurors, r.prize,
                         *[r.by_criterion.get(c.key) for c in criteria]])
    jurors = wb.create_sheet(_("Jury"))
    append_row(jurors, [_("Jury member"),
                        _("Conflicts declared (%(zone)s)") % {"zone": zone}])
    for j in JuryMember.objects.filter(edition=edition).select_related("user"):
        append_row(jurors, [str(j.user), _local(j.conflicts_declared_at)])
    return xlsx_bytes(wb)


def _title(criterion, lang: str) -> str:
    return (criterion.title_ky if lang == "ky" else "") or criterion.title_ru
