"""Reports of an analysis: interactive HTML, PDF, XLSX indicators and a GeoPackage of results.

``write_report(inputs, out_dir)`` writes ``report.html``, ``report.pdf``, ``indicators.xlsx`` and
``results.gpkg``, each atomically, in the language ``inputs.lang`` (ru, ky or en).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from aimak.errors import AimakError
from aimak.i18n import use_language
from aimak.report.model import PlanReport, ReportInputs

#: Output format -> file name.
FILES = {"html": "report.html", "pdf": "report.pdf", "xlsx": "indicators.xlsx",
         "gpkg": "results.gpkg"}
FORMATS = tuple(FILES)

__all__ = ["FILES", "FORMATS", "PlanReport", "ReportInputs", "write_report"]


def write_report(inputs: ReportInputs, out_dir: str | Path,
                 formats: tuple[str, ...] | list[str] = FORMATS) -> dict[str, Path]:
    """Write the chosen formats into ``out_dir``; return format -> path written.

    Inputs are validated first, so that bad tables fail before any file is written; each file
    is written atomically, so that a failure never leaves half a report behind.
    """
    from aimak.report.gpkg import write_gpkg
    from aimak.report.html import write_html
    from aimak.report.layers import report_layers
    from aimak.report.pdf import write_pdf
    from aimak.report.xlsx import write_xlsx

    unknown = [f for f in formats if f not in FILES]
    if unknown:
        raise AimakError(f"unknown report format(s) {', '.join(unknown)}; expected some of "
                         f"{', '.join(FORMATS)}")
    inputs.check()
    writers = {"html": write_html, "pdf": write_pdf, "xlsx": write_xlsx, "gpkg": write_gpkg}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # the files are made in a staging folder and moved into place only when all of them are
    # made: a failure in one format leaves none of the set behind, half-made or new
    staging = Path(tempfile.mkdtemp(prefix=".report-", dir=out))
    written: dict[str, Path] = {}
    try:
        with use_language(inputs.lang):
            layers = report_layers(inputs)
            staged = {fmt: writers[fmt](inputs, layers, staging / FILES[fmt])
                      for fmt in FORMATS if fmt in formats}
        for fmt, path in staged.items():
            os.replace(path, out / FILES[fmt])
            written[fmt] = out / FILES[fmt]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written
