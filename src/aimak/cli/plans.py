"""``aimak amalgamate``, ``aimak evaluate``, ``aimak ensemble``: merger plans and their evidence."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from aimak.cli.options import DefaultFrom

#: ``aimak.plans.solver.METHODS`` (a test checks they agree; the CLI starts without it).
SOLVING_METHODS = ("auto", "exact", "heuristic")
SOLVER = "aimak.plans.solver:PlanSolver"

console = Console()

_dataset = click.option("--dataset", "dataset", required=True,
                        type=click.Path(path_type=Path), help="Dataset GeoPackage.")
_times = click.option("--times", "times", required=True, type=click.Path(path_type=Path),
                      help="Travel times (Parquet or CSV): origin,destination,minutes,km,mode.")
_flows = click.option("--flows", "flows", type=click.Path(path_type=Path), default=None,
                      help="Flows between settlements (CSV/Parquet): origin,destination,flow.")
_criteria = click.option("--criteria", "criteria", default="accessibility", show_default=True,
                         help="Criteria TOML file, or the name of a built-in one "
                              "(accessibility, population, moderate).")


def _load(dataset: Path, times: Path, flows: Path | None, criteria: str):
    from aimak.dataset import Dataset
    from aimak.flows.observed import read_flows
    from aimak.plans.criteria import Criteria
    from aimak.plans.instance import Instance, read_times_file

    crit = (Criteria.read(criteria) if Path(criteria).suffix.lower() == ".toml"
            or Path(criteria).exists() else Criteria.builtin(criteria))
    ds = Dataset.read(dataset)
    t = read_times_file(times)
    f = read_flows(flows) if flows is not None else None
    return Instance.from_dataset(ds, t, crit, flows=f, times_file=str(times),
                                 flows_file=str(flows) if flows else "flows")


def _print_indicators(table, title: str) -> None:
    out = Table(title=title)
    out.add_column("indicator")
    for col in table.columns:
        out.add_column(str(col), justify="right")
    for name, row in table.iterrows():
        cells = []
        for v in row:
            if isinstance(v, float):
                digits = 3 if abs(v) < 10 else 1 if abs(v) < 1000 else 0
                cells.append(f"{v:,.{digits}f}")
            else:
                cells.append(str(v))
        out.add_row(str(name), *cells)
    console.print(out)


@click.command("amalgamate")
@_dataset
@_times
@_flows
@_criteria
@click.option("--solver", type=click.Choice(SOLVING_METHODS), cls=DefaultFrom, target=SOLVER,
              parameter="method",
              help="auto: exact per rayon (or oblast), the heuristic where it runs out of time; "
                   "exact: no heuristic; heuristic: the heuristic alone.")
@click.option("--time-limit", type=float, cls=DefaultFrom, target=SOLVER,
              help="Seconds of the exact solver per rayon (or oblast).")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Plan CSV to write: old_code,new_unit,centre.")
@click.option("--explain", "explain_out", type=click.Path(path_type=Path), default=None,
              help="Also write a CSV explaining each merger and each unit left alone.")
@click.option("--pareto", default=None, metavar="FIRST,SECOND",
              help="Instead of one plan, a Pareto set over two objectives (travel, coherence, "
                   "balance, units): writes OUT_pareto_1.csv ... and prints the front.")
@click.option("--steps", type=int, default=7, show_default=True,
              help="Weights tried between the two --pareto objectives.")
def amalgamate(dataset, times, flows, criteria, solver, time_limit, out, explain_out, pareto,
               steps) -> None:
    """Find the best merger plan that meets every criterion, and print its indicators."""
    from aimak.errors import fail
    from aimak.io import atomic_path
    from aimak.params import SolverParams, check
    from aimak.plans.evaluate import compare, current_plan, write_plan
    from aimak.plans.explain import explain
    from aimak.plans.solver import PlanSolver
    from aimak.plans.validity import check_solved

    check(SolverParams, {"time_limit": time_limit}, key_name=lambda k: "--time-limit")
    if steps < 2:
        raise fail(f"option --steps: {steps} is not valid; expected a whole number >= 2")
    inst = _load(dataset, times, flows, criteria)
    for line in inst.criteria.describe():
        console.print(f"  {line}")

    if pareto:
        _pareto(inst, pareto, steps, solver, time_limit, out)
        return

    fitted = PlanSolver(time_limit=time_limit, method=solver).fit(inst)
    plan = fitted.plan_
    for row in fitted.parts_.itertuples():
        gap = "" if row.gap != row.gap else f", gap {row.gap:.2%}"  # NaN: no proven bound
        console.print(f"{row.name}: {row.solver} solver, {row.status}{gap}, "
                      f"{row.seconds:.1f} s.", highlight=False)
        if row.solver == "none" or row.solver == "heuristic":
            console.print(f"  {row.diagnosis}", highlight=False, soft_wrap=True)
    problems = check_solved(inst, plan, fitted.solved_)
    if problems:  # never expected: the solvers only return valid plans
        raise click.ClickException("the plan fails the validity check: "
                                   + "; ".join(v.message for v in problems))
    plan.name = "proposed"
    write_plan(out, inst, plan)
    _print_indicators(compare(inst, [current_plan(inst), plan]),
                      "Current map and proposed plan")
    if explain_out is not None:
        table = explain(inst, plan)
        with atomic_path(explain_out) as tmp:
            table.to_csv(tmp, index=False)
    console.print(f"Wrote {out}.")


def _pareto(inst, spec: str, steps: int, solver: str, time_limit: float, out: Path) -> None:
    """A Pareto set of two objectives, each plan found by ``solver`` (``auto`` is exact)."""
    from aimak.errors import fail
    from aimak.plans.evaluate import write_plan
    from aimak.plans.pareto import TERMS, pareto_front

    names = [x.strip() for x in spec.split(",")]
    if len(names) != 2 or not all(n in TERMS for n in names):
        raise fail(f"--pareto expects two of {', '.join(TERMS)} separated by a comma, got "
                   f"'{spec}'")
    kind = "heuristic" if solver == "heuristic" else "exact"
    plans, table = pareto_front(inst, names[0], names[1], steps=steps, solver=kind,
                                time_limit=time_limit)
    for i, plan in enumerate(plans, start=1):
        path = out.with_name(f"{out.stem}_pareto_{i}{out.suffix or '.csv'}")
        write_plan(path, inst, plan)
        table.loc[i - 1, "file"] = path.name
    console.print(table.to_string(index=False))


@click.command("evaluate")
@_dataset
@_times
@_flows
@_criteria
@click.option("--plan", "plans", multiple=True, type=click.Path(path_type=Path),
              help="Plan CSV old_code,new_unit[,centre]; repeat to compare several.")
@click.option("--current/--no-current", default=True, show_default=True,
              help="Include the current map in the comparison.")
@click.option("--norms", type=click.Path(path_type=Path), default=None,
              help="Administrative staff and cost norms (TOML); default: built-in assumptions.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="XLSX workbook of indicators to write.")
def evaluate(dataset, times, flows, criteria, plans, current, norms, out) -> None:
    """Compute the indicators of plans (and the current map) and compare them side by side."""
    from aimak.errors import fail
    from aimak.plans.evaluate import AdminNorms, compare, current_plan, read_plan, write_workbook

    inst = _load(dataset, times, flows, criteria)
    chosen = [read_plan(p, inst) for p in plans]
    if current:
        chosen.insert(0, current_plan(inst))
    if not chosen:
        raise fail("give at least one --plan, or keep --current")
    admin = AdminNorms.read(norms)
    write_workbook(out, inst, chosen, admin)
    _print_indicators(compare(inst, chosen, admin), "Plans compared")
    console.print(f"Wrote {out}.")


@click.command("ensemble")
@_dataset
@_times
@_flows
@_criteria
@click.option("--n", "n_plans", type=int, default=1000, show_default=True,
              help="Number of plans to sample.")
@click.option("--start", "start", type=click.Path(path_type=Path), default=None,
              help="Start plan CSV (default: the heuristic's plan).")
@click.option("--place", "place", multiple=True, type=click.Path(path_type=Path),
              help="Plan CSV to place in the ensemble's distribution (repeatable).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--chains", type=click.IntRange(min=1), default=1, show_default=True,
              help="Independent chains (seeded from --seed); the same plans on any number "
                   "of workers.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Dask workers running the chains (> 1: a local cluster).")
@click.option("--scheduler", default=None,
              help="Address of an existing Dask scheduler (tcp://host:8786) for the chains.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Parquet file of sampled plans and their indicators.")
def ensemble(dataset, times, flows, criteria, n_plans, start, place, seed, chains, workers,
             scheduler, out) -> None:
    """Sample many plans that meet every criterion (ReCom chain) to compare a plan against."""
    from aimak.errors import fail
    from aimak.io import atomic_path
    from aimak.params import compute_options
    from aimak.plans.ensemble import METRICS, ReComEnsemble
    from aimak.plans.evaluate import read_plan
    from aimak.plans.feasibility import InfeasibleError
    from aimak.plans.solver import PlanSolver
    from aimak.plans.validity import check_plan

    if n_plans < 1:
        raise fail(f"option --n: {n_plans} is not valid; expected a whole number >= 1")
    compute = compute_options(workers, scheduler)
    inst = _load(dataset, times, flows, criteria)
    plan = (read_plan(start, inst) if start else
            PlanSolver(method="heuristic").fit(inst).plan_)
    problems = check_plan(inst, plan)
    if problems:
        raise InfeasibleError(["the start plan breaks the criteria: "
                               + "; ".join(v.message for v in problems[:5])])
    if plan.n_units < 2:
        raise InfeasibleError(["the start plan has a single unit; recombination needs at "
                               "least two (give another --start plan)"])
    if chains > 1 or compute.distributed:
        from aimak.plans.chains import ChainEnsemble

        chain = ChainEnsemble(n_plans=n_plans, n_chains=chains, seed=seed,
                              workers=compute.workers, scheduler=compute.scheduler
                              ).fit(inst, plan)
        attempts = sum(chain.attempts_)  # per chain
    else:
        chain = ReComEnsemble(n_plans=n_plans, seed=seed).fit(inst, plan)
        attempts = chain.attempts_
    if not len(chain.metrics_):
        raise InfeasibleError([f"no recombination of the start plan meets the criteria "
                               f"({attempts} proposals tried)"])
    with atomic_path(out) as tmp:
        chain.frame(inst).to_parquet(tmp, index=False)
    console.print(f"Sampled {len(chain.metrics_)} plans in {chain.seconds_:.1f} s "
                  f"({attempts} proposals).")
    summary = chain.metrics_.describe(percentiles=[0.05, 0.5, 0.95]).T[
        ["min", "5%", "50%", "95%", "max"]]
    _print_indicators(summary, "Ensemble distribution")
    for p in place:
        other = read_plan(p, inst)
        shares = chain.place(inst, other)
        console.print(f"{other.name}: share of sampled plans at or below it: "
                      + ", ".join(f"{k} {shares[k]:.0%}" for k in METRICS))
    console.print(f"Wrote {out}.")


COMMANDS = [amalgamate, evaluate, ensemble]
