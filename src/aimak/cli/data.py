"""``aimak data``: build and inspect datasets."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console


@click.group()
def data() -> None:
    """Build and inspect datasets."""


@data.group("build")
def build() -> None:
    """Build a dataset GeoPackage from public sources."""


@build.command("kyrgyzstan")
@click.option("--oblast", default=None, help="Oblast to build, e.g. jalal-abad (default: all).")
@click.option("--source", type=click.Path(path_type=Path), default=None,
              help="Folder with the source files (default: ../shared/data/kyrgyzstan, "
                   "downloaded when absent).")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="GeoPackage to write.")
@click.option("--population-table", type=click.Path(path_type=Path), default=None,
              help="The National Statistical Committee's table 825 (XLS): official figures "
                   "for every village it lists; from a post-reform edition (start of 2025 on) "
                   "the reform's composition is written beside --out as a plan for "
                   "'aimak explain-plan'.")
def build_kyrgyzstan_cmd(oblast: str | None, source: Path | None, out: Path,
                         population_table: Path | None) -> None:
    """Build the Kyrgyz dataset: settlements, municipalities, rayons, oblasts, facilities."""
    from aimak.kyrgyzstan.build import build_kyrgyzstan
    from aimak.kyrgyzstan.download import resolve_source
    from aimak.summary import print_summary

    console = Console()
    folder = resolve_source(source)
    with console.status(f"Building from {folder} ..."):
        result = build_kyrgyzstan(folder, oblast, population_table)
        result.dataset.write(out)
    print_summary(result.dataset, console)
    console.print(f"Wrote {out}")
    if result.reform is not None:
        plan = out.with_name(f"{out.stem}_reform_plan.csv")
        result.reform.to_csv(plan, index=False)
        console.print(f"Wrote the reform's composition to {plan} "
                      f"(aimak explain-plan --plan {plan} ...)")


@data.command("info")
@click.argument("path", type=click.Path(path_type=Path))
def info(path: Path) -> None:
    """Print a summary of a dataset GeoPackage."""
    from aimak.dataset import Dataset
    from aimak.summary import print_summary

    print_summary(Dataset.read(path))


@data.command("compare-roads")
@click.option("--dataset", "dataset_path", required=True, type=click.Path(path_type=Path),
              help="Dataset GeoPackage.")
@click.option("--roads", "roads_path", required=True, type=click.Path(path_type=Path),
              help="Main-road lines with route_type and surface "
                   "(../shared/data/kyrgyzstan/roads_globalmap_kg_1M.geojson).")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="CSV of the 20 settlement pairs whose time changes most.")
def compare_roads(dataset_path: Path, roads_path: Path, out: Path) -> None:
    """How the hybrid mode (terrain + main roads) changes travel times against terrain only."""
    from aimak.access.hybrid import ATTRIBUTION, compare_with_terrain
    from aimak.dataset import Dataset

    console = Console()
    summary, top = compare_with_terrain(Dataset.read(dataset_path), roads_path)
    top.to_csv(out, index=False)
    console.print(f"{summary['pairs']:,.0f} settlement pairs: median change "
                  f"{summary['median_change_min']:+.1f} min ({summary['median_change_pct']:+.1f} %"
                  f"); {100 * summary['share_faster']:.0f} % of pairs faster by more than half a "
                  f"minute. The 20 pairs that change most: {out}", highlight=False)
    console.print(ATTRIBUTION, highlight=False)


@data.command("fetch")
@click.argument("dest", required=False, type=click.Path(path_type=Path))
@click.option("--refresh", is_flag=True, help="Download again even what is in the cache.")
def fetch(dest: Path | None, refresh: bool) -> None:
    """Download the Kyrgyz public sources into DEST (default ~/.cache/aimak/kyrgyzstan)."""
    import logging

    from aimak.kyrgyzstan.download import fetch_sources

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out = fetch_sources(dest, refresh=refresh)
    click.echo(f"Source directory ready: {out}")


@data.command("fetch-table")
@click.option("--year", type=click.IntRange(2000, 2100), default=None,
              help="Edition (population at the start of YEAR); default: the newest, served live.")
@click.option("--cache", type=click.Path(path_type=Path), default=None,
              help="Download cache (default ~/.cache/aimak/kyrgyzstan).")
@click.option("--refresh", is_flag=True, help="Download again even an edition in the cache.")
def fetch_table(year: int | None, cache: Path | None, refresh: bool) -> None:
    """Download the National Statistical Committee's table 825 (population by ayil aimak and
    village) for 'aimak data build kyrgyzstan --population-table'."""
    from aimak.kyrgyzstan.download import fetch_population_table

    path = fetch_population_table(year, cache, refresh=refresh)
    click.echo(f"Table 825 ready: {path}\n"
               f"aimak data build kyrgyzstan --population-table {path} --out kg.gpkg\n"
               "Source: National Statistical Committee of the Kyrgyz Republic (stat.gov.kg), "
               "licence CC BY-NC-SA 4.0.")
