"""``aimak explain-plan``: read an official plan as published, evaluate it and explain it."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from aimak.cli.options import DefaultFrom

console = Console()
#: whose defaults --time-limit and --ensemble show and use (set once, there)
EXPLAIN = "aimak.plans.explain_official:explain_official"

#: Files written into ``--out`` (all CSV except the plans, which use the plan format).
OUTPUTS = ("summary.txt", "names.csv", "checks.csv", "ranges.csv", "weights.csv",
           "differences.csv",
           "units.csv", "official_plan.csv", "nearest_plan.csv")


@click.command("explain-plan")
@click.option("--dataset", required=True, type=click.Path(path_type=Path),
              help="Dataset GeoPackage.")
@click.option("--times", required=True, type=click.Path(path_type=Path),
              help="Travel times (Parquet or CSV): origin,destination,minutes,km,mode.")
@click.option("--flows", type=click.Path(path_type=Path), default=None,
              help="Flows between settlements (CSV/Parquet): origin,destination,flow.")
@click.option("--plan", "plan_file", required=True, type=click.Path(path_type=Path),
              help="The official plan: new_unit,old_code[,centre] or "
                   "new_unit,village[,rayon][,centre].")
@click.option("--criteria", "criteria", multiple=True,
              help="Criteria set to check the plan against (TOML file or built-in name); "
                   "repeatable. Default: every built-in set.")
@click.option("--strict", is_flag=True,
              help="Fail on any unmatched or ambiguous village name instead of reporting it.")
@click.option("--time-limit", type=float, cls=DefaultFrom, target=EXPLAIN,
              help="Seconds for each exact solve.")
@click.option("--ensemble", "n_plans", type=int, cls=DefaultFrom, target=EXPLAIN,
              parameter="ensemble",
              help="Valid plans to sample around the official one (0: none).")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Folder to write the findings into.")
def explain_plan(dataset, times, flows, plan_file, criteria, strict, time_limit, n_plans,
                 out) -> None:
    """Evaluate an official plan, find the criteria and weights it is consistent with, and
    show how it differs from the nearest optimal plan."""
    import pandas as pd

    from aimak.dataset import Dataset
    from aimak.io import atomic_path, read_table
    from aimak.plans.criteria import Criteria
    from aimak.plans.evaluate import write_plan
    from aimak.plans.explain_official import explain_official
    from aimak.plans.instance import read_times_file
    from aimak.plans.official import read_official

    ds = Dataset.read(dataset)
    official = read_official(plan_file, ds, strict=strict)
    specs = criteria or _builtin_names()
    sets = {}
    for spec in specs:
        crit = Criteria.load(spec)
        sets[Path(spec).stem] = (crit.title or Path(spec).stem, crit)
    t = read_times_file(times)
    f = None
    if flows is not None:
        f = pd.read_parquet(flows) if flows.suffix.lower() == ".parquet" else read_table(flows)
    result = explain_official(ds, t, f, official, sets, time_limit=time_limit,
                              ensemble=n_plans)
    lines = result.lines()
    for line in lines:
        console.print(f"  {line}", highlight=False, soft_wrap=True)
    out.mkdir(parents=True, exist_ok=True)
    tables = {"names.csv": names_table(result.official), "checks.csv": result.checks,
              "ranges.csv": result.ranges, "weights.csv": result.weights,
              "differences.csv": result.differences,
              "units.csv": result.units}
    for name, table in tables.items():
        with atomic_path(out / name) as tmp:
            table.to_csv(tmp, index=False)
    write_plan(out / "official_plan.csv", result.instance, result.plan)
    write_plan(out / "nearest_plan.csv", result.instance, result.nearest)
    with atomic_path(out / "summary.txt") as tmp:
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    console.print(f"Wrote {', '.join(OUTPUTS)} to {out}.")


def names_table(official):
    """Every reading finding as a row: kind, row, unit, name, suggestions or detail."""
    import pandas as pd

    rows = [{"kind": i.problem, "row": i.row, "new_unit": i.new_unit, "name": i.name,
             "detail": "; ".join(i.suggestions)} for i in official.issues]
    rows += [{"kind": "split", "row": None, "new_unit": r.units, "name": r.old_code,
              "detail": r.villages} for r in official.splits.itertuples()]
    rows += [{"kind": "unlisted", "row": None, "new_unit": None, "name": r.old_code,
              "detail": r.village} for r in official.unlisted.itertuples()]
    rows += [{"kind": "not covered", "row": None, "new_unit": None, "name": code,
              "detail": ""} for code in official.unknown]
    return pd.DataFrame(rows, columns=["kind", "row", "new_unit", "name", "detail"])


def _builtin_names() -> list[str]:
    from importlib import resources

    files = resources.files("aimak.plans") / "criteria"
    return sorted(p.name.removesuffix(".toml") for p in files.iterdir()
                  if p.name.endswith(".toml") and p.name != "admin_norms.toml")


COMMANDS = [explain_plan]
