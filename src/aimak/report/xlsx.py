"""``indicators.xlsx``: a comparison sheet, one sheet per plan, zones, provenance and columns.

Numbers stay numbers (shares as fractions with a percent format) so that the workbook can be
recomputed; headers are in the report's language; the 'Columns' sheet says where every column's
numbers come from.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd

from aimak.i18n import _
from aimak.io import atomic_path
from aimak.report.layers import _flat, display_names, plan_members
from aimak.report.model import (
    COMPARISON_COLUMNS,
    UNIT_COLUMNS,
    ZONE_COLUMNS,
    ReportInputs,
    resolve_columns,
)
from aimak.report.national import overview_sheet
from aimak.report.provenance import (
    CLASS_LABELS,
    municipal_population_table,
    provenance_table,
    sources_table,
    translated,
)

NUMBER_FORMATS = {"int": "#,##0", "percent": "0%", "float1": "0.0", "float2": "0.00",
                  "km2": "#,##0.0", "minutes": "0"}


def sheet_name(text: str, taken: set[str]) -> str:
    """An Excel-valid, unique sheet name (at most 31 characters, no []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", "_", str(text)).strip("'") or "sheet"
    name, i = base[:31], 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f" ({i})"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    taken.add(name)
    return name


def plan_sheet_names(inputs: ReportInputs) -> dict[str, str]:
    """Sheet name of each plan (its title, made valid and unique), in plan order."""
    taken = {_("Comparison"), _("National overview"), _("Zones"), _("Provenance"),
             _("Data sources"), _("Columns")}
    return {key: sheet_name(_(plan.title), taken) for key, plan in inputs.plans.items()}


def _labelled(frame: pd.DataFrame, columns: dict[str, tuple[str, str, str]]
              ) -> tuple[pd.DataFrame, list[tuple[str, str, str]]]:
    """Known columns first with translated headers, then every other column as it is."""
    known = [c for c in columns if c in frame.columns]
    rest = [c for c in frame.columns if c not in columns and c != "geometry"]
    out = _flat(frame[known + rest])
    headers = [_(columns[c][0]) for c in known] + [str(c) for c in rest]
    meta = [(h, columns[c][1], columns[c][2]) for h, c in zip(headers, known, strict=False)]
    meta += [(str(c), "", "") for c in rest]
    out.columns = headers
    return out, meta


def write_xlsx(inputs: ReportInputs, layers: dict[str, gpd.GeoDataFrame], path: Path) -> Path:
    """Write the workbook atomically."""
    sheets: list[tuple[str, pd.DataFrame, list[tuple[str, str, str]]]] = []
    comp = inputs.comparison_table().rename_axis("plan").reset_index()
    comp["title"] = comp["title"].astype(str).map(_)
    table, meta = _labelled(comp, resolve_columns(COMPARISON_COLUMNS, inputs))
    sheets.append((_("Comparison"), table, meta))
    overview = overview_sheet(inputs, resolve_columns({"population": ("", "", "")},
                                                      inputs)["population"][2])
    if overview is not None:
        sheets.append((_("National overview"), *overview))
    names = pd.Series(display_names(inputs.dataset.settlements, inputs.lang).to_numpy(),
                      index=inputs.dataset.settlements["id"].to_numpy())
    for key, sheet in plan_sheet_names(inputs).items():
        units = inputs.plans[key].units.copy()
        units["members"] = units["new_unit"].map(plan_members(inputs, key)).fillna("")
        if "centre" in units.columns and "centre_name" not in units.columns:
            units.insert(list(units.columns).index("centre") + 1, "centre_name",
                         units["centre"].map(names))
        table, meta = _labelled(units, resolve_columns(UNIT_COLUMNS, inputs))
        sheets.append((sheet, table, meta))
    if "zones" in layers:
        z = pd.DataFrame(layers["zones"].drop(columns="geometry"))
        table, meta = _labelled(z, resolve_columns(ZONE_COLUMNS, inputs))
        sheets.append((_("Zones"), table, meta))
    if inputs.official is not None:
        from aimak.report.official import official_frames

        cls = "synthetic" if inputs.synthetic else "modelled"
        for title, frame in official_frames(inputs.official).items():
            sheets.append((sheet_name(_(title), {s for s, _t, _m in sheets}), frame,
                           [(c, "", cls) for c in frame.columns]))
    obtained = municipal_population_table(inputs)
    sheets.append((sheet_name(_("Municipal populations"), {s for s, _t, _m in sheets}),
                   obtained, [(c, "int" if 0 < k < 5 else "", "")
                              for k, c in enumerate(obtained.columns)]))
    prov = translated(provenance_table(inputs))
    prov.columns = [_("What"), _("Provenance"), _("Source"), _("Note")]
    sheets.append((_("Provenance"), prov, [(c, "", "") for c in prov.columns]))
    sources = sources_table(inputs)
    if len(sources):
        sources.columns = [_("Source"), _("Address"), _("Licence")]
        sheets.append((_("Data sources"), sources, [(c, "", "") for c in sources.columns]))
    described = [{_("Sheet"): s, _("Column"): h,
                  _("Provenance"): _(CLASS_LABELS[p]) if p in CLASS_LABELS else ""}
                 for s, _t, meta in sheets if s not in (_("Provenance"), _("Data sources"))
                 for h, _k, p in meta]
    sheets.append((_("Columns"), pd.DataFrame(described), []))

    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="xlsxwriter") as writer:
        book = writer.book
        book.set_properties({"title": _("Territorial reform indicators"),
                             "comments": _("Synthetic data: not real places, populations "
                                           "or plans.") if inputs.synthetic else "",
                             "creator": "aimak"})
        formats = {k: book.add_format({"num_format": v}) for k, v in NUMBER_FORMATS.items()}
        for name, frame, meta in sheets:
            frame.to_excel(writer, sheet_name=name, index=False)
            ws = writer.sheets[name]
            ws.freeze_panes(1, 0)
            kinds = {h: k for h, k, _p in meta}
            for j, col in enumerate(frame.columns):
                cells = frame[col].astype(object).where(frame[col].notna(), "")  # NaN: blank
                longest = cells.astype(str).str.len().max() if len(frame) else 0
                width = min(60, max(10, len(str(col)) + 2, int(longest) + 2))
                ws.set_column(j, j, width, formats.get(kinds.get(col, "")))
    return Path(path)
