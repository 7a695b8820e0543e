"""A histogram of the ensemble drawn as SVG on the server (no script, no inline style): each
compared scenario is a marked line with its share of sampled plans at or below its value."""

from __future__ import annotations

import numpy as np

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

    top = max(int(counts.max()), 1)
    bars = []
    for c, a, b in zip(counts.tolist(), edges[:-1].tolist(), edges[1:].tolist(), strict=True):
        h = round(c / top * plot_h, 1)
        bars.append({"x": x(a), "w": max(round(x(b) - x(a) - 1, 1), 0.5), "y": TOP + plot_h - h,
                     "h": h, "count": c, "a": round(a, 2), "b": round(b, 2)})
    out_marks = [{"label": label, "value": round(m, 2), "x": x(m),
                  "share": float((v <= m + 1e-12).mean()), "n": i + 1}
                 for i, (label, m) in enumerate(marks)]
    ticks = [{"x": x(t), "label": f"{t:.1f}"} for t in np.linspace(lo + pad, hi - pad, 5)]
    return {"width": WIDTH, "height": HEIGHT, "bars": bars, "marks": out_marks, "ticks": ticks,
            "axis_y": TOP + plot_h, "top": TOP, "left": LEFT, "right": WIDTH - 10,
            "max_count": top}
