"""The committee's population table on the dataset: official village figures and the reform.

``match_table`` pairs each classifier village of the dataset with its row of table 825: by
СОАТЕ code in an edition on the pre-reform units, and by name within the rayon
(``aimak.names``, equal or loose keys, a single candidate) otherwise or where the code differs.
``attach_table`` gives every matched village its official figure; ``reform_composition`` turns a
post-reform edition into the reform as a plan (one row per current municipality: the new unit
most of its matched inhabitants are in), which ``aimak explain-plan`` reads.
"""

from __future__ import annotations

import pandas as pd

from aimak.kyrgyzstan.nsc import PopulationTable
from aimak.names import NameIndex


def match_table(frame: pd.DataFrame, table: PopulationTable, code_col: str, rayon_col: str,
                name_col: str) -> pd.Series:
    """Table row (index into ``table.rows``) of each row of ``frame`` that is a classifier
    village (``code_col`` set), matched by code (pre-reform editions) or by name in its rayon."""
    rows = table.villages()
    frame = frame.assign(muni=frame[code_col].astype("string").str[:11])
    out = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    is_village = frame[code_col].notna()
    used: set[int] = set()
    if not table.post_reform:
        by_code = pd.Series(rows.index, index=rows["code"])
        hit = frame.loc[is_village, code_col].map(by_code)
        out.loc[hit.index] = hit.astype("Int64")
        used = set(hit.dropna().astype(int))
    # by name, table row by table row: a single candidate village of the rayon, else the one
    # in a municipality that the unit's other villages already point to (homonyms)
    todo = frame.index[is_village & out.isna()]
    indexes = {r: NameIndex(g[name_col].tolist(), g.index.astype(str).tolist())
               for r, g in frame.loc[todo].groupby(rayon_col)}
    free = rows.drop(index=list(used))
    label_of = dict(zip(frame.index.astype(str), frame.index, strict=True))
    pending = []
    for k, rec in free.iterrows():
        index = indexes.get(rec["rayon"])
        if index is None:
            continue
        found, rule = index.match(rec["name"])
        hits = [label_of[h] for h in found if pd.isna(out[label_of[h]])]
        if rule not in ("same", "spelling") or not hits:
            continue
        if len(hits) == 1:
            out.at[hits[0]] = k
        else:
            pending.append((k, hits))
    held: dict[str, set[str]] = {}
    for i in out.dropna().index:
        held.setdefault(str(rows.at[int(out[i]), "unit"]), set()).add(frame.at[i, "muni"])
    for k, cands in pending:
        near = [i for i in cands if pd.isna(out[i])
                and frame.at[i, "muni"] in held.get(str(rows.at[k, "unit"]), set())]
        if len(near) == 1:
            out.at[near[0]] = k
    return out


def attach_table(pts: pd.DataFrame, table: PopulationTable, notes: list[dict]) -> pd.DataFrame:
    """Official figures of ``table`` on the settlements (``pop_official``, year, reference);
    the classifier villages it does not list keep their figure or are estimated, and are
    counted in a note."""
    pts = pts.copy()
    row = match_table(pts, table, "village_code", "admin_rayon", "village_ru")
    hit = row.notna()
    values = table.rows["population"]
    pts.loc[hit, "pop_official"] = row[hit].astype(int).map(values).to_numpy(float)
    pts.loc[hit, "pop_year"] = table.year
    pts.loc[hit, "pop_ref"] = table.reference
    pts.loc[hit, "pop_basis"] = "nsc_table"
    missing = int((pts["village_code"].notna() & ~hit).sum())
    notes.append({"kind": "note", "subject": "population table", "count": int(hit.sum()),
                  "message": f"{int(hit.sum())} settlements have their figure from "
                             f"{table.reference}; {missing} classifier villages are not found in "
                             "it and keep a figure of the other sources"})
    return pts


def reform_composition(table: PopulationTable, ds, notes: list[dict] | None = None
                       ) -> pd.DataFrame:
    """The reform as a plan: ``new_unit, old_code, old_name, new_code, villages, split``.

    Each current municipality goes to the new unit holding most of its matched inhabitants;
    ``split`` names the other units some of its villages went to, and ``villages`` lists them.
    """
    s = ds.settlements
    frame = s.assign(admin_rayon=s["municipality_code"].map(
        ds.municipalities.set_index("code")["rayon"]))
    rayon_code = dict(zip(ds.rayons["name_en"], ds.rayons["code"], strict=True))
    frame["admin_rayon"] = frame["admin_rayon"].map(rayon_code)
    row = match_table(frame, table, "classifier_code", "admin_rayon", "classifier_village")
    hit = row.notna()
    rows = table.rows
    names = dict(zip(rows["code"], rows["name"], strict=True))
    part = pd.DataFrame({
        "old_code": frame.loc[hit, "municipality_code"].to_numpy(),
        "village": frame.loc[hit, "name_ru"].to_numpy(),
        "new_code": row[hit].astype(int).map(rows["unit"]).to_numpy(),
        "population": row[hit].astype(int).map(rows["population"]).to_numpy(float)})
    part = part[part["new_code"].notna()]
    old_names = dict(zip(ds.municipalities["code"], ds.municipalities["name_ru"], strict=True))
    out = []
    for old, g in part.groupby("old_code", sort=True):
        weight = g.groupby("new_code")["population"].sum()
        new = str(weight.idxmax())
        others = [str(c) for c in weight.index if c != new]
        out.append({"new_unit": f"{names.get(new, new)} ({new})", "old_code": old,
                    "old_name": old_names.get(old, old), "new_code": new,
                    "villages": "; ".join(f"{v} -> {names.get(c, c)}"
                                          for v, c in zip(g["village"], g["new_code"],
                                                          strict=True)),
                    "split": ", ".join(f"{names.get(c, c)} ({c})" for c in others)})
    return pd.DataFrame(out, columns=["new_unit", "old_code", "old_name", "new_code", "villages",
                                      "split"])
