"""Where the heavy steps run: in this process, on a local Dask cluster, or on an existing one.

aimak distributes with Dask (``dask.distributed``) and nothing home-made: travel-time matrices
by chunks of origins (``aimak.access.chunked``), ReCom ensembles as independent seeded chains
(``aimak.plans.chains``) and plans by part of a country (``aimak.plans.solver``). A step asks
``compute_client(workers, scheduler)`` for a client:

* ``scheduler`` given (``tcp://host:8786``, ``[compute] scheduler`` in a config or
  ``--scheduler`` on the CLI): connect to that existing cluster;
* ``workers`` > 1: start a ``LocalCluster`` with that many single-threaded worker processes,
  closed again when the step ends;
* otherwise: ``None``, and the step runs in this process, in the same order.

Results never depend on which of the three ran them (see docs/scale.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import Field, model_validator

from aimak.checks import Params, check, default_of
from aimak.errors import AimakError, shown


@contextmanager
def compute_client(workers: int = 1, scheduler: str | None = None,
                   processes: bool = True) -> Iterator[Any]:
    """A Dask client for ``workers`` local workers or the cluster at ``scheduler``; ``None``
    for a single in-process run. ``processes=False`` keeps local workers as threads (tests)."""
    if scheduler:
        from distributed import Client

        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise AimakError(f"cannot reach the Dask scheduler at '{scheduler}': {exc}") from exc
        try:
            yield client
        finally:
            client.close()
        return
    if workers is None or int(workers) <= 1:
        yield None
        return
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=processes,
                           dashboard_address=None, silence_logs=40)
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def map_ordered(client: Any, func: Callable[..., Any], items: Iterable[Any],
                shared: dict[str, Any] | None = None, in_flight: int | None = None
                ) -> Iterator[tuple[int, Any]]:
    """``(position, func(item, **shared))`` for each item, yielded in the items' order.

    With a client, ``shared`` objects are sent once to every worker and at most ``in_flight``
    tasks (default: two per worker) are pending at a time, so results waiting to be consumed
    stay bounded in memory. Without a client the items run here, one after the other.
    """
    shared = shared or {}
    items = list(items)
    if client is None:
        for i, item in enumerate(items):
            yield i, func(item, **shared)
        return
    from distributed import wait

    scattered = {k: client.scatter(v, broadcast=True) for k, v in shared.items()}
    n_workers = max(1, len(client.scheduler_info().get("workers", {})))
    limit = in_flight or 2 * n_workers
    pending: dict[int, Any] = {}
    nxt = 0
    for i in range(len(items)):
        while nxt < len(items) and len(pending) < limit:
            pending[nxt] = client.submit(func, items[nxt], **scattered, pure=False)
            nxt += 1
        future = pending.pop(i)
        wait(future)
        result = future.result()
        future.release()
        yield i, result


#: A Dask scheduler address: ``tcp://host:port`` (also ``tls``, ``ucx``, ``ws``, ``wss``);
#: the host is a name, an IPv4 address or a bracketed IPv6 address.
SCHEDULER = re.compile(r"(tcp|tls|ucx|ws|wss)://([A-Za-z0-9][A-Za-z0-9._-]*|\[[0-9A-Fa-f:.]+\])"
                       r":(\d{1,5})")


class ComputeParams(Params):
    """Where the heavy steps run (``aimak.compute``, docs/scale.md): ``workers`` > 1 starts a
    local Dask cluster, ``scheduler`` connects to an existing one, ``chunk`` is the number of
    origins per travel-time task."""

    workers: int = Field(default_of(compute_client, "workers"), ge=1,
                         description="Dask workers (> 1: a local cluster)")
    scheduler: str | None = Field(None, description="tcp://host:port of an existing cluster")
    chunk: int = Field(256, ge=1, description="origins per travel-time task")

    @model_validator(mode="after")
    def _address(self) -> ComputeParams:
        if self.scheduler is not None:
            found = SCHEDULER.fullmatch(self.scheduler)
            if not found or not 1 <= int(found.group(3)) <= 65535:
                raise ValueError(f"scheduler {shown(self.scheduler)} is not the address of a "
                                 "Dask cluster; expected tcp://host:port (or tls://, ucx://, "
                                 "ws://, wss://) with a port from 1 to 65535")
        return self

    @property
    def distributed(self) -> bool:
        """Whether the heavy steps run on Dask (a scheduler or more than one worker)."""
        return self.scheduler is not None or self.workers > 1


def compute_options(workers: int | None = None, scheduler: str | None = None,
                    chunk: int | None = None, base: ComputeParams | None = None
                    ) -> ComputeParams:
    """``base`` (default: the defaults) with the CLI options given, checked like the config's
    ``[compute]`` section; errors name the option (``--scheduler``)."""
    given = {"workers": workers, "scheduler": scheduler, "chunk": chunk}
    data = {**(base or ComputeParams()).model_dump(exclude_defaults=True),
            **{k: v for k, v in given.items() if v is not None}}
    return check(ComputeParams, data, key_name=lambda k: "--" + k)
