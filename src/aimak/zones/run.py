"""Functional zones from a flow table: read the inputs, fit the zoning estimator, write the tables.

The ``aimak zones`` command parses its options, calls :func:`build_zones` and prints what it
returns; anything else that zones a flows file (a script, a notebook) gets the same files and
figures from the same call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aimak.errors import fail
from aimak.io import write_table
from aimak.zones import make_estimator, metrics
from aimak.zones.flowmatrix import FlowMatrix

#: Output types the zone table may be written as.
OUTPUT_SUFFIXES = (".csv", ".parquet")


def sidecar(out: Path, name: str) -> Path:
    """The path of a table written beside ``out``: ``<stem>_<name><suffix>``."""
    return out.with_name(f"{out.stem}_{name}{out.suffix}")


@dataclass
class ZoneRun:
    """What one zoning produced: the partition, its metrics and the files written."""

    method: str
    flows: FlowMatrix
    labels: np.ndarray
    model: Any
    summary: dict[str, float]
    comparison: dict[str, Any] | None = None
    written: list[Path] = field(default_factory=list)


def municipalities_of_dataset(dataset_path: Path) -> tuple[pd.Series, dict[str, str]]:
    """The settlements' municipality codes (indexed by settlement id) and the municipalities'
    names, from a dataset GeoPackage."""
    from aimak.dataset import Dataset

    ds = Dataset.read(dataset_path)
    s = ds.settlements
    municipality = pd.Series(s["municipality_code"].to_numpy(), index=s["id"].to_numpy())
    names = dict(zip(ds.municipalities["code"], ds.municipalities["name_en"], strict=True))
    return municipality, names


def build_zones(flows: FlowMatrix, method: str, params: dict[str, Any], out: Path,
                municipality: pd.Series | None = None,
                names: dict[str, str] | None = None) -> ZoneRun:
    """Zone ``flows`` with ``method`` and write ``out`` (``unit, zone``), ``<out>_summary``
    (one row per zone), for LMA ``<out>_reserve`` (the reserve list) and, given the units'
    municipalities, ``<out>_split`` (municipalities split across zones)."""
    if out.suffix.lower() not in OUTPUT_SUFFIXES:
        raise fail(f"unsupported output type '{out.suffix}'; expected .csv or .parquet", out)
    model = make_estimator(method, **params)
    model.fit(flows)
    labels = np.asarray(model.labels_, dtype=np.int64)
    run = ZoneRun(method=method, flows=flows, labels=labels, model=model,
                  summary=metrics.summary(flows, labels))
    table = metrics.zone_summary(flows, labels)
    if method == "lma":
        table["validity"] = model.validity_
    table.insert(1, "method", method)
    table["source"] = "modelled"
    _write(run, pd.DataFrame({"unit": flows.units, "zone": labels}), out)
    _write(run, table, sidecar(out, "summary"))
    if method == "lma":
        _write(run, model.reserve_, sidecar(out, "reserve"))
    if municipality is not None:
        mapped = municipality.reindex(pd.Index(flows.units.astype(str))).to_numpy()
        run.comparison = metrics.compare_with_municipalities(flows.units, labels, mapped)
        split = run.comparison["split"]
        if names:
            split.insert(1, "name", split["municipality"].map(names))
        if len(split):
            _write(run, split, sidecar(out, "split"))
    return run


def _write(run: ZoneRun, table: pd.DataFrame, path: Path) -> None:
    write_table(table, path)
    run.written.append(path)
