"""``aimak demo``: the whole method on the bundled Jalal-Abad data, in one command."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console


@click.command()
@click.option("--source", type=click.Path(path_type=Path), default=None,
              help="Folder with the Kyrgyz source files (default: ../shared/data/kyrgyzstan, "
                   "downloaded when absent).")
@click.option("--oblast", default="jalal-abad", show_default=True, help="Oblast to analyse.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("out/demo"),
              show_default=True, help="Folder for the outputs.")
def demo(source: Path | None, oblast: str, out: Path) -> None:
    """Build the Jalal-Abad dataset and print its summary."""
    from aimak.kyrgyzstan.build import build_kyrgyzstan
    from aimak.kyrgyzstan.download import resolve_source
    from aimak.summary import print_summary

    console = Console()
    folder = resolve_source(source)
    dataset_path = out / "dataset.gpkg"
    with console.status(f"Building the {oblast} dataset from {folder} ..."):
        result = build_kyrgyzstan(folder, oblast)
        result.dataset.write(dataset_path)
    print_summary(result.dataset, console)
    console.print(f"Dataset: {dataset_path}")


COMMANDS = [demo]
