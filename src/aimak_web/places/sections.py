"""Sections that other apps add to a municipality's page (hearings, contest entries, practices).

An app registers a function ``(request, municipality) -> Section | None`` in its ``ready()``;
the municipality page renders every section returned, in registration order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Section:
    title: str
    template: str
    context: dict = field(default_factory=dict)


_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    """Register ``provider``; usable as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def sections_for(request, municipality) -> list[Section]:
    out = []
    for provider in _providers:
        section = provider(request, municipality)
        if section is not None:
            out.append(section)
    return out
