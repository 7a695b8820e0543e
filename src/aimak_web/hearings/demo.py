"""Demo content: one hearing on the budget of Bürgöndü ayil aimak, from published lines only.

The lines come from ``local_budgets.csv`` of the shared Kyrgyzstan data (read at run time, never
copied into the repository): every row for the municipality's SOATE code, each with its source
URL. The hearing is marked as an example (the municipality did not announce it on aimak); it is
open for comments and has no comments or proposals.
"""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from aimak_web.core.demo import DEMO_MUNICIPALITY_CODE

from .models import BudgetLine, Hearing, State, Subject

#: Names of the items of ``local_budgets.csv`` (Russian, Kyrgyz) and the section they belong to.
ITEMS = {
    "total_local_budget": ("total", "Местный бюджет, всего", "Жергиликтүү бюджет, бардыгы"),
    "own_local_revenue": ("revenue", "Собственные доходы", "Өз кирешелери"),
    "equalisation_grant": ("revenue", "Выравнивающий грант", "Теңдештирүүчү грант"),
    "special_account": ("revenue", "Специальный счёт", "Атайын эсеп"),
    "pasture_use_payment": ("revenue", "Плата за пользование пастбищами",
                            "Жайыттарды пайдалануу акысы"),
}
NOTICE_RU = ("Пример: эти слушания не объявлены айыл окмоту; строки бюджета взяты только из "
             "опубликованных документов (источник у каждой строки). Даты и место не назначены.")
NOTICE_KY = ("Мисал: бул угуулар айыл өкмөтү тарабынан жарыяланган эмес; бюджеттин саптары "
             "жарыяланган документтерден гана алынды (ар бир саптын булагы көрсөтүлгөн). "
             "Күнү жана орду дайындалган эмес.")


def shared_data_dir() -> Path | None:
    """The shared Kyrgyzstan data folder: setting, environment, or ../shared next to the repo."""
    candidates = [getattr(settings, "AIMAK_SHARED_DATA", None),
                  os.environ.get("AIMAK_SHARED_DATA"),
                  settings.REPO_DIR.parent / "shared" / "data" / "kyrgyzstan",
                  # a git worktree of the repository one level further down
                  settings.REPO_DIR.parent.parent / "shared" / "data" / "kyrgyzstan"]
    for c in candidates:
        if c and Path(c).is_dir():
            return Path(c)
    return None


def budget_rows(folder: Path, code: str) -> list[dict]:
    with (folder / "local_budgets.csv").open(encoding="utf-8") as fh:
        return [row for row in csv.DictReader(fh) if row["soate"] == code]


def lines_from_rows(rows: list[dict]) -> tuple[int, list[dict]]:
    """(draft year, line dicts): per item, the first draft year, the year before it, and so on.

    The draft year is the earliest year whose stage is a draft; its item values are the
    next-year draft, the approved values of the year before are the current-year plan. A value
    the file does not give stays empty.
    """
    drafts = sorted(int(r["period"]) for r in rows if r["stage"].startswith("draft"))
    if not drafts:
        raise ValueError("no draft year in the rows")
    year = drafts[0]
    by_item: dict[str, dict[int, dict]] = defaultdict(dict)
    for r in rows:
        by_item[r["item"]][int(r["period"])] = r
    lines = []
    for item, years in by_item.items():
        section, ru, ky = ITEMS.get(item, ("total", item, ""))
        draft, plan = years.get(year), years.get(year - 1)
        if plan and not plan["stage"].startswith("approved"):
            plan = None
        sources = sorted({r["source_url"] for r in (draft, plan) if r})
        notes = sorted({f"{r['period']}: {r['stage']}; {r['note']}".strip("; ")
                        for r in (draft, plan) if r})
        lines.append({
            "section": section, "code": item, "name_ru": ru, "name_ky": ky,
            "previous_actual": None,
            "current_plan": Decimal(plan["value"]) if plan else None,
            "next_draft": Decimal(draft["value"]) if draft else None,
            "source": " ".join([*sources, "(" + " | ".join(notes) + ")"])[:1000]})
    return year, lines


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
    year, lines = lines_from_rows(rows)
    unit = rows[0]["unit"]
    with transaction.atomic():
        Hearing.objects.filter(municipality=muni, is_example=True).delete()
        hearing = Hearing.objects.create(
            municipality=muni, subject=Subject.DRAFT_BUDGET, year=year, is_example=True,
            title_ru=f"Проект местного бюджета на {year} год (пример на опубликованных данных)",
            title_ky=f"{year}-жылдын жергиликтүү бюджетинин долбоору "
                     "(жарыяланган маалыматтардагы мисал)",
            notice_ru=NOTICE_RU, notice_ky=NOTICE_KY, budget_unit=unit, state=State.OPEN,
            created_by=ctx.users.get("municipal_staff"))
        BudgetLine.objects.bulk_create(BudgetLine(hearing=hearing, position=i, **line)
                                       for i, line in enumerate(lines))
    ctx.log(f"hearings: example hearing on the {year} draft budget of {muni.name_ru} "
            f"with {len(lines)} published line(s)")
