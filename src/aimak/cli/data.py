"""``aimak data``: build and inspect datasets."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def data() -> None:
    """Build and inspect datasets."""


@data.command("info")
@click.argument("path", type=click.Path(path_type=Path))
def info(path: Path) -> None:
    """Print a summary of a dataset GeoPackage."""
    from aimak.dataset import Dataset
    from aimak.summary import print_summary

    print_summary(Dataset.read(path))
