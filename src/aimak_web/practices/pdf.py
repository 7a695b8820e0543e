"""PDFs of the portal and the journal (WeasyPrint), which never fetch anything: every style comes
from a local file and a reference to a URL in the HTML fails instead of leaving the machine."""

from __future__ import annotations

from pathlib import Path


def refuse_urls(url: str, *args, **kwargs) -> dict:
    """WeasyPrint URL fetcher that fetches nothing (like the hearings' and contests' PDFs)."""
    raise ValueError(f"the journal's PDFs do not load external resources ({url})")


def render_pdf(html: str, stylesheets: list[Path]) -> bytes:
    """``html`` typeset with the local ``stylesheets``, URL fetches refused."""
    import weasyprint

    css = [weasyprint.CSS(filename=str(p), url_fetcher=refuse_urls) for p in stylesheets]
    return weasyprint.HTML(string=html, url_fetcher=refuse_urls).write_pdf(stylesheets=css)
