"""``aimak demo`` and ``aimak analyze``: the whole territory pipeline in one command."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from aimak.i18n import LANGUAGES


def _run(config) -> None:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from aimak.pipeline import run

    console = Console()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=False) as bar:
        task = None

        def step(name: str) -> None:
            nonlocal task
            if task is not None:
                bar.update(task, completed=1, total=1)
            task = bar.add_task(name, total=None)

        result = run(config, progress=step)
        if task is not None:
            bar.update(task, completed=1, total=1)
    _print_result(console, result)


def _print_result(console: Console, result) -> None:
    from rich.table import Table

    ds, zm = result.dataset, result.zone_metrics
    s = ds.settlements
    console.print(f"Dataset: {len(s)} settlements, {len(ds.municipalities)} municipalities, "
                  f"{s['population'].sum():,.0f} inhabitants "
                  f"({(s['population_source'] == 'estimated').mean():.0%} of settlements with "
                  "estimated population).")
    t = result.times
    how = t["provenance"].iloc[0] if "provenance" in t.columns and len(t) else "modelled"
    console.print(f"Travel times: {len(t):,} pairs ({t['mode'].iloc[0]}, {how}). "
                  f"Flows: {len(result.flows):,} "
                  f"({', '.join(sorted(result.flows['source'].unique()))}).")
    console.print(f"Functional zones ({zm.get('method')}): {zm.get('n_zones')} zones, "
                  f"{zm.get('share_inside', float('nan')):.0%} of flows inside, adjusted Rand "
                  f"index with ayil aimaks {zm.get('adjusted_rand_index', float('nan')):.2f}, "
                  f"{zm.get('split_municipalities')} ayil aimaks split across zones.")
    table = Table(title="Plans compared with today's map")
    cols = ["title", "units", "smallest_unit_population", "mean_minutes_to_centre",
            "share_within_30_min", "self_containment", "violations"]
    cols = [c for c in cols if c in result.comparison.columns]
    for c in cols:
        table.add_column(c.replace("_", " "), justify="left" if c == "title" else "right")
    for _, row in result.comparison.iterrows():
        cells = []
        for c in cols:
            v = row[c]
            if isinstance(v, float) and v != v:  # NaN: not applicable
                v = "–"
            elif isinstance(v, float):
                v = f"{v:.0%}" if "share" in c or c == "self_containment" else f"{v:,.1f}"
            cells.append(str(v))
        table.add_row(*cells)
    console.print(table)
    today = result.comparison[result.comparison["plan"] == "current"]
    if len(today) and isinstance(today["violated_criteria"].iloc[0], str):
        console.print("Today's map, criteria violations under each scenario: "
                      f"{today['violated_criteria'].iloc[0]}.")
    for plan in result.plans.values():
        if "infeasible" in plan:
            console.print(f"[yellow]{plan['title']}: infeasible[/] — {plan['infeasible']}")
    if getattr(result, "official", None) is not None:
        console.print("Official plan (see the report's 'Official plan' section):")
        for line in result.official.lines():
            console.print(f"  {line}", highlight=False)
    if result.cache_hits:
        console.print(f"Reused cached results for: {', '.join(dict.fromkeys(result.cache_hits))}.")
    console.print("How the modelled stages were made, as the report states it:")
    stages = {"travel": "travel times", "flows": "flows", "zones": "zones"}
    for stage, how in result.methods.items():
        console.print(f"  {stages.get(stage, stage)}: {how}", highlight=False)
    console.print("Outputs:")
    for fmt, path in result.files.items():
        console.print(f"  {fmt}: {path}")


@click.command()
@click.option("--source", type=click.Path(path_type=Path), default=None,
              help="Folder with the Kyrgyz source files (default: ../shared/data/kyrgyzstan, "
                   "downloaded when absent).")
@click.option("--oblast", default="jalal-abad", show_default=True, help="Oblast to analyse.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("out/demo"),
              show_default=True, help="Folder for the outputs.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="ru", show_default=True,
              help="Language of the report.")
@click.option("--official-plan", type=click.Path(path_type=Path), default=None,
              help="A published plan (new_unit,old_code or new_unit,village) to explain in an "
                   "'Official plan' section (see docs/plans.md).")
def demo(source: Path | None, oblast: str, out: Path, lang: str,
         official_plan: Path | None) -> None:
    """Run the whole method on Jalal-Abad: data, travel times, flows, zones, plans, report."""
    from aimak.pipeline import Config

    _run(Config(source=source, oblast=oblast, out=out, lang=lang, official_plan=official_plan))


@click.command()
@click.argument("config_path", type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of the report (overrides the config).")
def analyze(config_path: Path, lang: str | None) -> None:
    """Run the pipeline on your own data, as described by a TOML config (see README)."""
    from aimak.pipeline import Config

    config = Config.read(config_path)
    if lang:
        config.lang = lang
    _run(config)


COMMANDS = [demo, analyze]
