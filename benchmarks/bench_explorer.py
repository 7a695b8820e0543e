"""The territory explorer's edit: one municipality moved, every indicator and violation again.

What the platform does per edit (``aimak.plans.session.PlanSession`` kept in the server process:
``move`` then ``evaluate`` with violations in Russian) against what it would cost without the
kept session (``PlanSession.from_files`` then ``evaluate``: reading the dataset, the travel
times and the criteria and building the instance each time), in the same process, interleaved.
Jalal-Abad, 76 municipalities, the real dataset built from $AIMAK_SOURCE (default
``../shared/data/kyrgyzstan``, or a download) and straight-line travel times (modelled), criteria
``moderate``, no flows. Each edit moves a random municipality into a random neighbour's unit
(seeded), starting from today's map; the result of the edit must equal the full evaluation of
the same mapping (checked on every tenth edit).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np


def _p(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values) * 1000, q))


def run(quick: bool = False) -> None:
    from aimak.access import make_model
    from aimak.kyrgyzstan.build import build_kyrgyzstan
    from aimak.kyrgyzstan.download import resolve_source
    from aimak.plans.session import PlanSession

    n_edits, n_full = (60, 10) if quick else (300, 30)
    tmp = Path(tempfile.mkdtemp(prefix="aimak-bench-explorer-"))
    try:
        ds = build_kyrgyzstan(resolve_source(os.environ.get("AIMAK_SOURCE")), "jalal-abad").dataset
        dataset, times = tmp / "ja.gpkg", tmp / "times.parquet"
        ds.write(dataset)
        make_model("straight").fit(ds).matrix().to_parquet(times)
        session = PlanSession.from_files(dataset, times, None, "moderate")
        inst = session.inst
        rng = np.random.default_rng(2026)
        adjacency = inst.adjacency.tocsr()
        mapping = session.current_mapping()
        edit_s: list[float] = []
        full_s: list[float] = []
        checked = 0
        for i in range(n_edits):
            u = int(rng.integers(inst.n))
            neighbours = adjacency.indices[adjacency.indptr[u]:adjacency.indptr[u + 1]]
            if len(neighbours) == 0:
                continue
            v = int(rng.choice(neighbours))
            code = str(inst.units[u])
            target = next(r["new_unit"] for r in mapping if r["old_code"] == str(inst.units[v]))
            t0 = time.perf_counter()
            mapping = session.move(mapping, code, target)
            edited = session.evaluate(mapping, lang="ru")
            edit_s.append(time.perf_counter() - t0)
            if i % (n_edits // n_full) == 0:
                t0 = time.perf_counter()
                fresh = PlanSession.from_files(dataset, times, None, "moderate")
                full = fresh.evaluate(mapping, lang="ru")
                full_s.append(time.perf_counter() - t0)
                assert full.violations == edited.violations
                assert full.units.equals(edited.units)
                checked += 1
        print(f"Jalal-Abad, {inst.n} municipalities, {len(edit_s)} edits (same result as the full "
              f"evaluation on the {checked} checked)")
        print(f"{'per edit':34} {'p50 ms':>8} {'p95 ms':>8}")
        print(f"{'kept session: move + evaluate':34} {_p(edit_s, 50):8.1f} {_p(edit_s, 95):8.1f}")
        print(f"{'full: read inputs + evaluate':34} {_p(full_s, 50):8.1f} {_p(full_s, 95):8.1f}")
        print(f"p95 ratio full / kept session: {_p(full_s, 95) / _p(edit_s, 95):.1f}x")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    import sys

    run(quick="--quick" in sys.argv)
