"""Options whose default is an estimator's own, read when it is needed.

Each default of aimak is set once, in the ``__init__`` of the estimator it configures (or the
signature of a stage function); the CLI shows it in its help and uses it, without importing
the estimator when the command line is only parsed (``aimak --help`` stays fast).
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from aimak.checks import default_of


def estimator_default(target: str, parameter: str) -> Any:
    """The default of ``parameter`` of ``target`` (``"package.module:Name"``)."""
    module, _, name = target.partition(":")
    return default_of(getattr(importlib.import_module(module), name), parameter)


class DefaultFrom(click.Option):
    """A click option whose default is ``parameter`` of ``target`` (``"module:Name"``).

    With ``use=True`` the option's value is that default when the option is not given; with
    ``use=False`` it stays None (the command leaves the choice to the estimator) and the help
    still shows the default that applies.
    """

    def __init__(self, *args: Any, target: str, parameter: str | None = None,
                 use: bool = True, **kwargs: Any) -> None:
        self.target = target
        self.use = use
        kwargs.setdefault("show_default", True)
        super().__init__(*args, **kwargs)
        self.parameter = parameter or self.name

    def applied_default(self) -> Any:
        return estimator_default(self.target, self.parameter)

    def get_default(self, ctx: click.Context, call: bool = True) -> Any:
        if self.use and call:
            return self.applied_default()
        return super().get_default(ctx, call=call)

    def get_help_extra(self, ctx: click.Context) -> Any:
        extra = super().get_help_extra(ctx)
        extra["default"] = str(self.applied_default())
        return extra
