"""The printable report: static SVG maps and the same tables, typeset by WeasyPrint."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from aimak.errors import AimakError
from aimak.io import atomic_path
from aimak.report.model import ReportInputs
from aimak.report.render import asset, render
from aimak.report.views import build_context


class PdfUnavailableError(AimakError):
    """WeasyPrint or the system libraries it needs (Pango) are missing."""


def render_pdf_html(inputs: ReportInputs, layers: dict[str, gpd.GeoDataFrame]) -> str:
    """The print version as HTML (static maps, no scripts)."""
    context = build_context(inputs, layers, interactive=False)
    context["css"] = asset("pdf.css")
    return render("report_pdf.html", context)


def _refuse_urls(url: str, *args: object, **kwargs: object) -> dict:
    """URL fetcher that fetches nothing: the report must not depend on the network."""
    raise ValueError(f"the PDF report does not load external resources ({url})")


def write_pdf(inputs: ReportInputs, layers: dict[str, gpd.GeoDataFrame], path: Path) -> Path:
    """Write ``report.pdf`` atomically."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise PdfUnavailableError(
            "cannot write the PDF report: WeasyPrint or its system libraries are missing "
            f"({exc}); on Debian install 'libpango-1.0-0 libpangoft2-1.0-0', or leave 'pdf' "
            "out of the formats") from exc
    text = render_pdf_html(inputs, layers)
    document = weasyprint.HTML(string=text, url_fetcher=_refuse_urls)
    with atomic_path(path) as tmp:
        document.write_pdf(tmp)
    return Path(path)
