"""The one solving policy of aimak (``PlanSolver``): what the CLI, the pipeline, a national
run and the territory explorer all use to turn criteria into a plan.

Under the shipped criteria new units stay within a rayon (or an oblast), so a plan is the union
of independent part plans. ``PlanSolver`` solves the parts one by one (or in parallel on Dask),
and a part that fails does not sink the others:

* each part is solved exactly (``ExactSolver``, CP-SAT) within ``time_limit`` seconds;
* a part where the exact solver runs out of time gets the heuristic's plan instead
  (``HeuristicSolver`` for ``heuristic_time`` seconds); ``method="exact"`` refuses that
  stand-in and ``method="heuristic"`` uses the heuristic alone;
* a part whose criteria admit no plan is reported with its diagnosis (``diagnose`` or the
  exact solver's proof) and keeps today's municipalities;
* every part says which solver produced it (``exact``, ``heuristic`` or ``none``), with the
  exact solver's status and relative gap (the heuristic proves no bound: its gap is unknown).

Given a start plan (``fit(inst, start=plan, keep=units)``: the explorer's "optimise from
here"), the plan is repaired and improved by the heuristic instead, the kept units untouched;
municipalities that no unit meeting the criteria can include are left as they are and named.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from aimak.compute import compute_client, map_ordered
from aimak.errors import AimakError
from aimak.i18n import N_, Said, said_json
from aimak.plans.exact import ExactSolver
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


#: How a part is solved: exact with the heuristic standing in on a time-out, exact alone, or
#: the heuristic alone.
METHODS = ("auto", "exact", "heuristic")


def solve_part(job: tuple[int, np.ndarray], inst: Instance, time_limit: float,
               exact_workers: int, heuristic_time: float, method: str = "auto",
               seed: int = 0) -> dict[str, Any]:
    """Solve one part (municipality indices of ``inst``) by ``method``."""
    k, units = job
    t0 = time.perf_counter()
    sub = inst.subset(units)
    out: dict[str, Any] = {"part": k, "units": units, "plan": None, "solver": "none",
                           "status": "infeasible", "gap": np.nan}
    reasons: list = diagnose(sub)
    if not reasons and method == "heuristic":
        try:
            heur = HeuristicSolver(time_limit=time_limit, seed=seed).fit(sub)
            out.update(plan=heur.plan_, solver="heuristic", status="feasible")
        except InfeasibleError as exc:
            reasons = list(exc.reasons)
    elif not reasons:
        try:
            exact = ExactSolver(time_limit=time_limit, workers=exact_workers,
                                seed=seed).fit(sub)
            out.update(plan=exact.plan_, solver="exact", status=exact.status_,
                       gap=float(exact.gap_))
        except InfeasibleError as exc:
            reasons = list(exc.reasons)
            if timed_out(exc) and method == "auto":
                try:
                    heur = HeuristicSolver(time_limit=heuristic_time, seed=seed).fit(sub)
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


class PlanSolver(BaseEstimator):
    """Solve an instance part by part (see the module docstring); its defaults are the only
    ones (``aimak.params.SolverParams`` and the CLI's options take them from here).

    Parameters: ``time_limit`` seconds of the exact solver per part, ``exact_workers`` CP-SAT
    threads per part, ``heuristic_time`` seconds of the heuristic that stands in when the exact
    solver runs out of time, ``method`` (``auto``, ``exact`` or ``heuristic``), ``seed``, and
    where to run: ``workers`` (> 1: a local Dask cluster), ``scheduler`` or ``client``.

    ``fit(inst, parts=None)``: ``parts`` gives each municipality's part label (default: its
    group, the rayon or oblast of the ``stay_within`` criterion). After ``fit``: ``plan_``
    (the whole plan; a part without a plan keeps its municipalities as they are),
    ``parts_`` (one row per part: ``part, name, municipalities, new_units, solver, status,
    gap, seconds, diagnosis``), ``solved_`` (boolean per municipality), ``seconds_``.
    ``InfeasibleError`` (with ``parts``: each part's name and reasons) when no part has a
    plan.

    ``fit(inst, start=plan, keep=labels)`` repairs and improves ``start`` with the heuristic
    within ``time_limit`` seconds, leaving the units ``keep`` (labels of ``start``) as they
    are; ``left_`` then lists the labels of ``start`` whose units had to be left as they were
    because no unit meeting the criteria can include them (``reasons_`` says why), and
    ``kept_`` the labels in ``plan_`` of every unit kept as given.
    """

    def __init__(self, time_limit: float = 40.0, exact_workers: int = 2,
                 heuristic_time: float = 20.0, method: str = "auto", seed: int = 0,
                 workers: int = 1, scheduler: str | None = None, client: Any = None,
                 processes: bool = True):
        self.time_limit = time_limit
        self.exact_workers = exact_workers
        self.heuristic_time = heuristic_time
        self.method = method
        self.seed = seed
        self.workers = workers
        self.scheduler = scheduler
        self.client = client
        self.processes = processes

    def fit(self, inst: Instance, parts: np.ndarray | None = None, start: Plan | None = None,
            keep: Iterable[int] = ()) -> PlanSolver:
        if self.method not in METHODS:
            raise AimakError(f"unknown solving method '{self.method}'; expected one of "
                             f"{', '.join(METHODS)}")
        if start is not None:
            return self._repair(inst, start, set(keep))
        t0 = time.perf_counter()
        labels = np.asarray(inst.group if parts is None else parts)
        keys = list(dict.fromkeys(labels.tolist()))  # in order of first municipality
        jobs = [(k, np.flatnonzero(labels == key)) for k, key in enumerate(keys)]
        shared = {"inst": inst, "time_limit": float(self.time_limit),
                  "exact_workers": int(self.exact_workers),
                  "heuristic_time": float(self.heuristic_time), "method": self.method,
                  "seed": int(self.seed)}
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
        whole = Plan.join(inst, pieces) if pieces else Plan([], [])
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
        if not self.solved_.any():
            table = self.parts_
            err = InfeasibleError([f"{r.name}: {r.diagnosis}" for r in table.itertuples()])
            err.parts = [(r.name, r.reasons) for r in table.itertuples()]  # sayable per part
            raise err
        return self

    def _repair(self, inst: Instance, start: Plan, keep: set[int]) -> PlanSolver:
        """The heuristic from ``start``, units ``keep`` untouched; units it cannot place are
        kept too (``left_``) and the rest solved."""
        t0 = time.perf_counter()
        deadline = time.monotonic() + float(self.time_limit)
        left: list[int] = []
        self.reasons_: list = []
        while True:
            try:
                heur = HeuristicSolver(time_limit=max(1.0, deadline - time.monotonic()),
                                       seed=self.seed).fit(inst, start=start,
                                                           keep=sorted(keep))
                break
            except InfeasibleError as exc:
                stuck = {int(start.labels[u]) for u in exc.units} - keep
                if not stuck:
                    raise
                keep |= stuck
                left.extend(sorted(stuck))
                self.reasons_.extend(exc.reasons)
        self.plan_ = heur.plan_
        self.kept_ = heur.kept_
        self.left_ = left
        self.solved_ = np.ones(inst.n, bool)
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
