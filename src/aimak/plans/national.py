"""Plans for a whole country, part by part: each rayon or oblast solved on its own.

Under the shipped criteria new units stay within a rayon (or an oblast), so a national plan is
the union of independent part plans. ``PartSolver`` solves the parts one by one (or in
parallel on Dask), and a part that fails does not sink the others:

* a part whose criteria admit no plan is reported with its diagnosis (``diagnose`` or the
  exact solver's proof) and keeps today's municipalities;
* a part where the exact solver runs out of time gets the heuristic's plan instead;
* every part says which solver produced it (``exact``, ``heuristic`` or ``none``), with the
  exact solver's status and relative gap (the heuristic proves no bound: its gap is unknown).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from aimak.compute import compute_client, map_ordered
from aimak.i18n import N_, Said, said_json
from aimak.plans.exact import ExactSolver, _combine, canonical
from aimak.plans.feasibility import InfeasibleError, diagnose
from aimak.plans.heuristic import HeuristicSolver
from aimak.plans.instance import Instance, Plan

#: Words of the exact solver's errors that mean "out of time", not "proven infeasible".
TIMEOUT_MARKERS = ("found no plan within", "did not converge within")

PART_COLUMNS = ["part", "name", "municipalities", "new_units", "solver", "status", "gap",
                "seconds", "diagnosis", "reasons"]


def timed_out(exc: InfeasibleError) -> bool:
    """Whether the exact solver gave up for lack of time (rather than proving infeasibility)."""
    return any(m in r for r in exc.reasons for m in TIMEOUT_MARKERS)


def solve_part(job: tuple[int, np.ndarray], inst: Instance, time_limit: float,
               exact_workers: int, heuristic_time: float) -> dict[str, Any]:
    """Solve one part (municipality indices of ``inst``): exact, heuristic on a time-out."""
    k, units = job
    t0 = time.perf_counter()
    sub = inst.subset(units)
    out: dict[str, Any] = {"part": k, "units": units, "plan": None, "solver": "none",
                           "status": "infeasible", "gap": np.nan}
    reasons: list = diagnose(sub)
    if not reasons:
        try:
            exact = ExactSolver(time_limit=time_limit, workers=exact_workers).fit(sub)
            out.update(plan=exact.plan_, solver="exact", status=exact.status_,
                       gap=float(exact.gap_))
        except InfeasibleError as exc:
            reasons = list(exc.reasons)
            if timed_out(exc):
                try:
                    heur = HeuristicSolver(time_limit=heuristic_time).fit(sub)
                    out.update(plan=heur.plan_, solver="heuristic", status="feasible")
                    reasons = [Said(N_("the exact solver ran out of time, so the heuristic's "
                                       "plan is used")), *reasons]
                except InfeasibleError as exc2:
                    reasons += list(exc2.reasons)
    # English for logs and files; ``reasons`` keeps them sayable in any language (say_json)
    out["diagnosis"] = "; ".join(reasons)
    out["reasons"] = said_json(reasons)
    out["seconds"] = time.perf_counter() - t0
    return out


class PartSolver(BaseEstimator):
    """Solve an instance part by part (see module docstring).

    Parameters: ``time_limit`` seconds of the exact solver per part, ``exact_workers`` CP-SAT
    threads per part, ``heuristic_time`` seconds of the fallback, and where to run:
    ``workers`` (> 1: a local Dask cluster), ``scheduler`` or ``client``.

    ``fit(inst, parts=None)``: ``parts`` gives each municipality's part label (default: its
    group, the rayon or oblast of the ``stay_within`` criterion). After ``fit``: ``plan_``
    (the whole plan; a part without a plan keeps its municipalities as they are),
    ``parts_`` (one row per part: ``part, name, municipalities, new_units, solver, status,
    gap, seconds, diagnosis``), ``solved_`` (boolean per municipality), ``seconds_``.
    """

    def __init__(self, time_limit: float = 40.0, exact_workers: int = 1,
                 heuristic_time: float = 20.0, workers: int = 1, scheduler: str | None = None,
                 client: Any = None, processes: bool = True):
        self.time_limit = time_limit
        self.exact_workers = exact_workers
        self.heuristic_time = heuristic_time
        self.workers = workers
        self.scheduler = scheduler
        self.client = client
        self.processes = processes

    def fit(self, inst: Instance, parts: np.ndarray | None = None) -> PartSolver:
        t0 = time.perf_counter()
        labels = np.asarray(inst.group if parts is None else parts)
        keys = list(dict.fromkeys(labels.tolist()))  # in order of first municipality
        jobs = [(k, np.flatnonzero(labels == key)) for k, key in enumerate(keys)]
        shared = {"inst": inst, "time_limit": float(self.time_limit),
                  "exact_workers": int(self.exact_workers),
                  "heuristic_time": float(self.heuristic_time)}
        if self.client is not None:
            results = [r for _, r in map_ordered(self.client, solve_part, jobs, shared)]
        else:
            with compute_client(self.workers, self.scheduler, self.processes) as client:
                results = [r for _, r in map_ordered(client, solve_part, jobs, shared)]
        pieces, rows = [], []
        for key, r in zip(keys, results, strict=True):
            units = r["units"]
            plan = r["plan"]
            if plan is None:  # today's municipalities, each with its official centre
                sub = inst.subset(units)
                plan = Plan(np.arange(len(units)), sub.official_centre)
            pieces.append((units, plan))
            rows.append({"part": r["part"], "name": _part_name(inst, key, parts),
                         "municipalities": len(units),
                         "new_units": int(plan.n_units) if r["plan"] is not None else None,
                         "solver": r["solver"], "status": r["status"], "gap": r["gap"],
                         "seconds": float(r["seconds"]), "diagnosis": r["diagnosis"],
                         "reasons": r["reasons"]})
        whole = _combine(inst, pieces) if pieces else canonical(Plan([], []))
        whole.name = "by part"
        whole.status = _overall_status([r["status"] for r in results])
        self.plan_ = whole
        self.parts_ = pd.DataFrame(rows, columns=PART_COLUMNS).astype(
            {"new_units": "Int64", "municipalities": "int64"})
        self.solved_ = np.zeros(inst.n, bool)
        for r in results:
            if r["plan"] is not None:
                self.solved_[r["units"]] = True
        self.seconds_ = time.perf_counter() - t0
        return self


def _part_name(inst: Instance, key: Any, parts: np.ndarray | None) -> str:
    if parts is None and 0 <= int(key) < len(inst.group_names):
        return str(inst.group_names[int(key)])
    return str(key)


def _overall_status(statuses: list[str]) -> str:
    if any(s == "infeasible" for s in statuses):
        return "partial"
    return "optimal" if all(s == "optimal" for s in statuses) else "feasible"
