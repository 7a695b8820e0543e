"""Make a GENERATED 'published' plan for one rayon, to demonstrate ``aimak explain-plan``.

No published composition of a new (2024) ayil aimak is available to the project, so this takes
the demo's cached ``moderate`` plan, keeps one rayon, moves one municipality to a neighbouring
unit (as a decision outside any stated rule would) and lists the units' villages by name the
way a decree annex does, mixing Russian, Kyrgyz and Latin spellings. The output is labelled
generated: it is not an official plan.

    python examples/generated_official_plan.py out/demo/cache Suzak out/official/suzak_generated.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from aimak.dataset import Dataset
from aimak.plans.instance import polygon_adjacency


def main(cache: Path, rayon: str, out: Path) -> None:
    ds = Dataset.read(next(cache.glob("dataset-*.gpkg")))
    plan = pd.read_parquet(next(cache.glob("plan-moderate-*.parquet"))).set_index("old_code")
    mun = ds.municipalities.reset_index(drop=True)
    codes = mun.loc[mun["rayon"] == rayon, "code"].astype(str).tolist()
    if not codes:
        raise SystemExit(f"no municipality in rayon '{rayon}'")
    unit = plan.loc[codes, "new_unit"].astype(str)
    adj = polygon_adjacency(ds.to_metric("municipalities").geometry.values).tocoo()
    index = {c: i for i, c in enumerate(mun["code"].astype(str))}
    settlements = ds.settlements
    moved = None
    for c in codes:  # the first member (not the centre's municipality) of a merged unit
        own = set(settlements.loc[settlements["municipality_code"] == c, "id"])
        if (unit == unit[c]).sum() < 2 or plan.loc[c, "centre"] in own:
            continue
        others = [mun["code"].iloc[j] for j in adj.col[adj.row == index[c]]
                  if mun["code"].iloc[j] in unit.index and unit[mun["code"].iloc[j]] != unit[c]]
        if others:
            moved = (c, unit[c], unit[others[0]])
            unit[c] = unit[others[0]]
            break
    s = settlements[settlements["municipality_code"].astype(str).isin(codes)]
    names = [ky if k % 3 == 0 and isinstance(ky, str) and ky else en if k % 3 == 1 else ru
             for k, (ru, ky, en) in enumerate(zip(s["name_ru"], s["name_ky"], s["name_en"],
                                                  strict=True))]
    label = {u: f"Unit {k + 1}" for k, u in enumerate(sorted(unit.unique()))}
    table = pd.DataFrame({"new_unit": [label[unit[c]] for c in
                                       s["municipality_code"].astype(str)],
                          "village": names, "rayon": s["rayon"].to_numpy()})
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    print(f"GENERATED plan for {rayon}: {len(codes)} municipalities, {unit.nunique()} units, "
          f"{len(table)} villages; moved {moved[0] if moved else 'none'} from "
          f"{label.get(moved[1], moved[1]) if moved else '-'} to "
          f"{label[moved[2]] if moved else '-'}; wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
