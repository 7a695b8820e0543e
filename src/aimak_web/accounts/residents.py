"""Read a residents list (CSV or XLSX: name, phone, village) and check every row.

Reading goes through the core's table reader (``aimak.io.read_table``); village names are matched
to the municipality's settlements in any spelling with the core's ``aimak.names.NameIndex``.
Every problem names the file, row and column; a file with any problem changes nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aimak.names import NameIndex
from aimak_web.core.uploads import RowProblem, cell, read_upload

from .models import ResidentEntry, User
from .phones import normalize_phone

#: the headers a column may have (any case), in the file's own words
COLUMNS = {"name": ("name", "full_name", "фио", "аты-жөнү"),
           "phone": ("phone", "телефон"),
           "village": ("village", "село", "айыл")}
#: what each column holds, in the reader's language
COLUMN_LABELS = {"name": gettext_lazy("the person's full name"),
                 "phone": gettext_lazy("the phone number"),
                 "village": gettext_lazy("the village")}


def column_help() -> list[tuple[str, tuple[str, ...]]]:
    """(what the column holds, the headers it may have) for the upload page."""
    return [(COLUMN_LABELS[key], headers) for key, headers in COLUMNS.items()]


def read_residents(upload, municipality) -> tuple[list[dict], list[RowProblem]]:
    """Parse an uploaded file into rows; return (rows, problems)."""
    frame, problems = read_upload(upload)
    if frame is None:
        return [], problems
    lower = {str(c).strip().lower(): c for c in frame.columns}
    found = {}
    problems: list[RowProblem] = []
    for key, names in COLUMNS.items():
        col = next((lower[n] for n in names if n in lower), None)
        if col is None:
            problems.append(RowProblem(None, None, _(
                "no column for %(what)s; its header must be one of those listed above")
                % {"what": COLUMN_LABELS[key]}))
        found[key] = col
    if problems:
        return [], problems
    if len(frame) == 0:
        return [], [RowProblem(None, None, _("the file has a header but no rows"))]
    villages = list(municipality.settlements.all())
    names, ids = [], []
    for v in villages:
        for name in (v.name_ru, v.name_ky, v.name_en):
            if name:
                names.append(name)
                ids.append(v.pk)
    index = NameIndex(names, ids)
    by_pk = {v.pk: v for v in villages}
    rows, seen = [], {}
    for i, rec in enumerate(frame.to_dict("records"), start=1):
        name = cell(rec[found["name"]], whole_numbers=True)
        if not name:
            problems.append(RowProblem(i, str(found["name"]), _("the name is empty")))
        phone = normalize_phone(cell(rec[found["phone"]], whole_numbers=True))
        if phone is None:
            problems.append(RowProblem(i, str(found["phone"]), _(
                "expected a phone number such as 0555 123 456, got «%(value)s»")
                % {"value": str(rec[found["phone"]])[:40]}))
        elif phone in seen:
            problems.append(RowProblem(i, str(found["phone"]), _("the same phone is on row %(row)s")
                                       % {"row": seen[phone]}))
        else:
            seen[phone] = i
        village_text = cell(rec[found["village"]], whole_numbers=True)
        match = index.lookup(village_text) if village_text else []
        if not village_text:
            problems.append(RowProblem(i, str(found["village"]), _("the village is empty")))
        elif len(match) != 1:
            hint = ", ".join(by_pk[pk].name for pk in index.suggest(village_text)) or "—"
            problems.append(RowProblem(i, str(found["village"]), _(
                "«%(value)s» is not a village of %(municipality)s; closest: %(hint)s")
                % {"value": village_text[:60], "municipality": municipality.name,
                   "hint": hint}))
        rows.append({"full_name": name, "phone": phone, "village_text": village_text,
                     "village": by_pk.get(match[0]) if len(match) == 1 else None})
    return rows, problems


@transaction.atomic
def save_residents(rows: list[dict], municipality, by: User, source_file: str) -> int:
    """Replace or add entries by phone; verify citizens whose confirmed phone is listed."""
    for row in rows:
        ResidentEntry.objects.update_or_create(
            municipality=municipality, phone=row["phone"],
            defaults={**row, "uploaded_by": by, "source_file": source_file})
    matched = User.objects.filter(municipality=municipality, phone__in=[r["phone"] for r in rows],
                                  phone_confirmed_at__isnull=False,
                                  residence_verified_at__isnull=True)
    for user in matched:
        user.verify_residence("list", by=by)
    return len(rows)


def verify_from_list(user: User) -> bool:
    """After a phone is confirmed: verify residence when the phone is on the residents list."""
    if user.residence_verified_at or not user.municipality_id or not user.phone_confirmed_at:
        return False
    entry = ResidentEntry.objects.filter(municipality_id=user.municipality_id,
                                         phone=user.phone).first()
    if entry is None:
        return False
    user.verify_residence("list", by=entry.uploaded_by)
    return True
