"""Small bar charts as inline SVG (no plotting library, so HTML and PDF show the same drawing)."""

from __future__ import annotations

import math
from html import escape

#: Bar colours: today's municipalities in grey, proposed plans in blue.
CURRENT_COLOUR = "#9e9e9e"
PLAN_COLOUR = "#3b75af"


def bar_chart(title: str, labels: list[str], values: list[float], texts: list[str],
              highlight: list[bool] | None = None, width: int = 480) -> str:
    """A horizontal bar chart, one bar per label; ``texts`` are the formatted values shown.

    ``highlight`` marks bars drawn in the 'current' colour (today's map as a reference).
    """
    label_w, bar_h, gap, top = 190, 18, 6, 28
    plot_w = width - label_w - 70
    finite = [v for v in values if v is not None and math.isfinite(v)]
    vmax = max([abs(v) for v in finite] + [1e-12])
    height = top + len(labels) * (bar_h + gap) + 4
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
           f'font-family="DejaVu Sans" font-size="11">',
           f"<title>{escape(title)}</title>",
           f'<text x="0" y="16" font-weight="bold" font-size="12">{escape(title)}</text>']
    for i, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        y = top + i * (bar_h + gap)
        ok = value is not None and math.isfinite(value)
        w = plot_w * abs(value) / vmax if ok else 0.0
        colour = CURRENT_COLOUR if highlight and highlight[i] else PLAN_COLOUR
        short = label if len(label) <= 26 else label[:25] + "…"
        out.append(f'<text x="{label_w - 6}" y="{y + bar_h - 5}" text-anchor="end">'
                   f"{escape(short)}</text>")
        out.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                   f'fill="{colour}"/>')
        out.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 5}">'
                   f"{escape(text)}</text>")
    out.append("</svg>")
    return "".join(out)
