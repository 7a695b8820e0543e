"""Permission rows of the rayon portraits (see ``permtable``): public pages."""

from __future__ import annotations

from .permtable import Row, everyone


def _rayon(ctx):
    return [ctx["places"]["rayons"][0].code]


ROWS = [
    Row("portraits:index", everyone()),
    Row("portraits:rayon", everyone(), args=_rayon),
    Row("portraits:rayon_pdf", everyone(), args=_rayon),
]
