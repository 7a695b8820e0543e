"""Language leaks and accessibility faults the sweeps found on main that belong to pages other
engineers are reworking, each with the issue that fixes it. The crawler fails on any leak NOT
listed here; when a leak is fixed, delete its line (``test-artifacts/language-known-unused.txt``
lists lines that matched nothing in the last run). Patterns match "<lang> <path>: <problem>"
(path without the language prefix, numbers as N)."""

from __future__ import annotations

KNOWN: dict[str, list[str]] = {
}

#: the browser sweep's findings ("<lang> <path> at <width> px: <problem>", same path rule)
KNOWN_SWEEP: dict[str, list[str]] = {
}
