"""A published Kyrgyz village list reads the composition right (issue 26): real data.

Before issue 26, 20 of 55 Kyrgyz names of one rayon's list were unmatched (ө ↔ е/ё, ү ↔ ю,
ң ↔ н, ж ↔ дж, and villages the classifier lists that had no point), so a new unit was read with
one municipality instead of two.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from aimak.dataset import Dataset
from aimak.plans.official import read_official

#: Bürgöndü and Dostuk ayil aimaks (Nooken) as one new unit, in Kyrgyz spelling. Курама and
#: Ууру-Жар have no GeoNames point: they are in the dataset at their centre (approximate).
KYRGYZ_LIST = ["Бүргөндү", "Жаңы-Арык", "Жеңиш", "Кичи-Бүргөндү", "Кокандык", "Курама",
               "Кызыл-Кыя", "Ноошкен", "Ууру-Жар", "Шамалды-Сай", "Достук", "Кудук"]


def test_kyrgyz_list_gives_one_unit_of_two_municipalities(jalal_abad, tmp_path: Path) -> None:
    _, gpkg = jalal_abad
    ds = Dataset.read(gpkg)
    plan_file = tmp_path / "nooken.csv"
    pd.DataFrame({"new_unit": "Бүргөндү айыл аймагы", "village": KYRGYZ_LIST,
                  "rayon": "Nooken"}).to_csv(plan_file, index=False)
    plan = read_official(plan_file, ds)
    assert plan.issues == []  # every name read
    assert set(plan.mapping["old_code"]) == {"41703215819000", "41703215821000"}
    assert plan.mapping["new_unit"].nunique() == 1
    # Бүргөндү is the point's own Kyrgyz name, Жаңы-Арык = Джаны-Арык by equal keys; only
    # Кичи-Бүргөндү (GeoNames: «Кичи Бюогёндю», classifier «Кичи-Бюргендю») needs the loose rule
    assert {name: rule for _, name, _, rule in plan.loose} == {"Кичи-Бүргөндү": "spelling"}
    said = "\n".join(plan.findings())
    assert "'Кичи-Бүргөндү' is read as Кичи Бюогёндю (41703215819000)" in said
    assert "Kyrgyz/Russian spelling" in said
