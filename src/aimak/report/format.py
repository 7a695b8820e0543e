"""Numbers and tables as people in each language read them.

Russian and Kyrgyz group thousands with a (no-break) space and use a decimal comma; English uses
a comma and a decimal point. Missing values show as an en dash, never as 'nan'.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from aimak.i18n import _, fmt_number


@dataclass
class Table:
    """A table ready for HTML/PDF: translated headers, formatted cells, provenance per column."""

    headers: list[str]
    rows: list[list[str]]
    provenance: list[str]
    numeric: list[bool]
    keys: list[str]


def build_table(frame: pd.DataFrame, columns: dict[str, tuple[str, str, str]], lang: str,
                extra: dict[str, list[str]] | None = None) -> Table:
    """Lay out the columns of ``frame`` named in ``columns`` (in that order) when present.

    ``extra`` replaces a column's raw values by ready-made text (e.g. centre names).
    """
    keys = [c for c in columns if c in frame.columns]
    headers = [_(columns[c][0]) for c in keys]
    kinds = [columns[c][1] for c in keys]
    rows: list[list[str]] = []
    extra = extra or {}
    values = {c: (extra[c] if c in extra else frame[c].tolist()) for c in keys}
    for i in range(len(frame)):
        rows.append([fmt_number(values[c][i], k if c not in extra else "text", lang)
                     for c, k in zip(keys, kinds, strict=True)])
    return Table(headers, rows, [columns[c][2] for c in keys],
                 [k != "text" for k in kinds], keys)


@dataclass
class MetricTable:
    """A table turned sideways: one row per indicator, one column per item (e.g. per plan).

    ``numeric`` says per row whether its cells are numbers (kept on one line) or text (which
    may wrap); rows are numeric when it is empty.
    """

    headers: list[str]
    rows: list[tuple[str, str, list[str]]]
    numeric: list[bool] = field(default_factory=list)

    def is_numeric(self, i: int) -> bool:
        return self.numeric[i] if self.numeric else True

    def split(self, size: int) -> list[MetricTable]:
        """The same table as parts of at most ``size`` item columns each (for printed pages)."""
        if size < 1:
            raise ValueError("size must be at least 1")
        parts = [MetricTable(self.headers[a:a + size],
                             [(h, p, cells[a:a + size]) for h, p, cells in self.rows],
                             self.numeric)
                 for a in range(0, len(self.headers), size)]
        return parts or [self]


def sideways(table: Table, label_key: str = "title") -> MetricTable:
    """Turn ``table`` so that its ``label_key`` column becomes the header row."""
    j = table.keys.index(label_key)
    headers = [row[j] for row in table.rows]
    keep = [i for i in range(len(table.headers)) if i != j]
    rows = [(table.headers[i], table.provenance[i], [row[i] for row in table.rows])
            for i in keep]
    return MetricTable(headers, rows, [table.numeric[i] for i in keep])
