"""Uploaded tables (CSV, XLSX) read through the core, and their problems by row and column.

Every upload of the platform (residents lists, budget templates) is read the same way: the file is
written to a temporary folder, read with the core's ``aimak.io.read_table``, and any failure
becomes a problem in the user's language that names the file as the user called it, never a
traceback. A file with any problem changes nothing; the callers check the rows.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.utils.translation import gettext as _

from aimak.errors import AimakError
from aimak.io import read_table


@dataclass
class RowProblem:
    """One problem of an uploaded file: the row as the spreadsheet numbers it, and the column."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("column «%(column)s»") % {"column": self.column})
        return (", ".join(where) + ": " if where else "") + self.message


def read_upload(upload, suffixes: Sequence[str] | None = None
                ) -> tuple[pd.DataFrame | None, list[RowProblem]]:
    """The uploaded table, or ``None`` and the reason it cannot be read.

    ``suffixes`` limits the file types (e.g. ``(".xlsx", ".csv")``); the core's reader decides
    otherwise. A corrupt spreadsheet is a problem, not a server error.
    """
    suffix = Path(upload.name).suffix.lower()
    if suffixes is not None and suffix not in suffixes:
        return None, [RowProblem(None, None, _("expected an .xlsx or .csv file, got «%(s)s»")
                                 % {"s": suffix or "?"})]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with path.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        try:
            return read_table(path), []
        except (AimakError, ValueError, KeyError, OSError) as exc:
            return None, [RowProblem(None, None, str(exc).replace(str(path), upload.name))]
        except Exception:  # any reader failure on a corrupt file is the user's, not a 500
            return None, [RowProblem(None, None, _("the file cannot be read as a spreadsheet"))]


def cell(value: object, *, whole_numbers: bool = False) -> str:
    """A cell as stripped text; empty for blanks and NaN.

    ``whole_numbers`` writes 7.0 as "7" (a spreadsheet reads a phone or a code as a float).
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if whole_numbers and isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
