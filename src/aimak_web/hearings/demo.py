"""Demo content: the adopted medium-term budget of Bürgöndü ayil aimak, from published lines only.

The lines come from ``local_budgets.csv`` of the shared Kyrgyzstan data (read at run time from
``AIMAK_SHARED_DATA``, never copied into the repository): the rows of the municipality's SOATE
code adopted by its latest council resolution (for Bürgöndü: resolution No. 8 of 16.02.2023,
the 2023 budget and the 2024 and 2025 forecasts), each with its source URL. The hearing is
marked as an example (the municipality did not announce it on aimak), is public as such and
takes no comments; the population it divides by is the directory's, with its provenance.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from aimak.paths import folder_or_none
from aimak_web.core.demo import DEMO_MUNICIPALITY_CODE

from .models import BudgetKind, BudgetLine, Hearing, LineSource, State, Subject

#: Names of the items of ``local_budgets.csv`` (Russian, Kyrgyz) and the section they belong to.
ITEMS = {
    "total_local_budget": ("total", "Местный бюджет, всего", "Жергиликтүү бюджет, бардыгы"),
    "own_local_revenue": ("revenue", "Собственные доходы", "Өз кирешелери"),
    "equalisation_grant": ("revenue", "Выравнивающий грант", "Теңдештирүүчү грант"),
    "special_account": ("revenue", "Специальный счёт", "Атайын эсеп"),
    "pasture_use_payment": ("revenue", "Плата за пользование пастбищами",
                            "Жайыттарды пайдалануу акысы"),
}
NOTICE_RU = ("Пример: эти слушания не объявлены айыл окмоту. Строки бюджета взяты только из "
             "опубликованного решения айылного кенеша (источник у каждой строки): бюджет на "
             "первый год и прогноз на два следующих. Даты и место не назначены, комментарии не "
             "принимаются.")
NOTICE_KY = ("Мисал: бул угуулар айыл өкмөтү тарабынан жарыяланган эмес. Бюджеттин саптары "
             "айылдык кеңештин жарыяланган чечиминен гана алынды (ар бир саптын булагы "
             "көрсөтүлгөн): биринчи жылдын бюджети жана кийинки эки жылдын болжолу. Күнү жана "
             "орду дайындалган эмес, пикирлер кабыл алынбайт.")
#: Said in the notice when the file notes that the resolution's text names the wrong unit.
UNIT_NOTE = re.compile(r"magnitude implies thousand", re.I)
UNIT_NOTE_RU = (" В тексте решения суммы подписаны «сом», но их величина означает тысячи сомов: "
                "здесь они показаны в тыс. сом.")
UNIT_NOTE_KY = (" Чечимдин текстинде суммалар «сом» деп жазылган, бирок алардын чоңдугу миң сомду "
                "билдирет: бул жерде алар миң сом менен көрсөтүлдү.")
UNITS = {"KGS": 1, "thousand KGS": 1000, "million KGS": 1_000_000}
RESOLUTION = re.compile(r"council resolution (\d{2}\.\d{2}\.\d{4}) No\.?\s*([\w-]+)")


def shared_data_dir() -> Path | None:
    """The shared Kyrgyzstan data folder (``settings.AIMAK_SHARED_DATA``, the core's
    ``aimak.paths.data_home``), or None when absent."""
    return folder_or_none(getattr(settings, "AIMAK_SHARED_DATA", None))


def budget_rows(folder: Path, code: str) -> list[dict]:
    with (folder / "local_budgets.csv").open(encoding="utf-8") as fh:
        return [row for row in csv.DictReader(fh) if row["soate"] == code]


def resolution_of(row: dict) -> tuple[str, date] | None:
    """(number, date) of the council resolution a row's stage names, if it names one."""
    m = RESOLUTION.search(row["stage"])
    if m is None:
        return None
    day, month, year = (int(x) for x in m.group(1).split("."))
    return m.group(2), date(year, month, day)


def lines_from_rows(rows: list[dict]) -> tuple[int, tuple[str, date], list[dict]]:
    """(budget year, resolution, line dicts) of the latest resolution's medium-term budget.

    The rows adopted by one council resolution give the budget year (its first year) and the
    two forecast years after it; per item, each year's value goes into its column. A value the
    file does not give stays empty. The file's item keys are not budget classification codes,
    so the lines have no code; their source is the published document (the file's English
    remarks stay in the file: the stage of each year is what the columns say, the resolution
    is the line's provenance). An item this module has no name for is ``ValueError``.
    """
    by_resolution: dict[tuple[str, date], list[dict]] = defaultdict(list)
    for r in rows:
        res = resolution_of(r)
        if res is not None:
            by_resolution[res].append(r)
    if not by_resolution:
        raise ValueError("no row names a council resolution")
    resolution = max(by_resolution, key=lambda res: res[1])
    chosen = by_resolution[resolution]
    year = min(int(r["period"]) for r in chosen)
    by_item: dict[str, dict[int, dict]] = defaultdict(dict)
    for r in chosen:
        by_item[r["item"]][int(r["period"])] = r
    lines = []
    unknown = sorted(set(by_item) - set(ITEMS))
    if unknown:
        raise ValueError(f"items without a Russian and Kyrgyz name: {', '.join(unknown)}")
    for item, years in by_item.items():
        section, ru, ky = ITEMS[item]
        used = [years[y] for y in sorted(years)]
        lines.append({
            "section": section, "code": "", "name_ru": ru, "name_ky": ky,
            **{f"amount_{k + 1}": Decimal(years[year + k]["value"]) if year + k in years
               else None for k in range(3)},
            "provenance": LineSource.RESOLUTION, "resolution_number": resolution[0],
            "resolution_date": resolution[1],
            "source": " ".join(sorted({r["source_url"] for r in used}))[:1000]})
    return year, resolution, lines


def load_demo(ctx) -> None:
    from aimak_web.places.models import Municipality

    folder = shared_data_dir()
    if folder is None or not (folder / "local_budgets.csv").exists():
        ctx.log("hearings: the shared data (local_budgets.csv) is not found; no demo hearing")
        return
    muni = Municipality.objects.filter(code=DEMO_MUNICIPALITY_CODE).first()
    if muni is None:
        ctx.log(f"hearings: municipality {DEMO_MUNICIPALITY_CODE} is not in the directory; "
                "no demo hearing")
        return
    rows = budget_rows(folder, DEMO_MUNICIPALITY_CODE)
    if not rows:
        ctx.log("hearings: local_budgets.csv has no rows for the demo municipality")
        return
    try:
        year, (number, adopted), lines = lines_from_rows(rows)
    except ValueError as exc:
        ctx.log(f"hearings: local_budgets.csv, rows of {DEMO_MUNICIPALITY_CODE}: {exc}; "
                "no demo hearing")
        return
    unit_note = any(UNIT_NOTE.search(r["note"]) for r in rows)
    units = {r["unit"] for r in rows}
    if len(units) != 1 or units.pop() not in UNITS:
        ctx.log("hearings: local_budgets.csv gives the demo municipality's lines in a unit "
                "other than one KGS unit; no demo hearing")
        return
    scale = UNITS[rows[0]["unit"]]
    with transaction.atomic():
        Hearing.objects.filter(municipality=muni, is_example=True).delete()
        hearing = Hearing.objects.create(
            municipality=muni, subject=Subject.DRAFT_BUDGET, year=year, is_example=True,
            budget_kind=BudgetKind.MEDIUM_TERM, budget_scale=scale, state=State.DRAFT,
            title_ru=f"Местный бюджет на {year} год и прогноз на {year + 1}–{year + 2} годы "
                     "(пример на опубликованных данных)",
            title_ky=f"{year}-жылга жергиликтүү бюджет жана {year + 1}–{year + 2}-жылдарга "
                     "болжол (жарыяланган маалыматтардагы мисал)",
            notice_ru=NOTICE_RU + (UNIT_NOTE_RU if unit_note else ""),
            notice_ky=NOTICE_KY + (UNIT_NOTE_KY if unit_note else ""),
            created_by=ctx.users.get("municipal_staff"))
        BudgetLine.objects.bulk_create(BudgetLine(hearing=hearing, position=i, **line)
                                       for i, line in enumerate(lines))
    ctx.log(f"hearings: example hearing on the {year}-{year + 2} budget of {muni.name_ru} "
            f"(council resolution No. {number} of {adopted:%d.%m.%Y}) with {len(lines)} "
            "published line(s)")
