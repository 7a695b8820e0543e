"""Modelled flows from a dataset and travel times, written with their fit report.

The ``aimak flows model`` command parses its options, calls :func:`model_flows_to_files` and
prints what it returns.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from aimak.dataset import Dataset
from aimak.errors import InputError, Problem, fail
from aimak.flows import DEFAULT_SNAP_M
from aimak.flows.gravity import read_times
from aimak.flows.model import model_flows
from aimak.flows.observed import read_flows
from aimak.io import atomic_path, write_table


@dataclass
class FlowModelRun:
    """What one modelling produced, for the caller to report."""

    fit: dict[str, Any]
    fit_path: Path
    kept: int
    left_out: int
    n_origins: int
    n_unassigned: int
    untimed: list[str]
    unserved: list[str]
    beta: float
    alpha: float


def fit_report_path(out: Path) -> Path:
    """Where the fit report of the flows written to ``out`` goes."""
    return out.with_name(f"{out.stem}_fit.json")


def model_flows_to_files(dataset_path: Path, times_path: Path, out: Path,
                         observed_paths: Sequence[Path] = (), *, service: str | None = None,
                         mode: str | None = None, min_flow: float = 0.0,
                         snap_distance: float = DEFAULT_SNAP_M,
                         **params: Any) -> FlowModelRun:
    """Model the flows of a Huff model (calibrated on the observed flows when given, of one
    ``service`` if named), write those of at least ``min_flow`` to ``out`` and the fit to
    ``<out>_fit.json``. ``params`` are :func:`aimak.flows.model.model_flows`'s."""
    ds = Dataset.read(dataset_path)
    ids = set(ds.settlements["id"])
    times = read_times(times_path, mode=mode)
    check_ids(times, ids, times_path.name)
    observed = None
    if observed_paths:
        observed = pd.concat([read_flows(p, known=ids) for p in observed_paths], ignore_index=True)
        if service is not None:
            present = sorted(set(observed["service"].dropna()))
            observed = observed[observed["service"] == service]
            if observed.empty:
                raise fail(
                    f"no observed flow is for the service '{service}'; the observed flows "
                    f"have the services: {', '.join(present) or 'none'}",
                    observed_paths[0],
                    column="service",
                )
    huff, centres = model_flows(ds, times, observed=observed, service=service,
                                snap_distance=snap_distance, **params)
    result = huff.flows_
    if service is not None:
        result = result.assign(service=service)
    small = result["flow"] < min_flow
    write_table(result[~small].reset_index(drop=True), out)
    fit_path = fit_report_path(out)
    with atomic_path(fit_path) as tmp:
        tmp.write_text(json.dumps({**huff.fit_, "snap_distance_m": snap_distance,
                                   "unassigned_facilities": len(centres.unassigned_),
                                   "unserved_origins": huff.unserved_},
                                  indent=2, ensure_ascii=False), encoding="utf-8")
    return FlowModelRun(fit=huff.fit_, fit_path=fit_path, kept=int((~small).sum()),
                        left_out=int(small.sum()), n_origins=int(result["origin"].nunique()),
                        n_unassigned=len(centres.unassigned_),
                        untimed=sorted(ids - set(times["origin"])),
                        unserved=list(huff.unserved_), beta=huff.beta_, alpha=huff.alpha_)


def check_ids(times: pd.DataFrame, ids: set[str], label: str) -> None:
    """Refuse travel times whose origins or destinations are not settlements of the dataset."""
    problems = []
    for col in ("origin", "destination"):
        unknown = sorted(set(times[col]) - ids)
        if unknown:
            problems.append(
                Problem(
                    f"{len(unknown)} ids are not settlements of the dataset, e.g. "
                    f"{', '.join(unknown[:5])}",
                    label,
                    None,
                    col,
                )
            )
    if problems:
        raise InputError(problems)
