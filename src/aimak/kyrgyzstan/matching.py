"""Assign settlements (GeoNames/WOF points) to classifier municipalities.

For each settlement, candidates are the classifier villages of the rayon (or city) whose polygon
contains it. Rules, tried in order and recorded in ``assignment_rule``:

1. ``classifier_name``: a name key (``names.name_key``) of the Russian, Latin or Kyrgyz name equals
   a village's key;
2. ``classifier_name_vowels``: the consonant skeletons are equal (Кек-Алма ~ Көк-Алма);
3. ``classifier_name_fuzzy``: the best key similarity is at least ``FUZZY_MIN``;
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

from aimak.names import name_key, similarity, skeleton

FUZZY_MIN = 0.85


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
    index: dict[str, dict[str, dict[str, list[int]]]] = defaultdict(
        lambda: {"key": defaultdict(list), "skel": defaultdict(list)})
    vkeys = villages["village_ru"].map(name_key)
    vskel = villages["village_ru"].map(skeleton)
    for i, (rayon, k, s) in enumerate(zip(villages["rayon_code"], vkeys, vskel, strict=True)):
        index[rayon]["key"][k].append(i)
        if len(s) >= 3:
            index[rayon]["skel"][s].append(i)
    by_rayon = {r: np.flatnonzero(villages["rayon_code"].to_numpy() == r)
                for r in villages["rayon_code"].unique()}
    towns: dict[str, list[int]] = defaultdict(list)
    for i in np.flatnonzero(villages["urban"].to_numpy(bool)):
        towns[vkeys.iat[i]].append(i)

    rows = []
    for rec in settlements.itertuples(index=False):
        names = [n for n in (rec.name_ru, rec.name_en, rec.name_ky) if isinstance(n, str) and n]
        found: list[int] = []
        rule = ""
        idx = index.get(rec.rayon_code)
        if idx is not None:
            for n in names:
                found = list(dict.fromkeys(found + idx["key"].get(name_key(n), [])))
            rule = "classifier_name" if found else ""
            if not found:
                for n in names:
                    found = list(dict.fromkeys(found + idx["skel"].get(skeleton(n), [])))
                rule = "classifier_name_vowels" if found else ""
            if not found:
                best, best_i = 0.0, -1
                for i in by_rayon.get(rec.rayon_code, []):
                    s = max(similarity(n, villages["village_ru"].iat[i]) for n in names)
                    if s > best:
                        best, best_i = s, i
                if best >= FUZZY_MIN:
                    found, rule = [best_i], "classifier_name_fuzzy"
        if not found:
            hits = {i for n in names for i in towns.get(name_key(n), [])}
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
