"""A histogram of the ensemble drawn as SVG on the server (no script, no inline style): each
compared scenario is a marked line with its share of sampled plans at or below its value.

SVG coordinates are strings made here, so that the template's number localisation (a decimal
comma in Russian) never reaches an SVG attribute."""

from __future__ import annotations

import numpy as np

from aimak.i18n import fmt_number
from aimak_web.core.text import reader_language

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 220, 40, 30, 10


def histogram(values: list[float], marks: list[tuple[str, float]], bins: int = 24) -> dict:
    """Bars and marks in SVG coordinates; the scale spans the sample and every mark."""
    v = np.asarray(values, float)
    lo = min([float(v.min())] + [m for _, m in marks])
    hi = max([float(v.max())] + [m for _, m in marks])
    if hi - lo < 1e-9:
        hi = lo + 1.0
    pad = (hi - lo) * 0.04
    lo, hi = lo - pad, hi + pad
    counts, edges = np.histogram(v, bins=bins)
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP

    def x(val: float) -> float:
        return round(LEFT + (val - lo) / (hi - lo) * plot_w, 1)

    def c(val: float) -> str:
        return f"{val:.1f}"

    top = max(int(counts.max()), 1)
    bars = []
    for n, a, b in zip(counts.tolist(), edges[:-1].tolist(), edges[1:].tolist(), strict=True):
        h = n / top * plot_h
        bars.append({"x": c(x(a)), "w": c(max(x(b) - x(a) - 1, 0.5)),
                     "y": c(TOP + plot_h - h), "h": c(h), "count": n, "a": f"{a:.2f}",
                     "b": f"{b:.2f}", "left": x(a)})
    out_marks = [{"label": label, "value": round(m, 1), "x": c(x(m)), "left": x(m),
                  "share": float((v <= m + 1e-12).mean()), "n": i + 1}
                 for i, (label, m) in enumerate(marks)]
    lang = reader_language()
    ticks = [{"x": c(x(t)), "label": fmt_number(t, "float1", lang)}  # text, not an attribute
             for t in np.linspace(lo + pad, hi - pad, 5)]
    return {"width": str(WIDTH), "height": str(HEIGHT), "bars": bars, "marks": out_marks,
            "ticks": ticks, "axis_y": str(TOP + plot_h), "tick_y": str(TOP + plot_h + 16),
            "top": str(TOP), "label_y": str(TOP + 10), "left": str(LEFT),
            "right": str(WIDTH - 10), "max_count": top}
