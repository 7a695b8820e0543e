"""``aimak zones``: functional zones from a flow table, with their metrics.

Writes ``unit, zone`` (one row per unit seen in the flows), a ``<out>_summary.csv`` table of the
zones and, for the LMA method, ``<out>_reserve.csv`` (units that went through the reserve list);
prints the metrics and, given a municipal map, how the zones compare with municipalities.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from aimak.cli.options import DefaultFrom
from aimak.errors import InputError, Problem, fail
from aimak.zones import METHODS

LMA = "aimak.zones.lma:LabourMarketAreas"
LEIDEN = "aimak.zones.leiden:LeidenZones"

if TYPE_CHECKING:
    import pandas as pd

console = Console()


def read_flow_matrix(path: Path, service: str | None = None):
    """Read a flows table (CSV, XLSX or Parquet) into a FlowMatrix, summing services unless
    ``service`` picks one."""
    from aimak.flows.observed import read_flows
    from aimak.zones.flowmatrix import FlowMatrix

    frame = read_flows(path)
    if service is not None:
        if "service" not in frame.columns or not (frame["service"] == service).any():
            present = sorted(frame["service"].dropna().unique()) if "service" in frame else []
            raise fail(f"no flows for the service '{service}'; the file has: "
                       f"{', '.join(map(str, present)) or 'no service column'}", path,
                       column="service")
        frame = frame[frame["service"] == service]
    if frame.empty:
        raise fail("the flows table has no rows", path)
    return FlowMatrix.from_frame(frame[["origin", "destination", "flow"]].reset_index(drop=True),
                                 file=path.name)


def read_municipality_map(path: Path) -> pd.Series:
    """Read ``unit, municipality`` (CSV or XLSX) into a Series indexed by unit id."""
    from aimak.io import read_table
    from aimak.schema import SOURCE_ROW

    df = read_table(path)
    if len(df) == 0:
        raise fail("the municipal map has a header but no rows; expected unit, municipality",
                   path)
    missing = [c for c in ("unit", "municipality") if c not in df.columns]
    if missing:
        raise fail(f"the municipal map lacks the column(s) {', '.join(missing)}; expected "
                   "'unit' and 'municipality'", path)
    problems = []
    for col in ("unit", "municipality"):
        blank = df[col].isna() | (df[col].astype(str).str.strip() == "")
        for r in df.loc[blank, SOURCE_ROW]:
            problems.append(Problem(f"the {col} is empty", path.name, int(r), col))
    if problems:
        raise InputError(problems)
    df = df.assign(unit=df["unit"].astype(str).str.strip(),
                   municipality=df["municipality"].astype(str).str.strip())
    seen: dict[str, tuple[str, int]] = {}
    for unit, muni, r in zip(df["unit"], df["municipality"], df[SOURCE_ROW], strict=True):
        if unit in seen and seen[unit][0] != muni:
            problems.append(Problem(
                f"unit '{unit}' is given municipality '{muni}' here but '{seen[unit][0]}' in "
                f"row {seen[unit][1]}", path.name, int(r), "municipality"))
        seen.setdefault(unit, (muni, int(r)))
    if problems:
        raise InputError(problems)
    return df.drop_duplicates("unit").set_index("unit")["municipality"]


def _fmt(value: float, digits: int = 3) -> str:
    import numpy as np
    return "-" if value is None or (isinstance(value, float) and np.isnan(value)) else (
        f"{value:.{digits}f}")


@click.command("zones")
@click.option("--flows", "flows_path", required=True, type=click.Path(path_type=Path),
              help="Flows table (CSV, XLSX or Parquet): origin, destination, flow[, service].")
@click.option("--method", type=click.Choice(METHODS), default="lma", show_default=True,
              help="Zoning algorithm.")
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="Output table unit, zone (.csv or .parquet).")
@click.option("--service", default=None,
              help="Use only the flows of this service (default: all flows summed).")
@click.option("--min-size", type=float, cls=DefaultFrom, target=LMA, use=False,
              help="LMA: minimum zone size (residents, in the flows' unit).")
@click.option("--target-size", type=float, cls=DefaultFrom, target=LMA, use=False,
              help="LMA: target zone size.")
@click.option("--min-sc", type=float, cls=DefaultFrom, target=LMA, use=False,
              help="LMA: minimum self-containment (0-1).")
@click.option("--target-sc", type=float, cls=DefaultFrom, target=LMA, use=False,
              help="LMA: target self-containment (0-1).")
@click.option("--resolution", type=float, cls=DefaultFrom, target=LEIDEN, use=False,
              help="Leiden: resolution (higher gives more, smaller zones).")
@click.option("--n-zones", type=int, default=None, help="Intramax: number of zones to stop at.")
@click.option("--seed", type=int, cls=DefaultFrom, target=LEIDEN, use=False,
              help="Leiden: random seed.")
@click.option("--municipalities", "map_path", type=click.Path(path_type=Path), default=None,
              help="Table unit, municipality to compare the zones with.")
@click.option("--dataset", "dataset_path", type=click.Path(path_type=Path), default=None,
              help="Dataset GeoPackage: compare with the settlements' municipalities.")
def zones(flows_path: Path, method: str, out: Path, service: str | None,
          min_size: float | None, target_size: float | None, min_sc: float | None,
          target_sc: float | None, resolution: float | None, n_zones: int | None,
          seed: int | None, map_path: Path | None,
          dataset_path: Path | None) -> None:
    """Build functional zones from flows and print their metrics."""
    from aimak.params import ZoneParams, check
    from aimak.zones.run import build_zones, municipalities_of_dataset

    given = {"min_size": min_size, "target_size": target_size, "min_sc": min_sc,
             "target_sc": target_sc, "resolution": resolution, "n_zones": n_zones, "seed": seed}
    params = check(ZoneParams, {"method": method, **{k: v for k, v in given.items()
                                                     if v is not None}},
                   key_name=lambda k: "--" + k.replace("_", "-"))
    if map_path is not None and dataset_path is not None:
        raise click.UsageError("give either --municipalities or --dataset, not both")
    municipality, names = None, {}
    if map_path is not None:
        municipality = read_municipality_map(map_path)
    elif dataset_path is not None:
        municipality, names = municipalities_of_dataset(dataset_path)
    fm = read_flow_matrix(flows_path, service)
    with console.status(f"Building zones ({method}) for {fm.n} units ..."):
        run = build_zones(fm, method, params.applied(), out, municipality, names)
    console.print(_metrics_table(run, f"Zones ({method}) from {flows_path.name}"))
    split = run.comparison["split"] if run.comparison is not None else None
    if split is not None and len(split):
        st = Table(title="Municipalities split across zones (largest first)")
        columns = [c for c in ("municipality", "name", "n_units", "n_zones", "zones")
                   if c in split.columns]
        for col in columns:
            st.add_column(col)
        for row in split.head(15)[columns].itertuples(index=False):
            st.add_row(*(str(v) for v in row))
        console.print(st)
    for path in run.written:
        console.print(f"Wrote {path}")


def _metrics_table(run, title: str) -> Table:
    summary, model = run.summary, run.model
    t = Table(title=title, show_header=False)
    t.add_row("Units", str(summary["n_units"]))
    t.add_row("Zones", str(summary["n_zones"]))
    t.add_row("Zones of a single unit", str(summary["n_single_unit_zones"]))
    t.add_row("Median units per zone", _fmt(summary["median_zone_units"], 1))
    t.add_row("Share of flow inside zones", _fmt(summary["share_inside"]))
    t.add_row("Share of flow between units kept inside zones",
              _fmt(summary["share_inside_between_units"]))
    t.add_row("Modularity", _fmt(summary["modularity"]))
    t.add_row("Lowest self-containment of a zone", _fmt(summary["min_self_containment"]))
    t.add_row("Median self-containment", _fmt(summary["median_self_containment"]))
    if run.method == "lma":
        reserve = model.reserve_
        t.add_row("Iterations", str(model.n_iter_))
        t.add_row("Units sent to the reserve list", str(len(reserve)))
        t.add_row("Reserve units no zone could take", str(int((~reserve["assigned"]).sum())))
        t.add_row("Units left out (no flow with other units)", str(len(model.excluded_)))
        t.add_row("Zones below the minimum validity", str(int((model.validity_ < 1).sum())))
    cmp = run.comparison
    if cmp is not None:
        t.add_row("Units compared with municipalities", str(cmp["n_units"]))
        t.add_row("Units without a municipality", str(cmp["n_without_municipality"]))
        t.add_row("Municipalities", str(cmp["n_municipalities"]))
        t.add_row("Adjusted Rand index with municipalities", _fmt(cmp["adjusted_rand_index"]))
        t.add_row("Normalised mutual information", _fmt(cmp["normalized_mutual_info"]))
        t.add_row("Municipalities split across zones", str(len(cmp["split"])))
    return t


COMMANDS = [zones]
