"""``aimak report``: the HTML/PDF/XLSX/GeoPackage report of a dataset and the results at hand.

The full pipeline (``aimak demo``) assembles evaluated plans itself; this command reports what is
given on the command line: a dataset, optionally functional zones, flows and plans given as
municipality -> new unit tables. Plans given this way show only what adding up the dataset
gives (population, settlements, municipalities, area), not travel-time indicators.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from aimak.errors import fail
from aimak.i18n import LANGUAGES

if TYPE_CHECKING:
    import pandas as pd

if TYPE_CHECKING:
    from aimak.dataset import Dataset
    from aimak.report import PlanReport


def _read(path: Path) -> pd.DataFrame:
    """A plain table from CSV, XLSX or Parquet, without geometry."""
    import pandas as pd

    from aimak.io import read_table
    from aimak.schema import SOURCE_ROW

    if path.suffix.lower() == ".parquet":
        if not path.exists():
            raise fail("the file does not exist", path)
        return pd.read_parquet(path)
    frame = pd.DataFrame(read_table(path))
    return frame.drop(columns=[c for c in (SOURCE_ROW, "geometry") if c in frame.columns])


def _numbers(frame: pd.DataFrame, column: str, path: Path) -> pd.DataFrame:
    import pandas as pd
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna()
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0]) + 1
        raise fail(f"'{frame[column].iloc[row - 1]}' is not a number", path, row, column)
    return frame.assign(**{column: values})


def plan_from_mapping(key: str, path: Path, dataset: Dataset) -> PlanReport:
    """A ``PlanReport`` from a table ``old_code, new_unit[, centre]`` with summed indicators."""
    import pandas as pd

    from aimak.report import PlanReport

    mapping = _read(path)
    for column in ("old_code", "new_unit"):
        if column not in mapping.columns:
            raise fail(f"the plan table needs the columns old_code and new_unit; it has "
                       f"{', '.join(map(str, mapping.columns))}", path, None, column)
    mapping = mapping.assign(old_code=mapping["old_code"].astype(str),
                             new_unit=mapping["new_unit"].astype(str))
    mun = dataset.municipalities.set_index("code")
    unknown = ~mapping["old_code"].isin(mun.index)
    if unknown.any():
        row = int(unknown.to_numpy().nonzero()[0][0]) + 1
        raise fail(f"'{mapping['old_code'].iloc[row - 1]}' is not a municipality code of the "
                   "dataset", path, row, "old_code")
    if "centre" not in mapping.columns:
        # The centre of the most populous member municipality.
        ranked = mapping.assign(pop=mapping["old_code"].map(mun["population"]))
        ranked = ranked.sort_values("pop", ascending=False, kind="stable")
        first = ranked.drop_duplicates("new_unit").set_index("new_unit")["old_code"]
        mapping["centre"] = mapping["new_unit"].map(first.map(mun["centre_id"]))
    s = dataset.settlements.assign(
        new_unit=dataset.settlements["municipality_code"].map(
            mapping.set_index("old_code")["new_unit"]))
    area = dataset.to_metric("municipalities").set_index("code").geometry.area / 1e6
    units = pd.DataFrame({
        "population": s.groupby("new_unit")["population"].sum(),
        "n_settlements": s.groupby("new_unit").size(),
        "n_municipalities": mapping.groupby("new_unit").size(),
        "area_km2": mapping.assign(a=mapping["old_code"].map(area)).groupby("new_unit")["a"]
        .sum(),
        "centre": mapping.groupby("new_unit")["centre"].first(),
    }).rename_axis("new_unit").reset_index()
    return PlanReport(title=key, mapping=mapping, units=units)


@click.command("report")
@click.argument("dataset", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=Path("out/report"),
              show_default=True, help="Folder for the report files.")
@click.option("--zones", "zones_path", type=click.Path(path_type=Path), default=None,
              help="Functional zones: a table with unit (settlement id) and zone columns.")
@click.option("--flows", "flows_path", type=click.Path(path_type=Path), default=None,
              help="Flows: a table with origin, destination, flow[, source] columns.")
@click.option("--plan", "plans", multiple=True, metavar="NAME=TABLE",
              help="A plan as a table old_code, new_unit[, centre]; repeat for several.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="ru", show_default=True,
              help="Language of the report.")
@click.option("--format", "formats", default="html,pdf,xlsx,gpkg", show_default=True,
              help="Comma-separated formats to write.")
@click.option("--title", default=None, help="Report title (default: from the region).")
@click.option("--travel-mode", type=click.Choice(["terrain", "roads", "straight"]),
              default="terrain", show_default=True,
              help="How the travel times behind the zones and flows were modelled.")
def report(dataset: Path, out: Path, zones_path: Path | None, flows_path: Path | None,
           plans: tuple[str, ...], lang: str, formats: str, title: str | None,
           travel_mode: str) -> None:
    """Write report.html, report.pdf, indicators.xlsx and results.gpkg for DATASET."""
    import pandas as pd

    from aimak.dataset import Dataset
    from aimak.report import FORMATS, ReportInputs, write_report

    chosen = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise click.BadParameter(f"unknown format(s) {', '.join(unknown)}; expected some of "
                                 f"{', '.join(FORMATS)}", param_hint="--format")
    ds = Dataset.read(dataset)
    zones = _read(zones_path) if zones_path else None
    flows = _numbers(_read(flows_path), "flow", flows_path) if flows_path else None
    if flows is not None:
        for column in ("origin", "destination"):
            if column not in flows.columns:
                raise fail(f"the flows table has no column '{column}'", flows_path, None,
                           column)
            flows[column] = flows[column].astype(str)
    plan_reports = {}
    for spec in plans:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            raise click.BadParameter(f"'{spec}' is not NAME=TABLE", param_hint="--plan")
        plan_reports[name] = plan_from_mapping(name, Path(path), ds)
    comparison = None
    if plan_reports:
        comparison = pd.DataFrame([{
            "plan": k, "title": p.title, "n_units": len(p.units),
            "population_min": p.units["population"].min(),
            "population_median": p.units["population"].median(),
            "population_max": p.units["population"].max()} for k, p in plan_reports.items()])
    inputs = ReportInputs(dataset=ds, zones=zones, flows=flows, plans=plan_reports,
                          comparison=comparison, lang=lang, title=title,
                          travel_mode=travel_mode)
    console = Console()
    with console.status("Writing the report ..."):
        written = write_report(inputs, out, formats=chosen)
    for path in written.values():
        console.print(f"Wrote {path}")


COMMANDS = [report]
