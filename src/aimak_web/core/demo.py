"""The demo's hook: every domain app may add a loader with ``register(loader)``.

A loader gets the demo context (dataset path, results folder, the demo users) and loads only real
data: what has no real source stays empty, and anything illustrative is marked as an example on
its page. The orchestration (accounts, order, serving) is the ``demo`` app's, above every app;
this hook stays in ``core`` so that no app imports the one above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

DEMO_PASSWORD = "aimak-demo-2026"


@dataclass
class DemoContext:
    dataset: Path
    results: Path | None
    users: dict[str, object] = field(default_factory=dict)
    log: Callable[[str], None] = print


_loaders: list[Callable[[DemoContext], None]] = []


def register(loader: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
    if loader not in _loaders:
        _loaders.append(loader)
    return loader


def loaders() -> list[Callable[[DemoContext], None]]:
    return list(_loaders)


#: The demo municipality: Bürgöndü ayil aimak (Nooken rayon), whose published budget lines are in
#: the shared data (``local_budgets.csv``).
DEMO_MUNICIPALITY_CODE = "41703215819000"
