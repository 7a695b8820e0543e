"""Observed origin-destination flows: commuting statistics, registers and survey tables.

An OD table has the columns ``origin, destination, flow`` and optionally ``service`` and
``source``; ids are kept as strings exactly as written (``'007'`` stays ``'007'``). Every row is
checked against ``aimak.schema.FLOWS``; with ``known`` ids, an unknown id is reported with the
closest known ids as suggestions rather than guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from aimak.errors import InputError, Problem, fail
from aimak.io import read_table
from aimak.names import NameIndex
from aimak.schema import FLOWS, SOURCE_ROW, validate

#: Provenance labels a flow may carry ("synthetic": made up for tests and benchmarks).
FLOW_SOURCES = ("observed", "surveyed", "modelled", "official", "estimated", "synthetic")


def read_flows(
    path: str | Path,
    known: Iterable[str] | None = None,
    source: str = "observed",
    sheet: str | int | None = None,
) -> pd.DataFrame:
    """Read and validate an OD table (CSV, XLSX or Parquet).

    ``known`` lists the ids origins and destinations may take (e.g. the dataset's settlement
    ids). Rows without a ``source`` are labelled ``source``. Returns ``origin, destination, flow,
    service, source`` with string ids; raises ``InputError`` naming every bad row.
    """
    path = Path(path)
    if source not in FLOW_SOURCES:
        raise ValueError(f"source must be one of {', '.join(FLOW_SOURCES)}, not '{source}'")
    df = read_table(path, sheet=sheet)
    return clean_flows(df, file=path.name, known=known, source=source)


def clean_flows(
    df: pd.DataFrame,
    file: str | None = None,
    known: Iterable[str] | None = None,
    source: str = "observed",
) -> pd.DataFrame:
    """Validate an OD DataFrame; see ``read_flows``."""
    label = file or "flows"
    if len(df) == 0:
        raise fail("the table has a header but no rows; expected at least one flow", label)
    frame = df if SOURCE_ROW in df.columns else df.assign(**{SOURCE_ROW: np.arange(1, len(df) + 1)})
    clean = validate(frame, FLOWS, file=label)
    problems: list[Problem] = []
    rows = frame[SOURCE_ROW].to_numpy()
    if known is not None:
        known_ids = [str(k) for k in known]
        index = NameIndex(known_ids, known_ids)
        known_set = set(known_ids)
        for col in ("origin", "destination"):
            bad = ~clean[col].isin(known_set).to_numpy()
            for r, value in zip(rows[bad], clean[col].to_numpy()[bad], strict=True):
                hint = index.suggest(value)
                tip = f"; did you mean {', '.join(repr(h) for h in hint)}?" if hint else ""
                problems.append(
                    Problem(f"'{value}' is not a known settlement id{tip}", label, int(r), col)
                )
    if "source" not in clean.columns:
        clean["source"] = source
    else:
        blank = clean["source"].isna()
        clean.loc[blank, "source"] = source
        bad = ~clean["source"].isin(FLOW_SOURCES).to_numpy()
        for r, value in zip(rows[bad], clean["source"].to_numpy()[bad], strict=True):
            problems.append(
                Problem(
                    f"'{value}' is not one of: {', '.join(FLOW_SOURCES)}", label, int(r), "source"
                )
            )
    if problems:
        raise InputError(problems)
    if "service" not in clean.columns:
        clean["service"] = None
    return clean[["origin", "destination", "flow", "service", "source"]].reset_index(drop=True)
