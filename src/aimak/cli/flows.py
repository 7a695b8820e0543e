"""``aimak flows`` (modelled flows, central places) and ``aimak survey`` (form, ingest)."""

from __future__ import annotations

import math
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from aimak.cli.options import DefaultFrom
from aimak.errors import InputError, Problem, fail
from aimak.flows import DEFAULT_SNAP_M

console = Console()


def _sidecar(out: Path, suffix: str) -> Path:
    return out.with_name(f"{out.stem}_{suffix}")


#: Options several commands share.
DATASET_OPTION = click.option("--dataset", "dataset_path", required=True,
                              type=click.Path(path_type=Path), help="Dataset GeoPackage.")
SNAP_OPTION = click.option("--snap-distance", type=float, default=DEFAULT_SNAP_M,
                           show_default=True,
                           help="Metres within which a facility belongs to its nearest "
                                "settlement.")

@click.group()
def flows() -> None:
    """Flows between settlements: modelled flows and central places."""


@flows.command("model")
@DATASET_OPTION
@click.option(
    "--times",
    "times_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Travel times (Parquet or CSV): origin, destination, minutes[, km, mode].",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Output flows table (.csv or .parquet).",
)
@click.option(
    "--observed",
    "observed_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Observed or surveyed flows to calibrate on (repeatable).",
)
@click.option("--mode", default=None, help="Travel mode to use when the times file has several.")
@click.option(
    "--beta",
    type=float,
    default=None,
    help="Distance decay per minute (default 0.1; start value when calibrating).",
)
@click.option("--alpha", type=float, default=None, help="Exponent of attractiveness (default 1).")
@click.option(
    "--decay", type=click.Choice(["exponential", "power"]), cls=DefaultFrom,
    target="aimak.flows.model:model_flows",
)
@click.option(
    "--max-minutes",
    type=float,
    default=None,
    help="Leave destinations farther than this out of the choice sets.",
)
@SNAP_OPTION
@click.option(
    "--min-flow",
    type=float,
    default=0.0,
    show_default=True,
    help="Leave out modelled flows smaller than this (their count is printed).",
)
@click.option(
    "--no-calibrate", is_flag=True, help="Use the given or default parameters as they are."
)
@click.option(
    "--service",
    default=None,
    help="Model one service (e.g. health): calibrate on its observed flows only, count only "
    "its facilities, and label the output with it.",
)
def model(
    dataset_path: Path,
    times_path: Path,
    out: Path,
    observed_paths: tuple[Path, ...],
    mode: str | None,
    beta: float | None,
    alpha: float | None,
    decay: str,
    max_minutes: float | None,
    snap_distance: float,
    min_flow: float,
    no_calibrate: bool,
    service: str | None,
) -> None:
    """Model flows with a Huff model, calibrated on observed flows when given."""
    from aimak.flows.run import model_flows_to_files
    from aimak.params import FlowParams, check

    given = {"beta": beta, "alpha": alpha, "decay": decay, "max_minutes": max_minutes,
             "snap_distance": snap_distance, "calibrate": not no_calibrate}
    # the same checked parameter object as the config's [flows] section
    check(FlowParams, {k: v for k, v in given.items() if v is not None},
          key_name=lambda k: "--no-calibrate" if k == "calibrate" else "--" + k.replace("_", "-"))
    if not (math.isfinite(min_flow) and min_flow >= 0):
        raise fail(f"option --min-flow: {min_flow} is not valid; expected a finite number >= 0")
    run = model_flows_to_files(dataset_path, times_path, out, observed_paths, service=service,
                               mode=mode, min_flow=min_flow, snap_distance=snap_distance,
                               beta=beta, alpha=alpha, decay=decay, max_minutes=max_minutes,
                               calibrate=not no_calibrate)
    fit, fit_path = run.fit, run.fit_path
    console.print(f"Wrote {run.kept} modelled flows from {run.n_origins} settlements to {out}.")
    if run.left_out:
        console.print(f"Left out {run.left_out} flows smaller than {min_flow:g}.")
    if fit["parameters"] == "calibrated":
        console.print(
            f"Calibrated on {fit['n_flow']:g} observed trips from {fit['n_origins']} settlements: "
            f"beta = {fit['beta']:.4f} (standard error {fit['se_beta']:.4f}), "
            f"alpha = {fit['alpha']:.3f} (standard error {fit['se_alpha']:.3f}), "
            f"pseudo-R2 = {fit['pseudo_r2']:.3f}, common part of flows = "
            f"{fit['common_part']:.3f}."
        )
        if fit["at_bound"]:
            console.print(
                f"[yellow]The estimate of {' and '.join(fit['at_bound'])} lies on the limit of "
                "the range searched: the observed flows do not determine it, so treat the "
                "calibration with caution, or set --beta and --alpha with --no-calibrate.[/]"
            )
    else:
        console.print(
            f"Used default parameters (no observed flows): beta = {run.beta:g} per "
            f"minute, alpha = {run.alpha:g}."
        )
    if run.n_unassigned:
        console.print(
            f"[yellow]{run.n_unassigned} facilities are farther than "
            f"{snap_distance:g} m from every settlement and were not counted; see "
            f"{fit_path}.[/]"
        )
    if run.untimed:
        console.print(
            f"[yellow]{len(run.untimed)} settlements have no travel times in "
            f"{times_path.name} (e.g. {', '.join(run.untimed[:5])}); their residents are "
            "modelled as staying in their own settlement.[/]"
        )
    if run.unserved:
        console.print(
            f"[yellow]{len(run.unserved)} settlements have no destination (no travel "
            f"times); see {fit_path}.[/]"
        )
    console.print(f"Fit report: {fit_path}")


@flows.command("centres")
@DATASET_OPTION
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Output table (.csv or .parquet) of settlements with index and level.",
)
@SNAP_OPTION
def centres(dataset_path: Path, out: Path, snap_distance: float) -> None:
    """Central-place index (Davies) and hierarchy levels (head/tail breaks) of settlements."""
    from aimak.dataset import Dataset
    from aimak.flows.centres import CentralPlaces
    from aimak.io import write_table

    ds = Dataset.read(dataset_path)
    cp = CentralPlaces(max_distance=snap_distance).fit(ds.settlements, ds.facilities, ds.metric_crs)
    write_table(cp.table_, out)
    table = Table("level", "settlements", "highest index", "example")
    for level, group in cp.table_.groupby("level"):
        top = group.sort_values("index", ascending=False).iloc[0]
        table.add_row(str(level), str(len(group)), f"{top['index']:.1f}", str(top["name_en"]))
    console.print(table)
    console.print(f"Assigned {len(cp.assigned_)} facilities; wrote {out}.")
    if len(cp.unassigned_):
        path = _sidecar(out, "unassigned.csv")
        write_table(cp.unassigned_, path)
        console.print(
            f"[yellow]{len(cp.unassigned_)} facilities are farther than "
            f"{snap_distance:g} m from every settlement; listed in {path}.[/]"
        )


@click.group()
def survey() -> None:
    """Field survey of where people go for services: XLSForm and ingest of its exports."""


@survey.command("form")
@DATASET_OPTION
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Output XLSForm (.xlsx) for KoboToolbox or ODK.",
)
@click.option("--rayon", "rayons", multiple=True, help="Only settlements of this rayon.")
@click.option("--oblast", "oblasts", multiple=True, help="Only settlements of this oblast.")
@click.option("--title", default="Where people go for services", show_default=True)
def form(
    dataset_path: Path, out: Path, rayons: tuple[str, ...], oblasts: tuple[str, ...], title: str
) -> None:
    """Write the survey form with the dataset's settlements as choices."""
    from aimak.dataset import Dataset
    from aimak.flows.survey import write_form

    if out.suffix.lower() != ".xlsx":
        raise fail("the form must be written as an .xlsx file", out)
    s = Dataset.read(dataset_path).settlements
    for column, wanted in (("rayon", rayons), ("oblast", oblasts)):
        if wanted:
            unknown = sorted(set(wanted) - set(s[column]))
            if unknown:
                raise fail(
                    f"no settlement has the {column} {', '.join(unknown)}; known: "
                    f"{', '.join(sorted(set(s[column])))}",
                    dataset_path,
                    column=column,
                )
            s = s[s[column].isin(wanted)]
    counts = write_form(s, out, title=title)
    console.print(
        f"Wrote the form with {counts['questions']} questions and "
        f"{counts['settlements']} settlements to {out}."
    )


@survey.command("ingest")
@click.argument("export", type=click.Path(path_type=Path))
@click.option(
    "--dataset",
    "dataset_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Dataset GeoPackage the form was made from.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Output flows table (.csv or .parquet).",
)
@click.option(
    "--corrections",
    type=click.Path(path_type=Path),
    default=None,
    help="Table 'value, settlement_id' resolving names reported before.",
)
@click.option(
    "--weight",
    type=click.Choice(["respondents", "trips"]),
    default="respondents",
    show_default=True,
    help="Count respondents, or nominal trips a year.",
)
@click.option("--strict", is_flag=True, help="Fail when any name is left unresolved.")
def ingest(
    export: Path, dataset_path: Path, out: Path, corrections: Path | None, weight: str, strict: bool
) -> None:
    """Turn a KoboToolbox/ODK export of the survey into flows and a matching report."""
    from aimak.dataset import Dataset
    from aimak.flows import survey as sv
    from aimak.io import write_table

    s = Dataset.read(dataset_path).settlements
    fixes = sv.read_corrections(corrections, set(s["id"])) if corrections else None
    result = sv.ingest(export, s, corrections=fixes, weight=weight)
    todo = result.needs_attention
    if strict and len(todo):
        raise InputError(
            [
                Problem(
                    f"'{r.value}' ({sv.STATUS_DOC[r.status]})",
                    export.name,
                    int(str(r.rows).split(",")[0]),
                    r.column,
                )
                for r in todo.itertuples()
            ]
        )
    write_table(result.flows, out)
    report_path = _sidecar(out, "matching.csv")
    write_table(result.report, report_path)
    console.print(
        f"Read {result.responses} responses, {result.usable} with a known settlement; "
        f"wrote {len(result.flows)} surveyed flows to {out}."
    )
    table = Table("status", "answers", "meaning")
    for status, n in result.summary.items():
        if n:
            table.add_row(status, str(n), sv.STATUS_DOC[status])
    if table.row_count:
        console.print(table)
    console.print(f"Matching report: {report_path}")
    template = sv.corrections_template(result.report)
    if len(template):
        path = _sidecar(out, "corrections.csv")
        write_table(template, path)
        console.print(
            f"[yellow]{len(template)} names were not resolved and gave no flow. Fill "
            f"in settlement_id in {path} and run again with --corrections {path}.[/]"
        )


COMMANDS = [flows, survey]
