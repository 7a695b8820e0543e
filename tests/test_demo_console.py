"""The console summary of ``aimak demo``/``analyze``: one language, and it fits 80 columns.

The result is a stand-in with the shapes the pipeline returns (SYNTHETIC figures), so that the
check runs in a second instead of a whole pipeline run.
"""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from aimak.cli.demo import _print_result
from aimak.i18n import _, use_language
from aimak.manifest import stage_label

TITLES = ["Today's municipalities", "Accessibility (Ukraine 2015 methodology)",
          "Moderate (assumption for discussion)", "Population threshold (Denmark 2007)"]


def _result() -> SimpleNamespace:
    settlements = pd.DataFrame({"population": [1200.0, 800.0, 300.0, 7000.0],
                                "population_source": ["official", "estimated", "estimated",
                                                      "estimated"]})
    comparison = pd.DataFrame({
        "plan": ["current", "accessibility", "moderate", "population"],
        "title": TITLES,
        "units": [76, 40, 42, 26],
        "smallest_unit_population": [2172.0, 3957.0, 3957.0, 8350.0],
        "mean_minutes_to_centre": [9.2, 14.2, 13.7, 19.6],
        "share_within_30_min": [0.91, 0.87, 0.86, 0.77],
        "self_containment": [0.25, 0.53, 0.48, 0.71],
        "violations": [np.nan, 0, 0, 0],
        "violated_criteria": ["; ".join(f"{_(t)}: {n}" for t, n in zip(TITLES[1:], (0, 19, 60),
                                                                        strict=True)),
                              "", "", ""],
    })
    return SimpleNamespace(
        dataset=SimpleNamespace(settlements=settlements,
                                municipalities=pd.DataFrame({"code": range(76)})),
        times=pd.DataFrame({"mode": ["terrain"] * 3, "provenance": ["modelled"] * 3}),
        flows=pd.DataFrame({"source": ["modelled"] * 5}),
        zone_metrics={"method": "lma", "n_zones": 46, "share_inside": 0.78,
                      "adjusted_rand_index": 0.37, "split_municipalities": 44},
        comparison=comparison,
        plans={"accessibility": {"title": TITLES[1]},
               "strict": {"title": "Strict", "infeasible": "no plan meets the criteria"}},
        cache_hits=["dataset", "times", "plan-accessibility"],
        methods={"zones": "—"},
        files={"html": "/tmp/out/report.html"},
    )


def _printed(lang: str) -> str:
    console = Console(width=80, record=True, file=io.StringIO(), color_system=None)
    with use_language(lang):
        _print_result(console, _result(), lang)
    return console.export_text()


@pytest.mark.parametrize("lang", ["ru", "ky", "en"])
def test_console_fits_80_columns_and_keeps_titles_whole(lang: str) -> None:
    text = _printed(lang)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in text
    with use_language(lang):
        for i, title in enumerate(TITLES):
            assert f"  {i}: {_(title)}" in lines  # the legend of the numbered table
    # the table: one line per plan, its number first, every figure on that line
    rows = [line for line in lines if re.match(r"\s*[0-3]\s+(76|40|42|26)\s", line)]
    assert len(rows) == 4
    assert "172" in rows[0] and "91" in rows[0] and "25" in rows[0]
    # the last column (violations) is whole: a dash for today's map, 0 for the plans
    assert rows[0].rstrip().endswith("–")
    assert all(r.rstrip().endswith(" 0") for r in rows[1:])


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_console_speaks_the_report_language_only(lang: str) -> None:
    text = _printed(lang)
    lines = [line for line in text.splitlines() if "/tmp/out" not in line]  # file paths
    latin = set(re.findall(r"[A-Za-z]{3,}", "\n".join(lines)))
    # proper names and abbreviations only: the method's name and the infeasible plan's title
    # and message, which come from the user's criteria file as written
    assert latin <= {"LMA", "Strict", "plan", "meets", "the", "criteria"}, latin
    assert "Dataset" not in text and "Plans compared" not in text


def test_step_names_are_translated() -> None:
    """Every step of the manifest, and a scenario's stage, in each language (the CLI and the
    platform's job pages say them through ``stage_label``)."""
    from aimak.manifest import STEPS

    with use_language("ru"):
        assert stage_label("times") == "время в пути"
        assert stage_label("plans:moderate") == "план: moderate"
        assert stage_label("plan-moderate") == "план: moderate"
        assert stage_label("unknown step") == "unknown step"
    for lang in ("ru", "ky"):
        for step in STEPS:
            assert stage_label(step, lang) != STEPS[step], (lang, step)
