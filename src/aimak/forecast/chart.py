"""A forecast chart: each entity's history, its forecast and the interval band (matplotlib)."""

from __future__ import annotations

import io

import pandas as pd


def forecast_svg(history: pd.DataFrame, forecast: pd.DataFrame, title: str, ylabel: str,
                 entities: list[str] | None = None, band_label: str = "interval",
                 forecast_label: str = "forecast") -> str:
    """An SVG chart (text) of up to six entities: solid history, dashed forecast, shaded band."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    entities = (entities or sorted(forecast["entity"].unique()))[:6]
    fig, ax = plt.subplots(figsize=(7.5, 3.6), dpi=100)
    for i, entity in enumerate(entities):
        colour = f"C{i}"
        h = history[history["entity"] == entity].sort_values("year")
        f = forecast[forecast["entity"] == entity].sort_values("year")
        ax.plot(h["year"], h["value"], "o-", color=colour, lw=1.5, ms=3, label=str(entity))
        if len(h) and len(f):
            ax.plot([h["year"].iloc[-1], *f["year"]], [h["value"].iloc[-1], *f["value"]],
                    "--", color=colour, lw=1.5)
            ax.fill_between(f["year"], f["lower"], f["upper"], color=colour, alpha=0.15, lw=0)
    ax.plot([], [], "--", color="grey", label=forecast_label)
    ax.fill_between([], [], [], color="grey", alpha=0.15, label=band_label)
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2, frameon=False)
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]
