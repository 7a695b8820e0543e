"""Uploaded tables (CSV, XLSX) read through the core, and their problems by row and column.

Every upload of the platform (residents lists, budget templates) is read the same way: the file is
written to a temporary folder, read with the core's ``aimak.io.read_table``, and any failure
becomes a problem in the user's language that names the file as the user called it, never a
traceback. A file with any problem changes nothing; the callers check the rows.

Before a table is parsed it is measured (``AIMAK_UPLOAD_MAX_UNPACKED``, ``_MAX_ROWS``,
``_MAX_CELLS``): an XLSX's unpacked size from its zip directory, its rows and cells streamed
read-only with openpyxl (stopping at the limit), a CSV's lines; a few megabytes that unpack to a
million cells are refused in a second instead of filling the worker's memory. Images are
measured by their header (``check_image``) before any pixel is decoded.
"""

from __future__ import annotations

import tempfile
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from PIL import Image

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

    def as_html(self) -> SafeString:
        """The same words, the column's header marked as the file's literal text (``<code>``):
        a header such as ``phone`` is the file's, not a word of the page's language."""
        where = []
        if self.row is not None:
            where.append(escape(_("row %(row)s") % {"row": self.row}))
        if self.column:
            where.append(escape(_("column «%(column)s»")) % {
                "column": format_html("<code>{}</code>", self.column)})
        return mark_safe((", ".join(where) + ": " if where else "") + escape(self.message))


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
        too_big = _measure(path, suffix)
        if too_big is not None:
            return None, [RowProblem(None, None, too_big)]
        try:
            return read_table(path), []
        except (AimakError, ValueError, KeyError, OSError) as exc:
            return None, [RowProblem(None, None, str(exc).replace(str(path), upload.name))]
        except Exception:  # any reader failure on a corrupt file is the user's, not a 500
            return None, [RowProblem(None, None, _("the file cannot be read as a spreadsheet"))]


def _measure(path: Path, suffix: str) -> str | None:
    """Why the table is too large to parse, or None; read without building it."""
    max_rows, max_cells = settings.AIMAK_UPLOAD_MAX_ROWS, settings.AIMAK_UPLOAD_MAX_CELLS
    rows_message = _("the table has more than %(rows)s rows; split it into smaller files")
    if suffix == ".csv":
        with path.open("rb") as fh:
            for n, _line in enumerate(fh):
                if n > max_rows:  # the header is line 0
                    return rows_message % {"rows": max_rows}
        return None
    if suffix != ".xlsx":
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile:
        return None  # the reader says the file is not a spreadsheet
    limit = settings.AIMAK_UPLOAD_MAX_UNPACKED
    if unpacked > limit:
        return _("the file unpacks to more than %(mb)s MB; a table of this kind is far smaller")\
            % {"mb": limit // (1024 * 1024) or 1}
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        return None
    try:
        rows = cells = 0
        for row in book.worksheets[0].iter_rows(values_only=True):
            rows, cells = rows + 1, cells + len(row)
            if rows > max_rows + 1:
                return rows_message % {"rows": max_rows}
            if cells > max_cells:
                return _("the table has more than %(cells)s cells") % {"cells": max_cells}
    finally:
        book.close()
    return None


def check_image(upload) -> None:
    """Refuse an image whose pixels exceed ``AIMAK_IMAGE_MAX_PIXELS``, from its header alone
    (a small PNG can hold hundreds of millions of pixels). A file Pillow cannot identify is
    left to the caller's own check."""
    limit = settings.AIMAK_IMAGE_MAX_PIXELS
    too_large = ValidationError(_("The image is too large: at most %(max)s million pixels are "
                                  "accepted.") % {"max": limit // 1_000_000})
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as img:
                width, height = img.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except Exception:
        return
    finally:
        upload.seek(0)
    if width * height > limit:
        raise too_large


def cell(value: object, *, whole_numbers: bool = False) -> str:
    """A cell as stripped text; empty for blanks and NaN.

    ``whole_numbers`` writes 7.0 as "7" (a spreadsheet reads a phone or a code as a float).
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if whole_numbers and isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
