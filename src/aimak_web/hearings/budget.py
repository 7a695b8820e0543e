"""The budget as accountants write it: kinds, columns titled with the real years, the template,
reading a filled one back (XLSX, CSV UTF-8, the semicolon CSV in Windows-1251 that Excel in
Russian saves), and the citizen's summary.

A hearing's budget has a kind (draft budget, execution report, medium-term budget) and each kind
its columns, titled with the hearing's years: a draft for 2027 has "2025, executed",
"2026, plan" and "2027, draft"; an execution report for 2026 "2026, plan" and "2026, executed";
a medium-term budget from 2023 "2023, budget year", "2024, forecast" and "2025, forecast". The
amounts are stored in three generic fields in the hearing's unit (som, thousand or million som,
a scale factor).

A file is checked completely before anything changes: every problem names the row (as the
spreadsheet numbers it, the header being row 1) and the column as the file titles it; a file
with any problem changes nothing. Headers are recognised in Russian, Kyrgyz and English.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override, pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from aimak_web.core.exports import append_row, xlsx_bytes
from aimak_web.core.uploads import RowProblem, cell

from .models import BudgetLine, Hearing, LineSource, kind_of

AMOUNT_FIELDS = ("amount_1", "amount_2", "amount_3")
LANGUAGES = ("ru", "ky", "en")
ALLOWED_SUFFIXES = (".xlsx", ".csv")
UPLOAD_MAX_ROWS = 2000

def columns(hearing: Hearing) -> list[dict]:
    """The hearing's amount columns for a template: field, title, key, whether it is the main."""
    kind = kind_of(hearing)
    return [{"field": c.field, "title": c.title(hearing), "key": c.key(hearing),
             "main": c.field == kind.main} for c in kind.columns]


# --- the template ---------------------------------------------------------------------------

#: The other columns: field → (title, required, meaning).
TEXT_COLUMNS = {
    "section": (gettext_lazy("Section"), True,
                gettext_lazy("revenue, expenditure or total")),
    "code": (gettext_lazy("Code"), False, gettext_lazy("budget classification code")),
    "name_ru": (gettext_lazy("Name (Russian)"), True,
                gettext_lazy("name of the line in Russian")),
    "name_ky": (gettext_lazy("Name (Kyrgyz)"), False,
                gettext_lazy("name of the line in Kyrgyz")),
}
SOURCE_COLUMNS = {
    "source": (gettext_lazy("Source"), True,
               gettext_lazy("where the figures come from (document, web address)")),
    "resolution_number": (gettext_lazy("Council resolution No."), False,
                          gettext_lazy("number of the council (kenesh) resolution that adopted "
                                       "the figures, if any")),
    "resolution_date": (gettext_lazy("Resolution date"), False,
                        gettext_lazy("date of that resolution, as 16.02.2023 or 2023-02-16")),
}
SECTIONS = {"revenue": gettext_lazy("revenue"), "expenditure": gettext_lazy("expenditure"),
            "total": gettext_lazy("total")}


def template_columns(hearing: Hearing) -> list[dict]:
    """Every column of the hearing's template in order, titled in the reader's language."""
    out = [{"field": f, "title": str(t), "required": r, "meaning": str(m)}
           for f, (t, r, m) in TEXT_COLUMNS.items()]
    out += [{"field": c["field"], "title": c["title"], "required": False,
             "meaning": _("amount in %(unit)s; empty when not known")
             % {"unit": hearing.unit_label}} for c in columns(hearing)]
    out += [{"field": f, "title": str(t), "required": r, "meaning": str(m)}
            for f, (t, r, m) in SOURCE_COLUMNS.items()]
    return out


def template_xlsx(hearing: Hearing) -> bytes:
    """The hearing's empty template in the reader's language (no invented figures): the header,
    the section choices, a help sheet."""
    cols = template_columns(hearing)
    wb = Workbook()
    ws = wb.active
    ws.title = pgettext("sheet", "budget")
    append_row(ws, [c["title"] for c in cols])
    for header in ws[1]:
        header.font = Font(bold=True)
    for i, c in enumerate(cols):
        ws.column_dimensions[_letter(i)].width = 40 if c["field"].startswith(("name", "source")) \
            else 16
    words = ",".join(str(w) for w in SECTIONS.values())
    choice = DataValidation(type="list", formula1=f'"{words}"', allow_blank=False)
    ws.add_data_validation(choice)
    choice.add("A2:A1000")
    ws.freeze_panes = "A2"
    help_ws = wb.create_sheet(pgettext("sheet", "help"))
    append_row(help_ws, [_("Column"), _("Required"), _("Meaning")])
    for c in cols:
        append_row(help_ws, [c["title"], _("yes") if c["required"] else _("no"), c["meaning"]])
    append_row(help_ws, [])
    append_row(help_ws, [_("Amounts in %(unit)s; decimal point or comma; leave a cell empty "
                           "when the figure is not known. Save as XLSX or as CSV (comma or "
                           "semicolon, UTF-8 or Windows-1251).") % {"unit": hearing.unit_label}])
    return xlsx_bytes(wb)


# --- reading a filled one -------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().lower().rstrip(".*:")


def _header_names(hearing: Hearing) -> dict[str, str]:
    """Every accepted header (normalised) → field: the titles in ru, ky and en, the keys."""
    names = {}
    fields = [*TEXT_COLUMNS, *SOURCE_COLUMNS]
    for f in fields:
        names[_norm(f)] = f
    for c in kind_of(hearing).columns:
        names[_norm(c.key(hearing))] = c.field
    for lang in LANGUAGES:
        with override(lang):
            for f, (title, _r, _m) in {**TEXT_COLUMNS, **SOURCE_COLUMNS}.items():
                names[_norm(str(title))] = f
            for c in kind_of(hearing).columns:
                names[_norm(c.title(hearing))] = c.field
    return names


def _section_words() -> dict[str, str]:
    words = {}
    for lang in LANGUAGES:
        with override(lang):
            for key, label in SECTIONS.items():
                words[_norm(str(label))] = key
    # the plural forms accountants write
    words.update({"доходы": "revenue", "расходы": "expenditure", "всего": "total",
                  "кирешелер": "revenue", "чыгашалар": "expenditure", "бардыгы": "total"})
    return words


def _rows_of_csv(data: bytes) -> tuple[list[list[str]], str]:
    """CSV as Excel saves it: UTF-8 (with or without BOM) or Windows-1251, comma, semicolon or
    tab; and the encoding it was in."""
    encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        encoding = "cp1251"
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise ValueError(_("the file is neither UTF-8 nor Windows-1251 text")) from None
    # the delimiter that splits the header into the most fields (quotes respected): a sniffer
    # is misled by titles such as «2025, исполнено» in a semicolon file
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=lambda d: len(next(csv.reader([first], delimiter=d), [])))
    return list(csv.reader(io.StringIO(text), delimiter=delimiter)), encoding


def _rows_of_xlsx(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    except Exception:  # zipfile, XML and openpyxl errors alike: the file is not a workbook
        raise ValueError(_("the file cannot be read as a spreadsheet")) from None


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return cell(value, whole_numbers=True)


def _amount(text: str) -> Decimal:
    cleaned = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    value = Decimal(cleaned)
    if not value.is_finite():
        raise InvalidOperation
    return value.quantize(Decimal("0.1"))


def _date(text: str) -> date:
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _letter(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index] if index < 26 else str(index + 1)


def read_rows(upload) -> tuple[list[list[object]], str, list[RowProblem]]:
    """The uploaded file's rows (header first) and its text encoding ("" for XLSX), or the
    reason it cannot be read."""
    suffix = Path(upload.name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        return [], "", [RowProblem(None, None, _("expected an .xlsx or .csv file, got «%(s)s»")
                                   % {"s": suffix or "?"})]
    data = b"".join(upload.chunks())
    try:
        rows, encoding = _rows_of_csv(data) if suffix == ".csv" else (_rows_of_xlsx(data), "")
    except ValueError as exc:
        return [], "", [RowProblem(None, None, str(exc))]
    rows = [r for r in rows if any(_text(v) for v in r)]
    if not rows:
        return [], encoding, [RowProblem(None, None, _("the file is empty"))]
    return rows, encoding, []


def read_budget(hearing: Hearing, upload) -> tuple[list[dict], list[RowProblem]]:
    """Parse an uploaded template for ``hearing`` into line dicts; return (lines, problems)."""
    rows, encoding, problems = read_rows(upload)
    if problems:
        return [], problems
    names = _header_names(hearing)
    header = [_text(v) for v in rows[0]]
    found: dict[str, int] = {}
    for i, title in enumerate(header):
        field = names.get(_norm(title))
        if field and field not in found:
            found[field] = i
    titles = {c["field"]: c["title"] for c in template_columns(hearing)}
    amount_fields = [c.field for c in kind_of(hearing).columns]
    for field, (_t, required, _m) in {**TEXT_COLUMNS, **SOURCE_COLUMNS}.items():
        if required and field not in found:
            problems.append(RowProblem(None, titles[field], _("the column is missing")))
    if not any(f in found for f in amount_fields):
        problems.append(RowProblem(None, " / ".join(titles[f] for f in amount_fields),
                                   _("no column of amounts for this hearing's years")))
    if problems:
        return [], problems
    if len(rows) == 1:
        return [], [RowProblem(None, None, _("the file has a header but no rows"))]
    if len(rows) > UPLOAD_MAX_ROWS + 1:
        return [], [RowProblem(None, None, _("more than %(n)s rows") % {"n": UPLOAD_MAX_ROWS})]

    def col(field: str) -> str:
        return f"{header[found[field]]} ({_letter(found[field])})"

    sections = _section_words()
    lines, seen = [], {}
    for row_number, raw in enumerate(rows[1:], start=2):  # the header is row 1
        values = {f: _text(raw[i]) if i < len(raw) else "" for f, i in found.items()}
        if not any(values.values()):
            continue
        section = sections.get(_norm(values["section"]))
        if section is None:
            problems.append(RowProblem(row_number, col("section"), _(
                "expected revenue, expenditure or total, got «%(v)s»")
                % {"v": values["section"][:40]}))
        if not values["name_ru"]:
            problems.append(RowProblem(row_number, col("name_ru"),
                                       pgettext("budget line", "the name is empty")))
        if not values["source"]:
            problems.append(RowProblem(row_number, col("source"), _(
                "say where the figures come from")))
        amounts = {}
        for field in amount_fields:
            text = values.get(field, "")
            if not text:
                amounts[field] = None
                continue
            try:
                amounts[field] = _amount(text)
            except (InvalidOperation, ValueError):
                problems.append(RowProblem(row_number, col(field), _(
                    "expected a number such as 1250.5, got «%(v)s»") % {"v": text[:40]}))
                continue
            if amounts[field] < 0:
                problems.append(RowProblem(row_number, col(field), _("the amount is negative")))
            elif abs(amounts[field]) >= Decimal("1e14"):
                problems.append(RowProblem(row_number, col(field), _("the amount is too large")))
        if all(not values.get(f) for f in amount_fields):
            main = kind_of(hearing).main
            problems.append(RowProblem(row_number, col(main) if main in found else None, _(
                "the line has no amount in any year")))
        number, when = values.get("resolution_number", ""), values.get("resolution_date", "")
        resolution_date = None
        if when:
            try:
                resolution_date = _date(when)
            except ValueError:
                problems.append(RowProblem(row_number, col("resolution_date"), _(
                    "expected a date such as 16.02.2023, got «%(v)s»") % {"v": when[:40]}))
        if bool(number) != bool(when):
            problems.append(RowProblem(row_number, col("resolution_number" if when
                                                       else "resolution_date"), _(
                "give both the resolution's number and its date, or neither")))
        if encoding == "cp1251" and "?" in values.get("name_ky", ""):
            # Windows-1251 has no ө, ү, ң: Excel wrote «?» in their place
            problems.append(RowProblem(row_number, col("name_ky"), _(
                "Kyrgyz letters were lost (Windows-1251 has no ө, ү, ң): save the file as "
                "«CSV UTF-8» or XLSX")))
        code = values.get("code", "")
        key = (section, code)
        if code and key in seen:
            problems.append(RowProblem(row_number, col("code"), _(
                "the same code is on row %(row)s") % {"row": seen[key]}))
        else:
            seen[key] = row_number
        lines.append({
            "section": section, "code": code[:40], "name_ru": values["name_ru"][:300],
            "name_ky": values.get("name_ky", "")[:300], "source": values["source"][:1000],
            "provenance": LineSource.RESOLUTION if number and when else LineSource.STAFF,
            "resolution_number": number[:40], "resolution_date": resolution_date, **amounts})
    return lines, problems


# --- the citizen's budget -------------------------------------------------------------------


def adjustments(hearing: Hearing) -> dict[int, Decimal]:
    """Per line: the sum of the amount changes of accepted (or partly accepted) proposals whose
    published answer names that line."""
    from .models import Answer, Verdict

    out: dict[int, Decimal] = {}
    for line_id, amount in Answer.objects.filter(
            proposal__hearing=hearing, published_at__isnull=False, line__isnull=False,
            amount__isnull=False, verdict__in=(Verdict.ACCEPTED, Verdict.PARTLY)
    ).values_list("line_id", "amount"):
        out[line_id] = out.get(line_id, Decimal(0)) + amount
    return out


def table(hearing: Hearing, lines: list[BudgetLine]) -> dict:
    """What the table of lines shows: the columns, whether there is a change column and a
    column with the accepted proposals; each line gets its ``cells``, ``change`` and ``delta``."""
    adjusted = annotate_lines(hearing, lines)
    return {"columns": columns(hearing), "adjusted": adjusted,
            "has_change": kind_of(hearing).base is not None}


def annotate_lines(hearing: Hearing, lines: list[BudgetLine]) -> bool:
    """Give each line ``cells`` (the kind's columns), ``change`` (main against base) and
    ``delta`` (accepted proposals' change); True when any line has a delta."""
    kind = kind_of(hearing)
    adjust = adjustments(hearing)
    for line in lines:
        line.cells = [getattr(line, c.field) for c in kind.columns]
        main, base = getattr(line, kind.main), getattr(line, kind.base) if kind.base else None
        line.change = main - base if main is not None and base is not None else None
        line.delta = adjust.get(line.pk)
        line.adjusted = main + line.delta if main is not None and line.delta is not None \
            else main
    return bool(adjust)


#: Height of one line of the citizen's budget chart in pixels: its label, then its bar.
BAR_ROW = 36


def summary(hearing: Hearing, lines: list[BudgetLine], adjust: dict[int, Decimal] | None = None
            ) -> dict:
    """Per section: totals per column, the change, per inhabitant, the chart's bars, and the
    main column with the accepted proposals' changes."""
    kind = kind_of(hearing)
    cols = columns(hearing)
    adjust = adjust or {}
    population = hearing.municipality.population
    sections = {}
    for key, label in BudgetLine.SECTIONS:
        chosen = [line for line in lines if line.section == key]
        if not chosen:
            continue
        totals = {}
        for c in cols:
            values = [getattr(line, c["field"]) for line in chosen]
            # a total over lines of which some are unknown would understate: none is shown
            totals[c["field"]] = None if None in values else sum(values, Decimal(0))
        main = totals[kind.main]
        change = pct = None
        if kind.base and main is not None and totals[kind.base]:
            change = main - totals[kind.base]
            pct = float(change / totals[kind.base] * 100)
        adjusted = None
        if main is not None and any(line.pk in adjust for line in chosen):
            adjusted = main + sum((adjust.get(line.pk, Decimal(0)) for line in chosen),
                                  Decimal(0))
        per_head = None
        if main is not None and population:
            per_head = float(main) * hearing.budget_scale / population
        top = max((float(getattr(line, kind.main) or 0) for line in chosen), default=0) or 1
        # a row per line: its name and amount, the bar under it as a share of the chart's
        # width (the chart is as wide as the screen: 390 px on a phone)
        bars = [{"line": line, "value": getattr(line, kind.main),
                 "delta": adjust.get(line.pk),
                 "width": max(0.0, round(float(getattr(line, kind.main) or 0) / top * 100, 1)),
                 "y": i * BAR_ROW + 16, "ty": i * BAR_ROW + 12}
                for i, line in enumerate(chosen)]
        cells = [{**c, "value": totals[c["field"]]} for c in cols]
        sections[key] = {"label": label, "totals": totals, "cells": cells, "main": main,
                         "main_title": next(c["title"] for c in cols if c["main"]),
                         "change": change,
                         "pct": pct, "adjusted": adjusted, "per_head": per_head, "bars": bars,
                         "height": BAR_ROW * len(bars)}
    return sections
