"""``aimak demo`` and ``aimak analyze``: the whole territory pipeline in one command."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from aimak.i18n import LANGUAGES, N_, _, say_json, use_language
from aimak.manifest import stage_label


def _run(config) -> None:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from aimak.pipeline import run

    console = Console()
    with use_language(config.lang), Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
            console=console, transient=False) as bar:
        task = None

        def step(name: str) -> None:
            nonlocal task
            if task is not None:
                bar.update(task, completed=1, total=1)
            task = bar.add_task(stage_label(name), total=None)

        result = run(config, progress=step)
        if task is not None:
            bar.update(task, completed=1, total=1)
    with use_language(config.lang):
        _print_result(console, result, config.lang)


TRAVEL_MODES = {"terrain": N_("terrain model"), "roads": N_("road network"),
                "straight": N_("straight lines")}
#: Columns of the console's plan table: comparison column, header, number kind.
CONSOLE_COLUMNS = (("units", N_("units"), "int"),
                   ("smallest_unit_population", N_("smallest unit, inhabitants"), "int"),
                   ("mean_minutes_to_centre", N_("mean minutes to centre"), "float1"),
                   ("share_within_30_min", N_("within 30 min"), "percent"),
                   ("self_containment", N_("flows kept inside"), "percent"),
                   ("violations", N_("violations"), "int"))


def _print_parts(console: Console, result) -> None:
    """Plans solved part by part: the parts with no plan and the heuristic stand-ins."""
    for plan in result.plans.values():
        parts = plan.get("parts")
        if parts is None or not len(parts):
            continue
        bad = parts[parts["solver"] != "exact"]
        solvers = ", ".join(f"{k}: {v}" for k, v in parts["solver"].value_counts().items())
        console.print(_("{title}: {count} parts solved apart ({solvers}).").format(
            title=_(plan["title"]), count=len(parts), solvers=solvers), highlight=False)
        for row in bad.itertuples():
            what = _("no feasible plan") if row.solver == "none" else _("heuristic plan")
            why = (say_json(row.reasons) if isinstance(getattr(row, "reasons", None), list)
                   else row.diagnosis)  # in the console's language when it can be said so
            console.print(f"  [yellow]{row.name}[/]: {what} — {why}", highlight=False)


def _print_result(console: Console, result, lang: str) -> None:
    """The run's headline figures in the current language (that of the report)."""
    from aimak.i18n import fmt_number
    from aimak.report.model import VALUE_LABELS
    from aimak.report.provenance import CLASS_LABELS

    def num(value: object, kind: str = "int") -> str:
        return fmt_number(value, kind, lang)

    def cls(name: str) -> str:
        return _(CLASS_LABELS[name]) if name in CLASS_LABELS else name

    ds, zm = result.dataset, result.zone_metrics
    s = ds.settlements
    console.print(_("Dataset: {settlements} settlements, {municipalities} municipalities, "
                    "{population} inhabitants ({share} of settlements with estimated "
                    "population).").format(
        settlements=num(len(s)), municipalities=num(len(ds.municipalities)),
        population=num(s["population"].sum()),
        share=num((s["population_source"] == "estimated").mean(), "percent")))
    t = result.times
    how = t["provenance"].iloc[0] if "provenance" in t.columns and len(t) else "modelled"
    mode = str(t["mode"].iloc[0]) if len(t) else ""
    console.print(_("Travel times: {pairs} pairs ({mode}, {provenance}). Flows: {flows} "
                    "({sources}).").format(
        pairs=num(len(t)), mode=_(TRAVEL_MODES[mode]) if mode in TRAVEL_MODES else mode,
        provenance=cls(str(how)), flows=num(len(result.flows)),
        sources=", ".join(cls(c) for c in sorted(result.flows["source"].unique()))))
    method = str(zm.get("method"))
    console.print(_("Functional zones ({method}): {zones} zones, {share} of flows inside, "
                    "adjusted Rand index with ayil aimaks {ari}, {split} ayil aimaks split "
                    "across zones.").format(
        method=_(VALUE_LABELS[method]) if method in VALUE_LABELS else method,
        zones=num(zm.get("n_zones")), share=num(zm.get("share_inside"), "percent"),
        ari=num(zm.get("adjusted_rand_index"), "float2"),
        split=num(zm.get("split_municipalities"))))
    _print_plans(console, result.comparison, lang)
    today = result.comparison[result.comparison["plan"] == "current"]
    if len(today) and isinstance(today["violated_criteria"].iloc[0], str):
        console.print(_("Today's map, criteria violations under each scenario: "
                        "{violations}.").format(violations=today["violated_criteria"].iloc[0]),
                      highlight=False)
    _print_parts(console, result)
    for plan in result.plans.values():
        if "infeasible" in plan:
            console.print(_("{title}: infeasible").format(title=_(plan["title"]))
                          + f" — {plan['infeasible']}", style="yellow", highlight=False)
    if getattr(result, "official", None) is not None:
        console.print(_("Official plan (see the report's 'Official plan' section):"))
        for line in result.official.lines():
            console.print(f"  {line}", highlight=False)
    if result.cache_hits:
        titles = {f"plan-{k}": _("plan: {name}").format(name=_(p["title"]))
                  for k, p in result.plans.items() if "title" in p}
        console.print(_("Reused cached results for: {steps}.").format(
            steps=", ".join(dict.fromkeys(titles.get(h) or stage_label(h)
                                          for h in result.cache_hits))))
    console.print(_("How the modelled stages were made, as the report states it:"))
    stages = {"travel": _("travel times"), "flows": _("flows"), "zones": _("functional zones")}
    for stage, text in result.methods.items():
        console.print(f"  {stages.get(stage, stage)}: {text}", highlight=False)
    console.print(_("Outputs:"))
    for fmt, path in result.files.items():
        console.print(f"  {fmt}: {path}", highlight=False)


def _print_plans(console: Console, comparison, lang: str) -> None:
    """The plans as a numbered table that fits 80 columns, their titles listed under it."""
    from rich import box
    from rich.table import Table

    from aimak.i18n import fmt_number

    cols = [c for c in CONSOLE_COLUMNS if c[0] in comparison.columns]
    table = Table(title=_("Plans compared with today's map"), box=box.SIMPLE_HEAD,
                  padding=(0, 1), title_justify="left")
    rows = []
    for i, (_key, row) in enumerate(comparison.iterrows()):
        rows.append([str(i)] + [fmt_number(row[c], kind, lang) for c, _h, kind in cols])
    headers = [_("No.")] + [_(h) for _c, h, _k in cols]
    for j, header in enumerate(headers):
        # wide enough for the longest word of the header and every cell: no broken words
        width = max([len(w) for w in header.split()] + [len(r[j]) for r in rows])
        table.add_column(header, justify="right", min_width=width, overflow="fold")
    for r in rows:
        table.add_row(*r)
    console.print(table)
    for i, title in enumerate(comparison["title"].astype(str)):
        console.print(f"  {i}: {_(title)}", highlight=False)


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
    from aimak.config import DEMO_ZONES, Config

    _run(Config(source=source, oblast=oblast, out=out, lang=lang, official_plan=official_plan,
                zones=DEMO_ZONES))


@click.command()
@click.argument("config_path", type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of the report (overrides the config).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Dask workers for the heavy steps (> 1: a local cluster; overrides "
                   "[compute] workers).")
@click.option("--scheduler", default=None,
              help="Address of an existing Dask scheduler, e.g. tcp://host:8786 (overrides "
                   "[compute] scheduler).")
def analyze(config_path: Path, lang: str | None, workers: int | None,
            scheduler: str | None) -> None:
    """Run the pipeline on your own data, as described by a TOML config (see README)."""
    from aimak.config import Config
    from aimak.params import compute_options

    config = Config.read(config_path)
    if lang:
        config.lang = lang
    # the options override the config's [compute] keys and are checked like them
    config.compute = compute_options(workers, scheduler, base=config.compute)
    _run(config)


COMMANDS = [demo, analyze]
