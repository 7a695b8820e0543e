"""A forecast chart: each entity's published values, its forecast and the interval band
(matplotlib). Published values are solid with markers, forecasts dashed from the last published
value, so the two cannot be taken for each other; an optional note (the sources) goes under it."""

from __future__ import annotations

import io

import pandas as pd


def forecast_svg(history: pd.DataFrame, forecast: pd.DataFrame, title: str, ylabel: str,
                 entities: list[str] | None = None, band_label: str = "interval",
                 forecast_label: str = "forecast", names: dict[str, str] | None = None,
                 actual_label: str | None = None, note: str | None = None) -> str:
    """An SVG chart (text) of up to six entities: solid history, dashed forecast, shaded band.
    ``names`` shows entities under other names (the reader's language); ``note`` is printed
    under the chart (e.g. the sources)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = names or {}
    entities = (entities or sorted(forecast["entity"].unique()))[:6]
    fig, ax = plt.subplots(figsize=(7.5, 3.8 if note else 3.6), dpi=100)
    for i, entity in enumerate(entities):
        colour = f"C{i}"
        h = history[history["entity"] == entity].sort_values("year")
        f = forecast[forecast["entity"] == entity].sort_values("year")
        ax.plot(h["year"], h["value"], "o-", color=colour, lw=1.5, ms=3,
                label=str(names.get(entity, entity)))
        if len(h) and len(f):
            ax.plot([h["year"].iloc[-1], *f["year"]], [h["value"].iloc[-1], *f["value"]],
                    "--", color=colour, lw=1.5)
            ax.fill_between(f["year"], f["lower"], f["upper"], color=colour, alpha=0.15, lw=0)
    if actual_label:
        ax.plot([], [], "o-", color="grey", ms=3, label=actual_label)
    ax.plot([], [], "--", color="grey", label=forecast_label)
    ax.fill_between([], [], [], color="grey", alpha=0.15, label=band_label)
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2, frameon=False)
    if note:
        fig.text(0.01, 0.01, note, fontsize=6, color="#444", wrap=True)
    fig.tight_layout(rect=(0, 0.05 if note else 0, 1, 1))
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]
