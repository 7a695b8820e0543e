"""Files the platform hands out: CSV and XLSX that cannot carry formulas, and safe file names.

Every CSV/XLSX export of the platform goes through this module, so that a proposal title, a
juror's comment or a practice's text typed as ``=HYPERLINK(...)`` reaches a spreadsheet as text,
never as a formula (OWASP's "CSV injection" rule: a cell that starts with ``= + - @``, a tab or
a carriage return is neutralised):

- CSV: such a cell gets a leading apostrophe, which spreadsheets read as "this is text".
- XLSX: every string is written as a text cell (openpyxl otherwise stores a string starting with
  ``=`` as a formula), and a risky one is marked ``quotePrefix`` — what a spreadsheet itself does
  when someone types ``'=...`` — so the text stays exactly as written and stays text when edited.

Numbers, dates and ``None`` pass unchanged. ``defusedcsv`` was not used: it misses the tab and
carriage return of OWASP's current list, rewrites ``|`` inside cells, and covers CSV only.

``attachment`` builds ``Content-Disposition`` with Django's ``content_disposition_header`` (a
quoted, escaped name; RFC 5987 for non-ASCII names), never by formatting a string.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

#: first characters that make a spreadsheet read a cell as a formula (OWASP)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_risky(value: object) -> bool:
    """True for text a spreadsheet would read as the start of a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def neutralise(value: object) -> object:
    """A CSV cell value that a spreadsheet shows as text: risky text gets a leading apostrophe."""
    return "'" + value if is_risky(value) else value


class _SafeWriter:
    """``csv.writer`` whose every cell goes through ``neutralise``."""

    def __init__(self, stream, **kwargs) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[object]):
        return self._writer.writerow([neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **kwargs) -> _SafeWriter:
    """A CSV writer over ``stream`` (anything with ``write``) that neutralises every cell."""
    return _SafeWriter(stream, **kwargs)


def csv_text(header: Sequence[str] | None, rows: Iterable[Sequence[object]]) -> str:
    """The whole CSV as text."""
    out = io.StringIO()
    writer = csv_writer(out)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def dict_rows(fieldnames: Sequence[str], rows: Iterable[dict]) -> Iterable[list[object]]:
    """Dictionaries as lists in ``fieldnames`` order (missing keys empty)."""
    for row in rows:
        yield [row.get(name, "") for name in fieldnames]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(header: Sequence[str] | None, rows: Iterable[Sequence[object]], filename: str,
                 *, bom: bool = False, streaming: bool = False) -> HttpResponse:
    """A CSV download; ``streaming`` writes row by row (large tables), ``bom`` helps Excel
    detect UTF-8."""
    if streaming:
        writer = csv_writer(_Echo())

        def lines():
            if bom:
                yield "\ufeff"
            if header is not None:
                yield writer.writerow(header)
            for row in rows:
                yield writer.writerow(row)

        response = StreamingHttpResponse(lines(), content_type=CSV_TYPE)
    else:
        response = HttpResponse(("\ufeff" if bom else "") + csv_text(header, rows),
                                content_type=CSV_TYPE)
    return attachment(response, filename)


def append_row(ws, values: Iterable[object]) -> None:
    """``ws.append`` for an openpyxl worksheet with every string kept as text (never a formula)."""
    ws.append(list(values))
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if is_risky(cell.value):
                cell.quotePrefix = True


def xlsx_bytes(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    return attachment(HttpResponse(data, content_type=XLSX_TYPE), filename)


def attachment(response: HttpResponse, filename: str, *, inline: bool = False) -> HttpResponse:
    """Set ``Content-Disposition`` (download, or ``inline`` to show in the browser)."""
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response


def cached_document(source: str, render: Callable[[], bytes]) -> bytes:
    """The document typeset from ``source`` (the HTML), from the shared cache when the same
    content was typeset before: a hundred readers of one notice cost one WeasyPrint run, and
    any change of the content makes a new document."""
    key = "document:" + hashlib.sha256(source.encode()).hexdigest()
    cache = caches["default"]
    data = cache.get(key)
    if data is None:
        data = render()
        cache.set(key, data, settings.AIMAK_DOCUMENT_CACHE_SECONDS)
    return data


def document_rate(group: str, request) -> str | None:
    """django-ratelimit rate of generated documents: anonymous visitors per address
    (``AIMAK_RATE_DOCUMENT``); signed-in people are not limited (staff print notices)."""
    return None if request.user.is_authenticated else settings.AIMAK_RATE_DOCUMENT


def pdf_response(data: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    return attachment(HttpResponse(data, content_type="application/pdf"), filename,
                      inline=inline)
