"""Assign settlements (GeoNames/WOF points) to classifier municipalities.

For each settlement, candidates are the classifier villages of the rayon (or city) whose polygon
contains it. Rules, tried in order and recorded in ``assignment_rule``:

1. ``classifier_name``: a name key (``names.name_key``) of the Russian, Latin or Kyrgyz name equals
   a village's key;
2. ``classifier_name_spelling``: the loose keys are equal (``names.loose_key``: Кек-Алма ~
   Көк-Алма, Кюнгей ~ Күңгөй, Кумтюбе ~ Кум-Дөбө);
3. ``classifier_name_fuzzy``: the most similar loose keys, at least ``names.FUZZY_MIN``;
4. ``classifier_town_other_rayon``: the name equals that of a town or city of the oblast whose
   polygon does not contain the point (boundary polygons and points disagree near cities);
5. ``nearest_centre``: no village matched; the settlement goes to the municipality of the rayon
   whose centre is nearest in a straight line (a labelled fallback, applied by the builder).

When a name matches villages of several municipalities, the one whose ADM3 reference point
(OCHA) is nearest wins and the ambiguity is noted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aimak.names import NameIndex, name_key

#: The rule recorded for each tier of ``NameIndex.match``.
RULES = {"same": "classifier_name", "spelling": "classifier_name_spelling",
         "fuzzy": "classifier_name_fuzzy"}
_ORDER = ("same", "spelling", "fuzzy")


@dataclass
class Match:
    municipality_code: str
    village_ru: str
    village_code: str
    urban: bool
    rule: str
    ambiguous: bool


def match_settlements(settlements: pd.DataFrame, villages: pd.DataFrame,
                      refs: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """Match settlements to classifier villages within their rayon.

    ``settlements`` needs ``id, name_ru, name_en, name_ky, rayon_code, x, y`` (metric
    coordinates); ``villages`` needs ``village_code, village_ru, municipality_code, rayon_code,
    urban``; ``refs`` maps a municipality code to a metric reference point (its ADM3 centroid).
    Returns one row per settlement with ``municipality_code, village_ru, village_code, urban,
    assignment_rule, ambiguous`` (empty where nothing matched).
    """
    vrayon = villages["rayon_code"].to_numpy(object)
    index = {r: NameIndex(villages["village_ru"].iloc[rows].tolist(), [str(i) for i in rows])
             for r in pd.unique(vrayon) for rows in [np.flatnonzero(vrayon == r)]}
    vkeys = villages["village_ru"].map(name_key)
    # towns by oblast (СОАТЕ digits 4-5), so that the rule does not depend on what was built
    towns: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in np.flatnonzero(villages["urban"].to_numpy(bool)):
        towns[(str(vrayon[i])[:5], vkeys.iat[i])].append(i)

    rows = []
    for rec in settlements.itertuples(index=False):
        names = [n for n in (rec.name_ru, rec.name_en, rec.name_ky) if isinstance(n, str) and n]
        found: list[int] = []
        rule = ""
        idx = index.get(rec.rayon_code)
        if idx is not None:
            best = len(_ORDER)
            for n in names:
                hits, tier = idx.match(n)
                if not hits:
                    continue
                rank = _ORDER.index(tier)
                if rank < best:
                    best, found = rank, []
                if rank == best:
                    found += [int(h) for h in hits if int(h) not in found]
            rule = RULES[_ORDER[best]] if found else ""
        if not found:
            oblast = str(rec.rayon_code)[:5]
            hits = {i for n in names for i in towns.get((oblast, name_key(n)), [])}
            if len(hits) == 1:
                found, rule = list(hits), "classifier_town_other_rayon"
        if not found:
            rows.append({"id": rec.id, "municipality_code": None, "village_ru": None,
                         "village_code": None, "urban": False, "assignment_rule": "",
                         "ambiguous": False})
            continue
        munis = list(dict.fromkeys(villages["municipality_code"].iat[i] for i in found))
        ambiguous = len(munis) > 1
        if ambiguous:
            def dist(code: str, x: float = rec.x, y: float = rec.y) -> float:
                ref = refs.get(code)
                return np.inf if ref is None else float(np.hypot(ref[0] - x, ref[1] - y))
            chosen = min(munis, key=dist)
            found = [i for i in found if villages["municipality_code"].iat[i] == chosen]
        i = found[0]
        rows.append({"id": rec.id, "municipality_code": villages["municipality_code"].iat[i],
                     "village_ru": villages["village_ru"].iat[i],
                     "village_code": villages["village_code"].iat[i],
                     "urban": bool(villages["urban"].iat[i]), "assignment_rule": rule,
                     "ambiguous": ambiguous})
    return pd.DataFrame(rows)
