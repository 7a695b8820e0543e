"""Travel-time matrices too large to hold: chunks of origins, on Dask, written to Parquet.

A fitted model (terrain, roads or straight) is sent once to every Dask worker; each task
computes the long table of one chunk of origins to every destination, keeping only the pairs
within ``cutoff`` minutes, and the client writes it as one part file of a Parquet dataset
(``part-00000.parquet``, ...) as soon as it arrives. At most a few chunks are in memory at any
time, so a 30,000-settlement country with a 180-minute cut-off never holds its full matrix.

Each origin's shortest paths are computed independently of the others, so the table is the
same, bit for bit, whatever the chunk size or the number of workers (tests check it).
"""

from __future__ import annotations

import copy
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aimak.access.base import AccessModel
from aimak.compute import ComputeParams, compute_client, map_ordered
from aimak.errors import AimakError

#: Origins per task: large enough to amortise task overhead, small enough to bound memory
#: (a chunk holds chunk x destinations minutes and km as float64); ``[compute] chunk``.
CHUNK_ORIGINS: int = ComputeParams.model_fields["chunk"].default


@dataclass
class ChunkedMatrix:
    """What ``write_matrix`` wrote: the Parquet folder, its rows and the pairs left out."""

    path: Path
    rows: int
    unreachable: int
    chunks: int

    def read(self) -> pd.DataFrame:
        """The whole table (only when it fits in memory)."""
        return read_matrix(self.path)


def _chunk(origins: np.ndarray, model: AccessModel, cutoff: float | None
           ) -> tuple[pd.DataFrame, int]:
    frame = model.matrix(origins=origins, cutoff=cutoff)
    return frame, int(frame.attrs["unreachable"])


def _single_process(model: AccessModel) -> AccessModel:
    """A shallow copy that computes in its own process only (Dask workers do the splitting)."""
    if getattr(model, "n_jobs", 1) == 1:
        return model
    model = copy.copy(model)
    model.n_jobs = 1
    return model


def chunk_origins(ids: np.ndarray, chunk: int = CHUNK_ORIGINS) -> list[np.ndarray]:
    """The fitted settlement ids split into consecutive chunks of ``chunk`` origins."""
    if chunk < 1:
        raise AimakError("the chunk size must be a positive number of origins")
    ids = np.asarray(ids, dtype=object)
    return [ids[i:i + chunk] for i in range(0, len(ids), chunk)]


def iter_matrix(model: AccessModel, cutoff: float | None = None, chunk: int = CHUNK_ORIGINS,
                client: Any = None):
    """``(chunk index, long table, pairs left out)`` per chunk of origins, in order."""
    if not hasattr(model, "ids_"):
        raise AimakError(f"the {type(model).__name__} must be fitted before use")
    if cutoff is not None and not cutoff > 0:
        raise AimakError("the cutoff must be a positive number of minutes")
    chunks = chunk_origins(model.ids_, chunk)
    shared = {"model": _single_process(model), "cutoff": cutoff}
    for i, (frame, left) in map_ordered(client, _chunk, chunks, shared):
        yield i, frame, left


def write_matrix(model: AccessModel, path: str | Path, cutoff: float | None = None,
                 chunk: int = CHUNK_ORIGINS, workers: int = 1, scheduler: str | None = None,
                 client: Any = None, processes: bool = True) -> ChunkedMatrix:
    """Write the travel-time table of a fitted model to the Parquet folder ``path``.

    Chunks run on ``client`` when given, else on the cluster ``compute_client(workers,
    scheduler)`` opens. The folder is written under a temporary name and renamed when
    complete, so a failed run leaves no half-written matrix.
    """
    path = Path(path)
    tmp = path.with_name(path.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    rows = left = n = 0
    try:
        if client is not None:
            parts = iter_matrix(model, cutoff, chunk, client)
            rows, left, n = _write_parts(parts, tmp)
        else:
            with compute_client(workers, scheduler, processes) as own:
                rows, left, n = _write_parts(iter_matrix(model, cutoff, chunk, own), tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if path.exists():
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    tmp.rename(path)
    return ChunkedMatrix(path, rows, left, n)


def _write_parts(parts, folder: Path) -> tuple[int, int, int]:
    rows = left = n = 0
    for i, frame, unreachable in parts:
        frame.to_parquet(folder / f"part-{i:05d}.parquet", index=False)
        rows += len(frame)
        left += unreachable
        n += 1
    return rows, left, n


def read_matrix(path: str | Path) -> pd.DataFrame:
    """A Parquet matrix folder written by ``write_matrix``, parts in order, as one table."""
    path = Path(path)
    if not path.is_dir():
        raise AimakError(f"{path}: not a chunked travel-time matrix (expected a folder of "
                         "part-NNNNN.parquet files)")
    parts = sorted(path.glob("part-*.parquet"))
    if not parts:
        return pd.DataFrame(columns=["origin", "destination", "minutes", "km", "mode",
                                     "provenance"])
    return pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
