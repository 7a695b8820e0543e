"""The Union of LSG's membership list as the administrator receives it: a CSV or XLSX file
(Excel in Russian saves "CSV" with semicolons in Windows-1251), one municipality a row, by its
СОАТЕ code or by its name (with the rayon where a name is not unique).

The table is read by the platform's upload reader (``core.uploads.read_upload``: measured
before it is parsed, through the core's ``aimak.io.read_table``); names are matched to the
directory in any spelling by the core's ``aimak.names.NameIndex``. Every problem names the row
(as the spreadsheet numbers it: the header is row 1) and the column as the file writes it, in
the reader's language; a file with any problem records nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from aimak.names import NameIndex
from aimak.schema import SOURCE_ROW
from aimak_web.core.uploads import RowProblem, cell, read_upload
from aimak_web.places.models import Municipality, Rayon

#: the columns a list may have, by the header's words (lower case), Russian, Kyrgyz, English
CODE = ("код", "код соате", "соате", "коду", "code", "soate")
NAME = ("наименование", "название", "муниципалитет", "айыл аймак", "айылный аймак",
        "орган мсу", "аталышы", "муниципалитеттин аталышы", "municipality", "name")
RAYON = ("район", "району", "rayon", "district")
SUFFIXES = (".csv", ".xlsx")


def _as_utf8(upload):
    """A CSV that is not UTF-8 read as Windows-1251 (Excel's "CSV" in Russian) and handed on
    as UTF-8, the encoding the core's reader takes; other files as they are."""
    if Path(upload.name).suffix.lower() != ".csv":
        return upload
    data = b"".join(upload.chunks())
    try:
        data.decode("utf-8-sig")
        text = None
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            text = None  # the reader says it cannot read it
    return SimpleUploadedFile(upload.name, text.encode("utf-8") if text is not None else data)


def _column(columns, names: tuple[str, ...]):
    lower = {" ".join(str(c).lower().split()): c for c in columns if c != SOURCE_ROW}
    return next((lower[n] for n in names if n in lower), None)


def _label(m: Municipality) -> str:
    return f"{m.name} ({m.rayon.name})"


def read_members(upload) -> tuple[list[Municipality], list[RowProblem]]:
    """The municipalities of an uploaded membership list, or the problems of every bad row."""
    name = upload.name
    if Path(name).suffix.lower() not in SUFFIXES:
        return [], [RowProblem(None, None, _("«%(file)s»: expected a .csv or .xlsx file")
                               % {"file": name})]
    frame, problems = read_upload(_as_utf8(upload), SUFFIXES)
    if frame is None:
        return [], [RowProblem(None, None, _(
            "«%(file)s» cannot be read as a table: save it from Excel as .xlsx or as CSV "
            "(comma or semicolon separated)") % {"file": name})]
    code_col, name_col = _column(frame.columns, CODE), _column(frame.columns, NAME)
    rayon_col = _column(frame.columns, RAYON)
    if code_col is None and name_col is None:
        found = ", ".join(f"«{c}»" for c in frame.columns if c != SOURCE_ROW) or "—"
        return [], [RowProblem(1, None, _(
            "the header names no column of the municipality: expected «Код» (СОАТЕ) or "
            "«Наименование»; the file has %(found)s") % {"found": found})]
    if len(frame) == 0:
        return [], [RowProblem(None, None, _("the file has a header but no rows"))]
    munis = {m.pk: m for m in Municipality.objects.select_related("rayon")}
    by_code = {m.code: m for m in munis.values()}
    names, ids = [], []
    for m in munis.values():
        for n in {m.name_ru, m.name_ky, m.name_en} - {""}:
            names.append(n)
            ids.append(m.pk)
    index = NameIndex(names, ids, units=True)
    rayons = list(Rayon.objects.all())
    rayon_index = NameIndex([n for r in rayons for n in (r.name_ru, r.name_ky, r.name_en)],
                            [r.pk for r in rayons for _n in range(3)])
    out: list[Municipality] = []
    seen: dict[int, int] = {}
    for rec in frame.to_dict("records"):
        row = int(rec[SOURCE_ROW]) + 1  # the header is the spreadsheet's row 1
        code = cell(rec[code_col], whole_numbers=True) if code_col is not None else ""
        text = cell(rec[name_col], whole_numbers=True) if name_col is not None else ""
        found = None
        if code:
            found = by_code.get(code)
            if found is None:
                problems.append(RowProblem(row, str(code_col), _(
                    "«%(value)s» is the code of no municipality in the directory (СОАТЕ, 14 "
                    "digits)") % {"value": code[:40]}))
                continue
        elif text:
            among = None
            rayon_text = cell(rec[rayon_col]) if rayon_col is not None else ""
            if rayon_text:
                hits, rule = rayon_index.match(rayon_text)
                if len(hits) != 1 or rule == "fuzzy":
                    problems.append(RowProblem(row, str(rayon_col), _(
                        "«%(value)s» is not a rayon of the directory")
                        % {"value": rayon_text[:60]}))
                    continue
                among = {m.pk for m in munis.values() if m.rayon_id == hits[0]}
            hits, rule = index.match(text, among)
            if len(hits) == 1 and rule != "fuzzy":
                found = munis[hits[0]]
            elif len(hits) > 1 and rule != "fuzzy":
                problems.append(RowProblem(row, str(name_col), _(
                    "«%(value)s» names several municipalities: %(which)s; give the rayon or the "
                    "code") % {"value": text[:60],
                               "which": "; ".join(_label(munis[i]) for i in hits[:5])}))
                continue
            else:
                close = hits or index.suggest(text)
                problems.append(RowProblem(row, str(name_col), _(
                    "«%(value)s» is not a municipality of the directory; closest: %(hint)s")
                    % {"value": text[:60],
                       "hint": "; ".join(_label(munis[i]) for i in close[:3]) or "—"}))
                continue
        else:
            problems.append(RowProblem(row, str(name_col if name_col is not None else code_col),
                                       _("the municipality is empty")))
            continue
        if found.pk in seen:
            problems.append(RowProblem(row, str(code_col if code else name_col), _(
                "%(name)s is already on row %(row)s") % {"name": _label(found),
                                                         "row": seen[found.pk]}))
            continue
        seen[found.pk] = row
        out.append(found)
    return (out, []) if not problems else ([], problems)
