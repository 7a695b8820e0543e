"""``results.gpkg``: every report layer for QGIS, plus the comparison and provenance tables.

Layer names are fixed English identifiers (settlements, facilities, municipalities, zones,
plan_<key>, flows, comparison, provenance, sources, and oblast_overview when the run covers
more than one oblast) whatever the report language, so that
scripts and QGIS projects keep working; names in the report's language are in each layer's
``name`` column.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from aimak.io import write_layers
from aimak.report.layers import _flat
from aimak.report.model import ReportInputs
from aimak.report.national import overview_layer
from aimak.report.provenance import provenance_table, sources_table


def write_gpkg(inputs: ReportInputs, layers: dict[str, gpd.GeoDataFrame], path: Path) -> Path:
    """Write every layer and table into one GeoPackage atomically."""
    out: dict[str, pd.DataFrame] = dict(layers)
    comparison = inputs.comparison_table()
    comparison = comparison.rename_axis("plan").reset_index()
    out["comparison"] = _flat(comparison)
    out["provenance"] = provenance_table(inputs)
    sources = sources_table(inputs)
    if len(sources):
        out["sources"] = sources
    overview = overview_layer(inputs)
    if overview is not None:
        out["oblast_overview"] = overview
    write_layers(path, out)
    return Path(path)
