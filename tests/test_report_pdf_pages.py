"""Every PDF page holds all of its text (checked with pdfplumber), in ru, ky and en.

The SYNTHETIC report fixture of test_report_outputs is made harder: seven plans with long
titles (the comparison needs more columns than fit across A4) and a long text row, as the
criteria violations of today's map under every scenario are.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pdfplumber = pytest.importorskip("pdfplumber")

from aimak.report import PlanReport, write_report  # noqa: E402
from aimak.report.format import MetricTable  # noqa: E402
from test_report_outputs import synthetic_inputs  # noqa: E402 (tests/ is on sys.path)


def chars_outside(path: Path) -> list[tuple[int, str]]:
    """(page number, text) of every character drawn outside its page box."""
    found = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            x0, top, x1, bottom = page.bbox
            for c in page.chars:
                if (c["x0"] < x0 - 0.5 or c["x1"] > x1 + 0.5 or c["top"] < top - 0.5
                        or c["bottom"] > bottom + 0.5):
                    found.append((number, c["text"]))
    return found


def crowded_inputs(lang: str):
    inputs = synthetic_inputs(lang)
    base = inputs.plans["merge_ab"]
    rows = [inputs.comparison]
    for k in range(5):
        key = f"variant_{k}"
        title = f"Variant {k}: accessibility first, with a deliberately long descriptive title"
        inputs.plans[key] = PlanReport(title, base.mapping, base.units, base.criteria,
                                       base.summary, description=base.description)
        row = inputs.comparison[inputs.comparison["plan"] == "merge_ab"].copy()
        row["plan"], row["title"] = key, title
        rows.append(row)
    comparison = pd.concat(rows, ignore_index=True)
    comparison["violated_criteria"] = [
        "; ".join(f"Scenario number {k} with a long title: {3 * k}" for k in range(6))
        if p == "current" else "" for p in comparison["plan"]]
    inputs.comparison = comparison
    return inputs


@pytest.mark.parametrize("lang", ["ru", "ky", "en"])
def test_no_text_outside_any_pdf_page(tmp_path: Path, lang: str) -> None:
    written = write_report(crowded_inputs(lang), tmp_path, formats=("pdf",))
    outside = chars_outside(written["pdf"])
    assert outside == [], f"{len(outside)} characters outside the page: {outside[:40]}"
    with pdfplumber.open(written["pdf"]) as pdf:
        words = [w["text"] for page in pdf.pages for w in page.extract_words()]
    # the split comparison still shows every plan title and the long text in full
    assert words.count("deliberately") >= 5
    assert words.count("Scenario") == 6


def test_metric_table_split_keeps_rows_and_columns() -> None:
    table = MetricTable(["a", "b", "c", "d", "e"],
                        [("units", "modelled", ["1", "2", "3", "4", "5"]),
                         ("note", "modelled", ["x", "", "", "", ""])], [True, False])
    parts = table.split(2)
    assert [p.headers for p in parts] == [["a", "b"], ["c", "d"], ["e"]]
    assert [p.rows[0][2] for p in parts] == [["1", "2"], ["3", "4"], ["5"]]
    assert all(p.is_numeric(0) and not p.is_numeric(1) for p in parts)
    with pytest.raises(ValueError):
        table.split(0)
