"""The budget as data: the XLSX template aimak provides, and reading a filled one back.

A file is checked completely before anything changes: every problem names the row (as the
spreadsheet numbers it, the header being row 1) and the column; a file with any problem changes
nothing. Reading CSV and XLSX goes through the core's ``aimak.io.read_table``.
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from aimak.schema import SOURCE_ROW
from aimak_web.core.uploads import RowProblem, cell, read_upload

from .models import BudgetLine, Hearing

#: Template columns, in order: (header, required, description for the help sheet).
COLUMNS = [
    ("section", True, "revenue / expenditure / total (доходы / расходы / всего)"),
    ("code", False, "budget classification code"),
    ("name_ru", True, "name of the line in Russian"),
    ("name_ky", False, "name of the line in Kyrgyz"),
    ("previous_actual", False, "previous year, actual"),
    ("current_plan", False, "current year, plan"),
    ("next_draft", False, "next year, draft"),
    ("source", True, "where the figures come from (document, URL)"),
]
AMOUNTS = ("previous_actual", "current_plan", "next_draft")
SECTION_WORDS = {
    "revenue": "revenue", "доходы": "revenue", "доход": "revenue", "кирешелер": "revenue",
    "expenditure": "expenditure", "расходы": "expenditure", "расход": "expenditure",
    "чыгашалар": "expenditure", "total": "total", "всего": "total", "бардыгы": "total",
}
ALLOWED_SUFFIXES = (".xlsx", ".csv")


def template_xlsx() -> bytes:
    """An empty budget template (header, section choices, a help sheet); no invented figures."""
    wb = Workbook()
    ws = wb.active
    ws.title = "budget"
    ws.append([c[0] for c in COLUMNS])
    for header in ws[1]:
        header.font = Font(bold=True)
    for letter, width in zip("ABCDEFGH", (14, 14, 40, 40, 16, 16, 16, 50), strict=True):
        ws.column_dimensions[letter].width = width
    choice = DataValidation(type="list", formula1='"revenue,expenditure,total"',
                            allow_blank=False)
    ws.add_data_validation(choice)
    choice.add("A2:A1000")
    ws.freeze_panes = "A2"
    help_ws = wb.create_sheet("help")
    help_ws.append(["column", "required", "meaning"])
    for name, required, meaning in COLUMNS:
        help_ws.append([name, "yes" if required else "no", meaning])
    help_ws.append([])
    help_ws.append(["Amounts in the hearing's unit (thousand KGS by default); decimal point "
                    "or comma; leave a cell empty when the figure is not known."])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _amount(text: str) -> Decimal | None:
    cleaned = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    value = Decimal(cleaned)
    if not value.is_finite():
        raise InvalidOperation
    return value.quantize(Decimal("0.1"))


def _letter(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index] if index < 26 else str(index + 1)


def read_budget(upload) -> tuple[list[dict], list[RowProblem]]:
    """Parse an uploaded template into line dicts; return (lines, problems)."""
    frame, problems = read_upload(upload, ALLOWED_SUFFIXES)
    if frame is None:
        return [], problems
    headers = [c for c in frame.columns if c != SOURCE_ROW]
    lower = {str(c).strip().lower(): c for c in headers}
    problems: list[RowProblem] = []
    found = {}
    for name, _required, _meaning in COLUMNS:
        if name in lower:
            found[name] = lower[name]
        else:
            problems.append(RowProblem(None, name, _("the column is missing")))
    if problems:
        return [], problems
    letters = {name: _letter(headers.index(found[name])) for name in found}
    if len(frame) == 0:
        return [], [RowProblem(None, None, _("the file has a header but no rows"))]

    def col(name: str) -> str:
        return f"{name} ({letters[name]})"

    lines, seen = [], {}
    for i, rec in enumerate(frame.to_dict("records")):
        row = i + 2  # the header is row 1
        values = {name: cell(rec[found[name]]) for name in found}
        if not any(values.values()):
            continue
        section = SECTION_WORDS.get(values["section"].lower())
        if section is None:
            problems.append(RowProblem(row, col("section"), _(
                "expected revenue, expenditure or total, got «%(v)s»")
                % {"v": values["section"][:40]}))
        if not values["name_ru"]:
            problems.append(RowProblem(row, col("name_ru"),
                                       pgettext("budget line", "the name is empty")))
        if not values["source"]:
            problems.append(RowProblem(row, col("source"), _(
                "say where the figures come from")))
        amounts = {}
        for name in AMOUNTS:
            text = values[name]
            if not text:
                amounts[name] = None
                continue
            try:
                amounts[name] = _amount(text)
            except (InvalidOperation, ValueError):
                problems.append(RowProblem(row, col(name), _(
                    "expected a number such as 1250.5, got «%(v)s»") % {"v": text[:40]}))
                continue
            if amounts[name] < 0:
                problems.append(RowProblem(row, col(name), _("the amount is negative")))
            elif abs(amounts[name]) >= Decimal("1e14"):
                problems.append(RowProblem(row, col(name), _("the amount is too large")))
        if all(values[name] == "" for name in AMOUNTS):
            problems.append(RowProblem(row, col("next_draft"), _(
                "the line has no amount in any year")))
        key = (section, values["code"])
        if values["code"] and key in seen:
            problems.append(RowProblem(row, col("code"), _(
                "the same code is on row %(row)s") % {"row": seen[key]}))
        else:
            seen[key] = row
        lines.append({"section": section, "code": values["code"][:40],
                      "name_ru": values["name_ru"][:300], "name_ky": values["name_ky"][:300],
                      "source": values["source"][:1000], **amounts})
    if not lines and not problems:
        problems.append(RowProblem(None, None, _("the file has a header but no rows")))
    return lines, problems


@transaction.atomic
def replace_lines(hearing: Hearing, lines: list[dict]) -> int:
    """Replace the hearing's budget lines with ``lines`` (all or nothing)."""
    hearing.lines.all().delete()
    BudgetLine.objects.bulk_create(
        [BudgetLine(hearing=hearing, position=i, **line) for i, line in enumerate(lines)])
    return len(lines)


def summary(hearing: Hearing, lines: list[BudgetLine]) -> dict:
    """Totals per section and year, per inhabitant, and change against the current year."""
    sections = {}
    for key, label in BudgetLine.SECTIONS:
        chosen = [line for line in lines if line.section == key]
        if not chosen:
            continue
        totals = {}
        for name in AMOUNTS:
            values = [getattr(line, name) for line in chosen]
            # a total over lines of which some are unknown would understate: none is shown
            totals[name] = None if None in values else sum(values, Decimal(0))
        change = pct = None
        if totals["next_draft"] is not None and totals["current_plan"]:
            change = totals["next_draft"] - totals["current_plan"]
            pct = float(change / totals["current_plan"] * 100)
        population = hearing.municipality.population
        per_head = None
        if totals["next_draft"] is not None and population:
            per_head = float(totals["next_draft"]) * _unit_factor(hearing.budget_unit) / population
        top = max((float(line.next_draft or 0) for line in chosen), default=0) or 1
        bars = [{"line": line, "width": round(float(line.next_draft or 0) / top * 400, 1),
                 "y": i * 18, "ty": i * 18 + 12} for i, line in enumerate(chosen)]
        sections[key] = {"label": label, "totals": totals, "change": change, "pct": pct,
                         "per_head": per_head, "bars": bars,
                         "height": 18 * len(bars)}
    return sections


def _unit_factor(unit: str) -> float:
    """Som per unit: thousand KGS → 1000."""
    return 1000.0 if unit.lower().startswith("thousand") else 1.0
