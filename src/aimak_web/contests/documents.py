"""Printed and exported documents: certificates (PDF, WeasyPrint), all scores (XLSX, openpyxl)."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

from aimak_web.core.exports import append_row, xlsx_bytes

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
    css = weasyprint.CSS(string=CERTIFICATE_CSS.read_text(encoding="utf-8"))
    return weasyprint.HTML(string=html, url_fetcher=_no_urls).write_pdf(stylesheets=[css])


def scores_xlsx(edition: Edition) -> bytes:
    """Every score of the edition (one row per juror, application and criterion), the results
    and the key from codes to municipalities; juror comments stay text (``append_row``)."""
    from openpyxl import Workbook

    from .results import compute

    wb = Workbook()
    ws = wb.active
    ws.title = "scores"
    append_row(ws, ["code", "municipality", "juror", "criterion", "weight", "score", "comment",
                    "updated_at"])
    scores = (Score.objects.filter(juror__edition=edition)
              .select_related("application__municipality", "juror__user", "criterion")
              .order_by("application__code", "juror_id", "criterion__order", "criterion_id"))
    for s in scores:
        append_row(ws, [s.application.code, s.application.municipality.name_ru,
                        str(s.juror.user), s.criterion.title_ru, s.criterion.weight, s.value,
                        s.comment, s.updated_at.replace(tzinfo=None)])
    res = wb.create_sheet("results")
    criteria = list(edition.criteria.all())
    append_row(res, ["rank", "code", "municipality", "category", "score", "jurors", "prize_som",
                     *[c.title_ru for c in criteria]])
    for r in compute(edition):
        append_row(res, [r.rank, r.code, r.municipality_ru, r.category, r.score, r.n_jurors,
                         r.prize, *[r.by_criterion.get(c.key) for c in criteria]])
    jurors = wb.create_sheet("jurors")
    append_row(jurors, ["juror", "conflicts declared"])
    for j in JuryMember.objects.filter(edition=edition).select_related("user"):
        append_row(jurors, [str(j.user), j.conflicts_declared_at.replace(tzinfo=None)
                            if j.conflicts_declared_at else None])
    return xlsx_bytes(wb)
