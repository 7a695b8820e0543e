"""Jinja2 rendering of the report templates shipped in ``aimak/report/templates``."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from aimak.i18n import _

TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment() -> jinja2.Environment:
    """The template environment: autoescaping on, missing variables an error."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             autoescape=jinja2.select_autoescape(["html"]),
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    env.globals["_"] = _
    return env


def asset(name: str) -> str:
    """Text of a file shipped beside the templates (CSS, JavaScript)."""
    return (TEMPLATES / name).read_text(encoding="utf-8")


def render(template: str, context: dict[str, Any]) -> str:
    """Render ``template`` with ``context`` (also available to macros as ``ctx``)."""
    return environment().get_template(template).render(ctx=context, **context)
