"""Results of the pipeline's steps stored by a key made of their inputs.

A step's key is a digest of its parameters and of the keys of the steps it reads
(``digest``), or of the bytes of the files it reads (``file_digest``); a rerun with unchanged
inputs finds its result under the same key, and a change anywhere recomputes exactly what
depends on it. Results are written atomically, so a stopped run never leaves half a file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aimak.io import atomic_path


def digest(*parts: Any) -> str:
    """A short stable key of plain values (JSON with sorted keys; other values as text)."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def file_digest(paths: list[Path]) -> str:
    """A short key of the names and bytes of files (in name order)."""
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


class Cache:
    """Results of steps stored by key in ``folder``; written atomically, so never half there.

    ``hits`` lists the steps whose result was found; ``written`` maps each step to the files
    of its result (found or made), which the run's manifest names.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.hits: list[str] = []
        self.written: dict[str, list[Path]] = {}

    def path(self, step: str, key: str, suffix: str) -> Path:
        return self.folder / f"{step}-{key}{suffix}"

    def _record(self, step: str, *paths: Path) -> None:
        self.written[step] = list(paths)

    def table(self, step: str, key: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A table computed once per key."""
        path = self.path(step, key, ".parquet")
        self._record(step, path)
        if path.exists():
            self.hits.append(step)
            return pd.read_parquet(path)
        frame = compute()
        self._write_table(path, frame)
        return frame

    def json(self, step: str, key: str, compute: Callable[[], dict]) -> dict:
        """A dict of plain values computed once per key."""
        path = self.path(step, key, ".json")
        self._record(step, path)
        if path.exists():
            self.hits.append(step)
            return json.loads(path.read_text(encoding="utf-8"))
        value = compute()
        self._write_json(path, value)
        return value

    def table_and_facts(self, step: str, key: str,
                        compute: Callable[[], tuple[pd.DataFrame, dict]]
                        ) -> tuple[pd.DataFrame, dict]:
        """A table and the facts about how it was made (fit, solver status, what was left
        out), computed together once per key; a result counts only when both are stored."""
        table, facts = self.path(step, key, ".parquet"), self.path(step, key, ".json")
        self._record(step, table, facts)
        if table.exists() and facts.exists():
            self.hits.append(step)
            return pd.read_parquet(table), json.loads(facts.read_text(encoding="utf-8"))
        frame, value = compute()
        self._write_json(facts, value)
        self._write_table(table, frame)
        return frame, value

    @staticmethod
    def _write_table(path: Path, frame: pd.DataFrame) -> None:
        with atomic_path(path) as tmp:
            frame.to_parquet(tmp, index=False)

    @staticmethod
    def _write_json(path: Path, value: dict) -> None:
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(value, ensure_ascii=False, indent=1, default=plain),
                           encoding="utf-8")


def plain(value: Any) -> Any:
    """A NumPy scalar or array as a JSON value (NaN as null); anything else as text."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)
