"""The ``aimak`` command and its error handling: user errors print without a traceback."""

from __future__ import annotations

import sys

import click
from rich.console import Console

from aimak import __version__
from aimak.errors import AimakError

err_console = Console(stderr=True)


class AimakGroup(click.Group):
    """A click group that turns ``AimakError`` into a readable message and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except AimakError as exc:
            from rich.markup import escape

            # escaped: '[zones]' in a message is text, not a rich style tag
            err_console.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False,
                              markup=True, soft_wrap=True)
            sys.exit(2)


@click.group(cls=AimakGroup)
@click.version_option(__version__, prog_name="aimak")
def cli() -> None:
    """aimak: territory, population and self-government evidence for Kyrgyzstan."""


def _register() -> None:
    from aimak.cli import data, demo

    cli.add_command(data.data)
    for command in demo.COMMANDS:
        cli.add_command(command)
    # Optional stages register themselves here when present (see docs/architecture.md).
    import importlib

    for name in ("access", "flows", "zones", "plans", "explain_plan", "report", "forecast"):
        try:
            module = importlib.import_module(f"aimak.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"aimak.cli.{name}":
                raise
            continue
        for command in getattr(module, "COMMANDS", []):
            cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="aimak")
