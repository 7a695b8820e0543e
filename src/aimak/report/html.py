"""The interactive report: one self-contained HTML file (inline SVG map, CSS, JS and data)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from aimak.io import atomic_path
from aimak.report.model import ReportInputs
from aimak.report.render import asset, render
from aimak.report.views import build_context


def render_html(inputs: ReportInputs, layers: dict[str, gpd.GeoDataFrame]) -> str:
    """The report as HTML text that needs nothing but a browser (no network, no files)."""
    context = build_context(inputs, layers, interactive=True)
    context["css"] = asset("report.css")
    context["js"] = asset("map.js")
    return render("report.html", context)


def write_html(inputs: ReportInputs, layers: dict[str, gpd.GeoDataFrame], path: Path) -> Path:
    """Write ``report.html`` atomically."""
    text = render_html(inputs, layers)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
