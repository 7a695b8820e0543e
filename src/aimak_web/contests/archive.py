"""The contest's real history, read at run time from the shared data's
``lsg_contests_and_hearings.csv`` (published facts, one source address per row; never copied into
the repository): past editions of «Реальное участие граждан в формировании местных бюджетов»,
winners of the state contest «Самый лучший айыл окмоту», and budget hearings reported in the
press. Free-text English columns of the file (notes, rayons) are not shown: a page speaks one
language; the codes it uses (oblasts, groups, what was counted) are said through the catalog.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from aimak.paths import folder_or_none
from aimak_web.core.text import name_in_language
from aimak_web.places.models import Municipality

from .wording import kyrgyz_case

FILE = "lsg_contests_and_hearings.csv"
COLUMNS = ["record_type", "contest_or_event", "results_year", "event_date", "group", "rank",
           "municipality", "rayon", "oblast", "soate_pre2024", "prize_som", "count", "count_of",
           "value_status", "source", "note"]
PARTICIPATION = "Реальное участие"
BEST_AO = "Самый лучший айыл окмоту"
OBLASTS = {
    "chui": gettext_lazy("Chui oblast"), "osh": gettext_lazy("Osh oblast"),
    "naryn": gettext_lazy("Naryn oblast"), "issyk-kul": gettext_lazy("Issyk-Kul oblast"),
    "jalal-abad": gettext_lazy("Jalal-Abad oblast"), "talas": gettext_lazy("Talas oblast"),
    "batken": gettext_lazy("Batken oblast"), "all": gettext_lazy("the whole country"),
}
COUNTED = [
    ("application", lambda n: ngettext("%(n)s application", "%(n)s applications", n)),
    ("more than", lambda n: ngettext("more than %(n)s participant",
                                     "more than %(n)s participants", n)),
    ("participant", lambda n: ngettext("%(n)s participant", "%(n)s participants", n)),
    ("municipalit", lambda n: ngettext("%(n)s municipality", "%(n)s municipalities", n)),
]
GROUPS = [("mountain", gettext_lazy("hard-to-reach, mountain and border municipalities")),
          ("other", gettext_lazy("other municipalities"))]
#: the prize fund is published in the row's note ("prize fund 260,000 som")
FUND = re.compile(r"prize fund ([\d,]+) som")


class ArchiveError(ValueError):
    """The file is missing or not what the archive expects; the message names the file, row
    and column."""


@dataclass
class Entry:
    year: str
    title: str
    regions: str
    count: int | None
    municipality: str
    municipality_code: str | None
    rank: str
    prize: int | None
    fund: int | None
    group: str
    status: str  # published | derived
    source: str
    date: str = ""
    budget_year: str = ""
    counted: str = ""
    #: the language a name is written in as published ("" when the directory says it)
    name_lang: str = ""


@dataclass
class Archive:
    editions: list[Entry] = field(default_factory=list)
    best: list[Entry] = field(default_factory=list)
    hearings: list[Entry] = field(default_factory=list)
    path: str = ""


def data_path() -> Path | None:
    """The archive's file in the shared data folder, or None without that folder."""
    folder = folder_or_none(getattr(settings, "AIMAK_SHARED_DATA", None))
    return folder / FILE if folder is not None else None


def _regions(text: str, title: str = "") -> str:
    """Oblasts of the ``oblast`` column and those the title names in brackets
    ("(Issyk-Kul & Jalal-Abad a/o)", "(nationwide)"), in the reader's language."""
    parts = [p.strip().rstrip("?").lower() for p in (text or "").split(";") if p.strip()]
    bracket = title[title.find("("):].lower() if "(" in title else ""
    parts += [key for key in OBLASTS if key in bracket]
    if "nationwide" in bracket:
        parts.append("all")
    seen = list(dict.fromkeys(p for p in parts if p in OBLASTS))
    return ", ".join(str(OBLASTS[p]) for p in seen) or "—"


def _published_name(text: str) -> str:
    """A municipality as published, without the file's English remarks in brackets; "—" when
    the column holds no name («12 municipalities»)."""
    name = re.sub(r"\s*\([^)]*[A-Za-z][^)]*\)", "", text or "").strip()
    return name if re.search("[А-Яа-яЁёӨөҮүҢң]", name) else "—"


def _date_text(raw: str) -> str:
    """An ISO date or range of the file («2016-06-08..2016-06-30») as the pages write dates
    («08.06.2016–30.06.2016»); anything else as published."""
    def one(part: str) -> str:
        found = re.fullmatch(r"(\d{4})-(\d\d)(?:-(\d\d))?", part.strip())
        if not found:
            return part.strip()
        y, m, d = found.groups()
        return f"{d}.{m}.{y}" if d else f"{m}.{y}"
    return "–".join(one(p) for p in (raw or "").split("..") if p.strip())


def _budget_year(title: str) -> str:
    """The budget year an edition is named after («… бюджета на 2015 год», «… – 2019»)."""
    found = re.search(r"(20\d\d)", title)
    return found.group(1) if found else ""


def _counted(count: int | None, text: str) -> str:
    """«16 заявок», «more than 100 participants»: the count with what was counted."""
    if count is None:
        return "—"
    low = (text or "").lower()
    say = next((fn for key, fn in COUNTED if key in low), None)
    if say is None:
        return str(count)
    n = count
    if "more than" in low and get_language() == "ky":  # «100дөн ашык»: the suffix by harmony
        n = kyrgyz_case(str(count), "ablative")
    return say(count) % {"n": n}


def _pick(table, text: str) -> str:
    low = (text or "").lower()
    return next((str(label) for key, label in table if key in low), "")


def _int(value: str, where: str) -> int | None:
    value = (value or "").replace(",", "").replace(" ", "")
    if not value:
        return None
    if not value.isdigit():
        raise ArchiveError(_("%(where)s: “%(v)s” is not a whole number.")
                           % {"where": where, "v": value})
    return int(value)


def _year(row: dict) -> str:
    for value in (row["results_year"], row["event_date"][:4]):
        if value.isdigit():
            return value
    return _("year not stated")


def read(path: Path | None = None) -> Archive:
    """The archive from the shared data; ``ArchiveError`` says what is wrong and where."""
    path = path or data_path()
    if path is None or not path.is_file():
        raise ArchiveError(_("The file %(file)s is not available on this server.")
                           % {"file": FILE})
    out = Archive(path=FILE)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ArchiveError(_("%(file)s: the columns %(cols)s are missing.")
                               % {"file": FILE, "cols": ", ".join(missing)})
        rows = list(reader)
    codes = {r["soate_pre2024"] for r in rows if r["soate_pre2024"].isdigit()}
    known = {m.code: m for m in Municipality.objects.filter(code__in=codes)}
    for n, row in enumerate(rows, start=2):
        where = _("%(file)s, row %(row)s, column %(col)s") % {"file": FILE, "row": n,
                                                               "col": "%s"}
        if not row["source"].startswith(("http://", "https://")):
            raise ArchiveError(where % "source" + ": " + _("a source address is expected."))
        note = FUND.search(row["note"] or "")
        entry = Entry(
            year=_year(row), title=row["contest_or_event"].split(" (")[0],
            regions=_regions(row["oblast"], row["contest_or_event"]),
            count=_int(row["count"], where % "count"),
            municipality=_published_name(row["municipality"]),
            municipality_code=row["soate_pre2024"] if row["soate_pre2024"] in known else None,
            name_lang="ky" if re.search("[өүңӨҮҢ]", row["municipality"]) else "ru",
            rank=row["rank"] if row["rank"].isdigit() else (
                _("among the winners") if row["rank"] else ""),
            prize=_int(row["prize_som"], where % "prize_som"),
            fund=int(note.group(1).replace(",", "")) if note else None,
            group=_pick(GROUPS, row["group"]), status=row["value_status"].lower(),
            source=row["source"], date=_date_text(row["event_date"]),
            budget_year=_budget_year(row["contest_or_event"]))
        entry.counted = _counted(entry.count, row["count_of"])
        if entry.municipality_code:  # the directory names it in the reader's language
            entry.municipality, entry.name_lang = name_in_language(
                known[entry.municipality_code]), ""
        kind, title = row["record_type"], row["contest_or_event"]
        if PARTICIPATION in title:
            out.editions.append(entry)
        elif kind == "contest_winner" and BEST_AO in title:
            out.best.append(entry)
        elif kind == "budget_hearing":
            out.hearings.append(entry)
    out.editions.sort(key=lambda e: e.budget_year)
    out.best.sort(key=lambda e: (e.year, e.group, e.rank), reverse=False)
    return out
