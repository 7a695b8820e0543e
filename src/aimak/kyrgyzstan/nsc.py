"""The National Statistical Committee's population table by ayil aimak and village.

Operational table 825 on stat.gov.kg, «Численность постоянного населения областей, районов,
городов, айылных аймаков и айылов (сел) Кыргызской Республики»: one workbook (XLS), one sheet per
oblast (and one for the country, Bishkek and Osh), a title saying «на начало 20XXг», then rows of
a 14-digit СОАТЕ code (column A), a name (B) and the resident population at the start of the
year (C; «-» where there is none). Rows go down from the oblast to each rayon, city, ayil aimak,
town and village. Known traps, each handled here:

- Talas's codes are written with spaces («41707 000 000 00 0»): digits are read, not strings;
- Aravan rayon is coded ``41706211800000``: it is read as the rayon ``41706211000000``;
- Naryn city is ``41704000000010`` (no city digits): it is a city, and its villages are its own;
- three codes changed between the 2025 and 2026 editions (Shamalduu-Sai, Gulcho, Kemin): codes
  are never compared across editions, names are (``aimak.names``);
- from the start-2025 edition the rows are the units of the 2024 reform.

``read_population_table`` returns every coded row with its kind (``oblast``, ``rayon``,
``city``, ``ayil_aimak``, ``town``, ``village``), its unit (the municipality code it belongs to)
and its sheet and row, so that an error or a figure can be traced to the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from aimak.errors import InputError, Problem, fail

ARAVAN_AS_PRINTED = "41706211800000"
ARAVAN = "41706211000000"
NARYN_CITY = "41704000000010"
#: The first edition on the units of the 2024 reform (population at the start of 2025).
FIRST_POST_REFORM = 2025
_TITLE_YEAR = re.compile(r"на\s+начало\s+(\d{4})")
_MISSING = {"-", "–", "—", "", "x", "х"}


@dataclass
class PopulationTable:
    """One edition of table 825: ``rows`` (sheet, row, code, name, population, kind, unit)."""

    path: Path
    year: int
    rows: pd.DataFrame

    @property
    def post_reform(self) -> bool:
        """True from the start-2025 edition, whose units are those of the 2024 reform."""
        return self.year >= FIRST_POST_REFORM

    @property
    def reference(self) -> str:
        return (f"National Statistical Committee, resident population at the start of "
                f"{self.year} (table 825, {self.path.name})")

    def villages(self) -> pd.DataFrame:
        """Village and town rows with a population: code, name, population, unit, rayon."""
        r = self.rows
        return r[r["kind"].isin(["village", "town", "city"]) & r["population"].notna()]


def kind_of(code: str) -> str:
    """What a 14-digit code stands for: 417 | oblast 2 | rayon/city 3 | unit 3 | village 3."""
    o, r, a, v = code[3:5], code[5:8], code[8:11], code[11:14]
    if o == "00":
        return "country"
    if code == NARYN_CITY:
        return "city"
    if r == a == v == "000":
        return "oblast"
    if o in ("11", "21"):
        return "city" if v == "000" and a == "000" else "village"
    if r == "000":
        return "village"  # Naryn city's own villages
    if r[0] == "4":
        if a == "000" and v in ("000", "010"):
            return "city"
        return "village" if v != "000" else "group"
    if a == "000" and v == "000":
        return "rayon"
    if a[0] == "8" and v == "000":
        return "ayil_aimak"
    if a[0] in "456":
        if v[0] == "0" and v != "000":
            return "town"
        return "village" if v not in ("000", "800") else "group"
    return "village" if a[0] == "8" else "other"


def unit_of(code: str, kind: str) -> str | None:
    """The municipality (ayil aimak, town or city) a row belongs to."""
    if kind in ("ayil_aimak", "town", "city"):
        return code
    if kind != "village":
        return None
    if code[3:5] in ("11", "21"):
        return code[:5] + "000000000"
    if code[5:8] == "000":
        return NARYN_CITY
    if code[5] == "4":
        return code[:8] + "000010"
    if code[8] == "8":
        return code[:11] + "000"
    return code[:11] + "010"  # a town's village: the town shares its first 11 digits


def read_population_table(path: str | Path) -> PopulationTable:
    """Read an edition of table 825 (XLS or XLSX); bad cells are errors naming sheet and row."""
    path = Path(path)
    if not path.is_file():
        raise fail("the population table does not exist or is not a file", path)
    try:  # calamine reads the committee's XLS (and XLSX) whatever the file's suffix
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object,
                               engine="calamine")
    except Exception as exc:
        raise fail(f"cannot read the file as a workbook ({' '.join(str(exc).split())[:120]}); "
                   "expected the committee's XLS table 825", path) from None
    rows, problems, year = [], [], None
    for sheet, frame in sheets.items():
        for i, rec in enumerate(frame.itertuples(index=False), start=1):
            cells = [*list(rec), None, None, None]
            first = "" if pd.isna(cells[0]) else str(cells[0])
            if year is None:
                found = _TITLE_YEAR.search(" ".join(str(c) for c in cells if not pd.isna(c)))
                year = int(found.group(1)) if found else None
            digits = re.sub(r"\D", "", first)
            if not digits.startswith("417") or len(digits) != 14:
                continue
            name = " ".join(str(cells[1]).split()) if not pd.isna(cells[1]) else ""
            value = cells[2]
            text = "" if pd.isna(value) else str(value).strip()
            population = pd.to_numeric(text.replace(" ", "").replace("\u00a0", ""),
                                       errors="coerce") if text.lower() not in _MISSING else None
            if text.lower() not in _MISSING and (population is None or pd.isna(population)
                                                 or population < 0):
                problems.append(Problem(f"'{text[:30]}' is not a population (a number >= 0, or "
                                        "'-')", f"{path} (sheet {sheet})", i, "C"))
                continue
            code = ARAVAN if digits == ARAVAN_AS_PRINTED else digits
            rows.append({"sheet": str(sheet), "row": i, "code": code, "name": name,
                         "population": None if population is None else float(population)})
    if problems:
        raise InputError(problems)
    if not rows:
        raise fail("no row has a 14-digit СОАТЕ code in column A; expected the committee's "
                   "table 825 (code, name, population)", path)
    if year is None:
        raise fail("no title says «на начало 20XXг»; the edition's year cannot be told", path)
    out = pd.DataFrame(rows).drop_duplicates("code")  # the country sheet repeats the cities
    out["kind"] = out["code"].map(kind_of)
    out["unit"] = [unit_of(c, k) for c, k in zip(out["code"], out["kind"], strict=True)]
    out["rayon"] = [NARYN_CITY if c == NARYN_CITY or (c[5:8] == "000" and c[3:5] == "04")
                    else c[:8] + ("000010" if c[5] == "4" else "000000")
                    for c in out["code"]]
    return PopulationTable(path, year, out.reset_index(drop=True))
