"""The official territorial classifier (СОАТЕ) read into municipalities and their villages.

СОАТЕ codes are 14 digits: ``417`` (country) + 2 oblast + 3 rayon/city + 3 municipality + 3
village. Rules used here, each documented in docs/data.md:

- an ayil aimak is a ``Countryside`` row under a rayon whose code ends in ``000`` and whose name
  says «айылный аймак»; its villages are the ``Village`` rows under it;
- a town of rayon significance (Kerben, Kochkor-Ata, Toktogul ...) has municipality digits
  ``6xx`` (an urban-type settlement ``5xx``); its name comes from the OCHA ADM3 list
  (``ayil_aimaks.csv``, which carries its СОАТЕ code), else from its own classifier row (code
  ``...010`` directly under the rayon: Nookat), else after its lowest-coded settlement
  (Bordunskiy);
- a city of oblast significance is a ``District`` row under the oblast (name «г. ...», or a code
  whose rayon digits start with 4); every row under it belongs to the city;
- a city of republican significance (Bishkek, Osh) is a top-level row named «г. ...»: one
  municipality, the city, whose villages are every ``Countryside`` or ``Village`` row below it
  (its city districts are not municipalities of their own);
- an ayil aimak's centre is, as a rule, its village coded ``...010``; where the classifier has no
  such village, the lowest-coded village is taken, and the rule used is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from aimak.errors import fail


@dataclass
class Village:
    """A classifier village (or urban-type settlement) and the municipality it belongs to."""

    code: str
    name_ru: str
    municipality_code: str
    urban: bool = False


@dataclass
class Municipality:
    """A municipality as the classifier (and, for towns, OCHA's list) defines it."""

    code: str
    name_ru: str
    kind: str  # ayil_aimak | town | city
    rayon_code: str  # СОАТЕ code of its rayon, or of itself for a city of oblast significance
    villages: list[Village] = field(default_factory=list)
    centre_village: str | None = None  # the village name the classifier rule points to
    centre_rule: str = ""


@dataclass
class Classifier:
    """The classifier restricted to one oblast: its rayons/cities and municipalities."""

    oblast_code: str
    oblast_name_ru: str
    rayons: pd.DataFrame  # code, name_ru, kind (rayon|city)
    municipalities: dict[str, Municipality]

    def villages(self) -> pd.DataFrame:
        """All villages with their municipality and rayon codes."""
        rows = [
            {"village_code": v.code, "village_ru": v.name_ru, "municipality_code": m.code,
             "rayon_code": m.rayon_code, "urban": v.urban}
            for m in self.municipalities.values() for v in m.villages
        ]
        return pd.DataFrame(rows)


def _clean(name: str) -> str:
    return " ".join(str(name).replace("–", "-").split()).replace(" - ", "-")


def read_classifier(soate_csv: Path, adm3_csv: Path, oblast_code: str) -> Classifier:
    """Read СОАТЕ (and the OCHA ADM3 list for towns) for the oblast with the given code."""
    soate = pd.read_csv(soate_csv, dtype=str).fillna("")
    for col in ("id", "name_ru", "soate", "type", "parent_id"):
        if col not in soate.columns:
            raise fail(f"the classifier lacks the column '{col}'", soate_csv, column=col)
    soate["name_ru"] = soate["name_ru"].map(_clean)
    oblast = soate[soate["soate"] == oblast_code]
    if oblast.empty:
        raise fail(f"the oblast code {oblast_code} is not in the classifier", soate_csv,
                   column="soate")
    oblast_id = oblast["id"].iloc[0]
    if oblast["name_ru"].iloc[0].startswith("г."):
        return _republican_city(soate, oblast.iloc[0])
    children = soate.groupby("parent_id")
    districts = soate[soate["parent_id"] == oblast_id]
    rayon_rows = []
    munis: dict[str, Municipality] = {}
    own_rows: dict[str, str] = {}  # a town's own row (e.g. Nookat 41706242600010): its name
    for _, d in districts.iterrows():
        is_city = not d["soate"].endswith("000000")  # rayons end in 000000, cities in 010
        kind = "city" if is_city else "rayon"
        rayon_rows.append({"code": d["soate"], "name_ru": d["name_ru"], "kind": kind})
        below = children.get_group(d["id"]) if d["id"] in children.groups else soate.iloc[:0]
        if is_city:
            name = d["name_ru"].removeprefix("г.").strip()
            city = Municipality(d["soate"], name, "city", d["soate"],
                                centre_village=name, centre_rule="city_itself")
            city.villages = [Village(d["soate"], name, d["soate"], urban=True)]
            city.villages += [Village(r["soate"], r["name_ru"], d["soate"],
                                      urban=r["soate"][8] == "5")
                              for _, r in below.iterrows()]
            munis[city.code] = city
            continue
        for _, aa in below.iterrows():
            if aa["soate"].endswith("000") and "аймак" in aa["name_ru"].lower():
                m = Municipality(aa["soate"], aa["name_ru"], "ayil_aimak", d["soate"])
                kids = (children.get_group(aa["id"]) if aa["id"] in children.groups
                        else soate.iloc[:0])
                m.villages = [Village(r["soate"], r["name_ru"], aa["soate"])
                              for _, r in kids.sort_values("soate").iterrows()]
                if m.villages:
                    first = m.villages[0]
                    m.centre_village = first.name_ru
                    m.centre_rule = ("classifier_010" if first.code.endswith("010")
                                     else "classifier_lowest_code")
                munis[m.code] = m
            else:  # a village of a town of rayon significance, e.g. 41703211610810
                town_code = aa["soate"][:11] + "010"
                town = munis.setdefault(town_code, Municipality(
                    town_code, "", "town", d["soate"], centre_rule="town_itself"))
                if aa["soate"] != town_code:
                    town.villages.append(Village(aa["soate"], aa["name_ru"], town_code))
                else:
                    own_rows[town_code] = aa["name_ru"]
    _add_towns(munis, adm3_csv, oblast_code, {r["code"] for r in rayon_rows})
    for code, name in own_rows.items():  # towns the ADM3 list lacks: named by their own row
        if not munis[code].name_ru:
            _name_town(munis[code], name)
    for town in (m for m in munis.values() if not m.name_ru and m.villages):
        # no row of its own (Bordunskiy 41708213530010 lists only 530020 «Бордунский»): named
        # after its lowest-coded settlement, which is taken as the town itself and its centre
        first = min(town.villages, key=lambda v: v.code)
        first.urban = True
        town.name_ru, town.centre_village = first.name_ru, first.name_ru
        town.centre_rule = "classifier_lowest_code"
    return Classifier(oblast_code, oblast["name_ru"].iloc[0], pd.DataFrame(rayon_rows), munis)


def _republican_city(soate: pd.DataFrame, row: pd.Series) -> Classifier:
    """Bishkek or Osh: one municipality over every village listed anywhere below the city."""
    code, name = row["soate"], row["name_ru"].removeprefix("г.").strip()
    city = Municipality(code, name, "city", code, centre_village=name, centre_rule="city_itself")
    city.villages = [Village(code, name, code, urban=True)]
    parents, below = {row["id"]}, []
    while parents:
        rows = soate[soate["parent_id"].isin(parents)]
        below.append(rows)
        parents = set(rows["id"])
    rows = pd.concat(below).sort_values("soate")
    city.villages += [Village(r["soate"], r["name_ru"], code, urban=r["soate"][8] == "5")
                      for _, r in rows.iterrows() if r["type"] in ("Countryside", "Village")]
    rayons = pd.DataFrame([{"code": code, "name_ru": name, "kind": "city"}])
    return Classifier(code, row["name_ru"], rayons, {code: city})


def _add_towns(munis: dict[str, Municipality], adm3_csv: Path, oblast_code: str,
               rayon_codes: set[str]) -> None:
    """Towns of rayon significance (municipality digits 6xx) from OCHA's ADM3 list."""
    adm3 = pd.read_csv(adm3_csv, dtype=str).fillna("")
    for col in ("soate", "soate_name_ru"):
        if col not in adm3.columns:
            raise fail(f"the ADM3 list lacks the column '{col}'", adm3_csv, column=col)
    mine = adm3[adm3["soate"].str.startswith(oblast_code[:5])]
    for _, row in mine.iterrows():
        code = row["soate"]
        rayon = code[:8] + "000000"
        if code[8] != "6" or rayon not in rayon_codes:
            continue
        town = munis.setdefault(code, Municipality(code, "", "town", rayon))
        _name_town(town, _clean(row["soate_name_ru"]))


def _name_town(town: Municipality, name: str) -> None:
    """The town's name, and the town itself as its first (urban) village and its centre."""
    town.name_ru = name
    town.villages.insert(0, Village(town.code, name, town.code, urban=True))
    town.centre_village = name
    town.centre_rule = "town_itself"
