"""Reading an official plan as it is published: municipality codes or villages by name.

Two layouts are accepted (CSV, XLSX or any table ``aimak.io.read_table`` reads):

* ``new_unit, old_code[, centre]``: one row per current municipality (СОАТЕ code);
* ``new_unit, village[, rayon][, centre]``: one row per village, named as a decree annex or a
  district's website lists it (Russian, Kyrgyz or Latin spelling). Villages are matched to the
  dataset's settlements with ``aimak.names``; each village's current municipality gives the
  composition. A municipality whose villages are listed under two new units is *split*: it is
  reported, and assigned whole to the unit holding most of its listed inhabitants (aimak merges
  whole municipalities). Villages of a listed municipality that the plan does not name are
  reported too.

Municipalities the plan does not mention are *unknown*, not errors: a partial plan (one rayon
published, the rest not) is evaluated on the part that is known. Every name that matches no
settlement, or several, is reported with suggestions; nothing is dropped silently. ``centre`` is
a settlement id or a village name of the unit (optional).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from aimak.errors import InputError, Problem, fail
from aimak.names import NameIndex, name_key

#: The columns a settlement may be named by (``classifier_village``: the classifier's name of
#: the village a point was matched to, where the dataset has it).
NAME_COLUMNS = ("name_ru", "name_ky", "name_en", "classifier_village")


@dataclass(frozen=True)
class NameIssue:
    """A published name that matched no settlement (``unmatched``) or several (``ambiguous``)."""

    row: int
    new_unit: str
    name: str
    problem: str
    suggestions: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        if self.problem == "unmatched":
            hint = (f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions
                    else "")
            what = "matches no settlement of the dataset"
        else:
            hint = ""
            what = (f"matches settlements of several municipalities ("
                    f"{', '.join(self.suggestions)}); add a rayon column or list it under the "
                    "unit of its neighbours")
        return f"row {self.row}: '{self.name}' (unit {self.new_unit}) {what}{hint}"


@dataclass
class OfficialPlan:
    """A published plan read against a dataset.

    ``mapping``: ``old_code, new_unit, centre`` (centre: settlement id or empty) for the
    municipalities the plan covers; ``issues``: names not matched or ambiguous; ``splits``: one
    row per municipality whose villages fall in several new units (``old_code, name, units,
    villages``); ``unlisted``: villages of covered municipalities the plan does not name
    (``old_code, village``); ``unknown``: codes of municipalities the plan does not cover.
    """

    mapping: pd.DataFrame
    source: str
    layout: str
    issues: list[NameIssue] = field(default_factory=list)
    splits: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["old_code", "name", "units", "villages"]))
    unlisted: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["old_code", "village"]))
    unknown: list[str] = field(default_factory=list)
    #: Names matched by a looser rule than equal keys: ``(row, name, settlement, rule)`` with
    #: rule ``spelling`` (Kyrgyz/Russian transcription) or ``fuzzy`` (similar spelling).
    loose: list[tuple[int, str, str, str]] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        return bool(self.unknown)

    def findings(self) -> list[str]:
        """Plain sentences on what reading the plan found (for the CLI and the report)."""
        out = [i.message for i in self.issues]
        for row, name, found, rule in self.loose:
            how = ("by its Kyrgyz/Russian spelling" if rule == "spelling"
                   else "by a similar spelling (check it)")
            out.append(f"row {row}: '{name}' is read as {found}, matched {how}")
        for r in self.splits.itertuples():
            out.append(f"{r.name} ({r.old_code}) is split between units {r.units}: "
                       f"{r.villages}")
        if len(self.unlisted):
            by = self.unlisted.groupby("old_code")["village"].apply(list)
            for code, villages in by.items():
                out.append(f"{code}: {len(villages)} village(s) not listed in the plan "
                           f"({', '.join(villages[:5])}); the municipality is taken whole")
        if self.unknown:
            out.append(f"{len(self.unknown)} municipalities are not covered by the plan; it is "
                       "evaluated on the part that is known")
        return out


def read_official(path: str | Path, ds, strict: bool = False) -> OfficialPlan:
    """Read a published plan (see the module docstring) against the dataset ``ds``.

    With ``strict`` an unmatched or ambiguous village name is an error instead of a finding.
    """
    from aimak.io import read_table
    from aimak.schema import SOURCE_ROW

    path = Path(path)
    df = read_table(path)
    label = str(path)
    if "new_unit" not in df.columns:
        raise fail("the plan lacks the column new_unit; expected new_unit,old_code[,centre] "
                   "or new_unit,village[,rayon][,centre]", label)
    has_code, has_village = "old_code" in df.columns, "village" in df.columns
    if has_code == has_village:
        raise fail("the plan needs exactly one of the columns old_code (municipality codes) "
                   "or village (village names)", label)
    rows = df[SOURCE_ROW].to_numpy() if SOURCE_ROW in df.columns else np.arange(1, len(df) + 1)
    units = df["new_unit"].astype("string").str.strip().fillna("")
    problems = [Problem("empty new unit", label, int(rows[r]), "new_unit")
                for r in np.flatnonzero((units == "").to_numpy())]
    key = "old_code" if has_code else "village"
    empty = (df[key].astype("string").str.strip().fillna("") == "").to_numpy()
    problems += [Problem(f"empty {key.replace('_', ' ')}", label, int(rows[r]), key)
                 for r in np.flatnonzero(empty)]
    if problems:
        raise InputError(problems)
    if not len(df):
        raise fail("the plan has no rows", label)
    reader = _by_code if has_code else _by_village
    plan = reader(df, rows, units.to_numpy(object), ds, label)
    if strict and plan.issues:
        raise InputError([Problem(i.message, label, i.row, "village") for i in plan.issues])
    codes = ds.municipalities["code"].astype(str)
    plan.unknown = sorted(set(codes) - set(plan.mapping["old_code"]))
    if plan.mapping.empty:
        raise fail("no row of the plan could be matched to the dataset", label)
    return plan


def _by_code(df, rows, units, ds, label) -> OfficialPlan:
    codes = df["old_code"].astype("string").str.strip().fillna("").to_numpy(object)
    known = set(ds.municipalities["code"].astype(str))
    problems = [Problem(f"'{c}' is not a municipality code of the dataset", label, int(r),
                        "old_code") for c, r in zip(codes, rows, strict=True) if c not in known]
    dup = pd.Series(codes).duplicated(keep=False).to_numpy()
    problems += [Problem(f"the municipality '{codes[i]}' appears more than once", label,
                         int(rows[i]), "old_code") for i in np.flatnonzero(dup)]
    if problems:
        raise InputError(problems)
    mapping = pd.DataFrame({"old_code": codes, "new_unit": units})
    centres = _unit_centres(df, rows, units, mapping, ds, label)
    mapping["centre"] = [centres.get(u, "") for u in mapping["new_unit"]]
    return OfficialPlan(mapping=mapping, source=label, layout="codes")


def _name_index(s: pd.DataFrame) -> NameIndex:
    names, ids = [], []
    for col in NAME_COLUMNS:
        if col in s.columns:
            names += s[col].tolist()
            ids += s["id"].astype(str).tolist()
    return NameIndex(names, ids)


def _by_village(df, rows, units, ds, label) -> OfficialPlan:
    s = ds.settlements.reset_index(drop=True)
    sid = s["id"].astype(str).to_numpy(object)
    pos = {v: k for k, v in enumerate(sid)}
    smun = s["municipality_code"].astype(str).to_numpy(object)
    srayon = s["rayon"].astype(str).to_numpy(object)
    pop = s["population"].to_numpy(float)
    show = s["name_ru"].astype(str).to_numpy(object)
    index = _name_index(s)
    villages = df["village"].astype("string").str.strip().fillna("").to_numpy(object)
    rayons = (df["rayon"].astype("string").str.strip().fillna("").to_numpy(object)
              if "rayon" in df.columns else np.full(len(df), "", object))
    problems = [Problem("empty village name", label, int(rows[i]), "village")
                for i in np.flatnonzero(villages == "")]
    if problems:
        raise InputError(problems)
    matched: dict[int, str] = {}
    pending: list[tuple[int, list[str]]] = []
    issues: list[NameIssue] = []
    loose: dict[int, str] = {}
    in_rayon: dict[str, set[str]] = {}
    for k, r in enumerate(srayon):
        in_rayon.setdefault(name_key(r), set()).add(sid[k])
    for i, name in enumerate(villages):
        among = in_rayon.get(name_key(rayons[i]), set()) if rayons[i] else None
        hits, rule = index.match(name, among=among)
        if rule in ("spelling", "fuzzy"):
            loose[i] = rule
        if len(hits) == 1:
            matched[i] = hits[0]
        elif hits:
            pending.append((i, hits))
        else:
            pool = index.suggest(name, n=3)
            if rayons[i]:
                pool = [h for h in pool if name_key(srayon[pos[h]]) == name_key(rayons[i])]
            issues.append(NameIssue(int(rows[i]), str(units[i]), str(name), "unmatched",
                                    tuple(f"{show[pos[h]]} ({smun[pos[h]]})" for h in pool)))
    # A name shared by several settlements is resolved when the choice cannot change the
    # composition: its candidates (those in municipalities the unit's other villages already
    # place in it, if any) lie in one municipality, or all in municipalities of the unit.
    # A candidate not yet taken by another row is preferred.
    for i, hits in pending:
        held = {smun[pos[matched[j]]] for j in matched if units[j] == units[i]}
        near = [h for h in hits if smun[pos[h]] in held] or hits
        used = set(matched.values())
        free = [h for h in near if h not in used] or near
        if len({smun[pos[h]] for h in free}) == 1 or all(smun[pos[h]] in held for h in free):
            matched[i] = free[0]
        else:
            issues.append(NameIssue(int(rows[i]), str(units[i]), str(villages[i]), "ambiguous",
                                    tuple(f"{show[pos[h]]} ({srayon[pos[h]]}, {smun[pos[h]]})"
                                          for h in hits)))
    twice = pd.Series(list(matched.values())).duplicated(keep=False)
    dup_ids = set(pd.Series(list(matched.values()))[twice])
    problems = [Problem(f"the village '{villages[i]}' is listed more than once", label,
                        int(rows[i]), "village") for i, h in matched.items() if h in dup_ids]
    if problems:
        raise InputError(problems)
    loose_rows = [(int(rows[i]), str(villages[i]),
                   f"{show[pos[matched[i]]]} ({smun[pos[matched[i]]]})", rule)
                  for i, rule in loose.items() if i in matched]
    listed = pd.DataFrame({"row": list(matched), "settlement": list(matched.values())})
    listed["new_unit"] = [str(units[i]) for i in matched]
    listed["old_code"] = [smun[pos[h]] for h in listed["settlement"]]
    listed["pop"] = [max(pop[pos[h]], 0.0) for h in listed["settlement"]]
    listed["village"] = [str(villages[i]) for i in matched]
    split_rows, mapping_rows = [], []
    for code, part in listed.groupby("old_code", sort=True):
        weight = part.groupby("new_unit")["pop"].sum() + part.groupby("new_unit").size() * 1e-9
        unit = str(weight.idxmax())
        mapping_rows.append((code, unit))
        if len(weight) > 1:
            mname = ds.municipalities.set_index("code").get("name_ru")
            split_rows.append({
                "old_code": code, "name": str(mname.get(code, code)) if mname is not None
                else code, "units": ", ".join(map(str, weight.index)),
                "villages": "; ".join(f"{u}: {', '.join(g['village'])}"
                                      for u, g in part.groupby("new_unit"))})
    mapping = pd.DataFrame(mapping_rows, columns=["old_code", "new_unit"])
    covered = set(mapping["old_code"])
    named = set(listed["settlement"])
    unlisted = pd.DataFrame([(smun[k], show[k]) for k in range(len(sid))
                             if smun[k] in covered and sid[k] not in named],
                            columns=["old_code", "village"])
    centres = _unit_centres(df, rows, units, mapping, ds, label)
    mapping["centre"] = [centres.get(u, "") for u in mapping["new_unit"]]
    return OfficialPlan(mapping=mapping, source=label, layout="villages", issues=issues,
                        loose=loose_rows,
                        splits=pd.DataFrame(split_rows,
                                            columns=["old_code", "name", "units", "villages"]),
                        unlisted=unlisted)


def _unit_centres(df, rows, units, mapping, ds, label) -> dict[str, str]:
    """New unit -> settlement id of the centre given in the ``centre`` column (a settlement id
    or a village name of one of the unit's municipalities)."""
    if "centre" not in df.columns:
        return {}
    members = mapping.groupby("new_unit")["old_code"].apply(set).to_dict()
    s = ds.settlements
    sid = s["id"].astype(str).to_numpy(object)
    pos = {v: k for k, v in enumerate(sid)}
    smun = s["municipality_code"].astype(str).to_numpy(object)
    index = _name_index(s)
    chosen: dict[str, str] = {}
    problems = []
    raw = df["centre"].astype("string").str.strip().fillna("").to_numpy(object)
    for i, text in enumerate(raw):
        if not text:
            continue
        unit = str(units[i])
        hits = [text] if text in pos else index.lookup(text)
        hits = [h for h in hits if smun[pos[h]] in members.get(unit, set())]
        if len(hits) != 1:
            what = "is not a settlement of the unit" if not hits else "names several settlements"
            problems.append(Problem(f"the centre '{text}' {what} '{unit}'", label,
                                    int(rows[i]), "centre"))
        elif chosen.get(unit, hits[0]) != hits[0]:
            problems.append(Problem(f"unit '{unit}' is given two different centres", label,
                                    int(rows[i]), "centre"))
        else:
            chosen[unit] = hits[0]
    if problems:
        raise InputError(problems)
    return chosen


def plan_on(inst, official: OfficialPlan, name: str = "official"):
    """The official plan on ``inst``, restricted to the municipalities it covers.

    Returns ``(sub_instance, plan)``: ``inst`` itself when the plan is complete, else
    ``inst.subset`` of the covered municipalities (objective on the full instance's scale). A
    unit without a published centre gets its best allowed centre (``Instance.choose_centre``).
    """
    from aimak.plans.instance import Plan

    m = official.mapping
    known = pd.Index(inst.units).get_indexer(m["old_code"].astype(str))
    if (known < 0).any():
        bad = m["old_code"].astype(str).to_numpy()[known < 0]
        raise fail(f"the plan names municipalities not in the instance: {', '.join(bad[:5])}",
                   official.source, column="old_code")
    order = np.sort(known)
    sub = inst if len(order) == inst.n else inst.subset(order)
    by_code = dict(zip(m["old_code"].astype(str), m["new_unit"].astype(str), strict=True))
    unit_of = np.array([by_code[c] for c in sub.units], object)
    ids, labels = np.unique(unit_of, return_inverse=True)
    centre = m["centre"] if "centre" in m.columns else pd.Series("", index=m.index)
    centre_of = dict(zip(m["new_unit"].astype(str), centre.fillna("").astype(str), strict=True))
    given = {u: c for u, c in centre_of.items() if c}
    sindex = pd.Index(sub.settlement_ids)
    centres = np.empty(len(ids), np.int64)
    for k, u in enumerate(ids):
        if given.get(u):
            centres[k] = sindex.get_loc(given[u])
        else:
            centres[k] = sub.choose_centre(np.flatnonzero(labels == k))
    return sub, Plan(labels, centres, name=name, status="official", unit_ids=ids)
