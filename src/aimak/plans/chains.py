"""Large ReCom ensembles as independent seeded chains, run on Dask.

``ChainEnsemble(n_plans, n_chains, seed)`` splits the ensemble into ``n_chains`` ReCom chains
from the same start plan. Chain k draws from the k-th child of ``SeedSequence(seed)``, so the
chains and their order depend only on ``seed`` and ``n_chains``, never on the number of workers
that ran them: the same seed gives the same ensemble on 1 process, 2 local workers or a
cluster. Independent chains are the standard way to parallelise MCMC; each chain is a full
``ReComEnsemble`` (DeFord, Duchin & Solomon 2021).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from aimak.compute import compute_client, map_ordered
from aimak.errors import AimakError
from aimak.plans.ensemble import ReComEnsemble
from aimak.plans.instance import Instance, Plan


def _run_chain(job: tuple[int, int, np.random.SeedSequence], inst: Instance, start: Plan,
               max_attempts: int | None) -> dict[str, Any]:
    k, n, seed = job
    chain = ReComEnsemble(n_plans=n, seed=seed,
                          max_attempts=max_attempts).fit(inst, start)
    return {"chain": k, "labels": chain.labels_, "centres": chain.centres_,
            "metrics": chain.metrics_, "attempts": chain.attempts_}


class ChainEnsemble(BaseEstimator):
    """``n_plans`` ReCom plans from ``n_chains`` independent chains (see module docstring).

    Parameters: ``n_plans`` in all (split as evenly as possible, earlier chains get the
    remainder), ``n_chains``, ``seed``, ``max_attempts`` per chain, and where to run:
    ``workers`` (> 1: a local Dask cluster), ``scheduler`` (an existing cluster) or ``client``.

    After ``fit``: ``labels_`` (plans x municipalities, int16), ``centres_``, ``metrics_``
    (one row per plan with its ``chain``), ``attempts_`` (per chain), ``seconds_``.
    """

    def __init__(self, n_plans: int = 1000, n_chains: int = 4, seed: int = 0,
                 max_attempts: int | None = None, workers: int = 1,
                 scheduler: str | None = None, client: Any = None, processes: bool = True):
        self.n_plans = n_plans
        self.n_chains = n_chains
        self.seed = seed
        self.max_attempts = max_attempts
        self.workers = workers
        self.scheduler = scheduler
        self.client = client
        self.processes = processes

    def jobs(self) -> list[tuple[int, int, np.random.SeedSequence]]:
        """(chain, plans, seed sequence) of each chain."""
        if self.n_chains < 1 or self.n_plans < 1:
            raise AimakError("an ensemble needs at least one chain and one plan")
        chains = min(self.n_chains, self.n_plans)
        base, extra = divmod(self.n_plans, chains)
        seeds = np.random.SeedSequence(self.seed).spawn(chains)
        return [(k, base + (k < extra), seeds[k]) for k in range(chains)]

    def fit(self, inst: Instance, start: Plan) -> ChainEnsemble:
        t0 = time.perf_counter()
        shared = {"inst": inst, "start": start, "max_attempts": self.max_attempts}
        if self.client is not None:
            results = [r for _, r in map_ordered(self.client, _run_chain, self.jobs(), shared)]
        else:
            with compute_client(self.workers, self.scheduler, self.processes) as client:
                results = [r for _, r in map_ordered(client, _run_chain, self.jobs(), shared)]
        self.labels_ = (np.concatenate([r["labels"] for r in results])
                        if results else np.empty((0, inst.n), np.int16))
        self.centres_ = [c for r in results for c in r["centres"]]
        self.metrics_ = pd.concat(
            [r["metrics"].assign(chain=r["chain"]) for r in results], ignore_index=True)
        self.attempts_ = [int(r["attempts"]) for r in results]
        self.seconds_ = time.perf_counter() - t0
        return self

    #: Same table and placement as a single chain's (they read only the fitted attributes and
    #: take the instance the ensemble was fitted on).
    frame = ReComEnsemble.frame
    place = ReComEnsemble.place
