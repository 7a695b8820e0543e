"""What other apps put on the home page: each registers a function ``request -> dict`` in its
``ready()`` (the places directory gives the oblasts), and the home view renders their merged
context. The core app imports no other app; they come to it."""

from __future__ import annotations

from collections.abc import Callable

_providers: list[Callable[[object], dict]] = []


def register(provider: Callable[[object], dict]) -> Callable[[object], dict]:
    """Register ``provider``; usable as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def home_context(request) -> dict:
    out: dict = {}
    for provider in _providers:
        out.update(provider(request))
    return out
