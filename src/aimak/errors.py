"""Errors a user can read: every input problem names its file, row, column and expectation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One defect found in an input file.

    ``row`` is the 1-based data row as a person counts it in a spreadsheet (header excluded),
    or ``None`` when the problem concerns the whole file or a column.
    """

    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    #: For settings files (TOML): the section (``zones``) and the key (``min_size``).
    section: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(f"{self.file}")
        if self.section:
            where.append(f"section [{self.section}]")
        if self.key:
            where.append(f"option {self.key}" if self.key.startswith("--")
                         else f"key '{self.key}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        prefix = ", ".join(where)
        text = f"{prefix}: {self.message}" if prefix else self.message
        # a quoted cell never breaks the line, and a long one is cut (a 1 MB cell is not quoted)
        return _LONG_QUOTE.sub(lambda m: m.group(0)[: SHOWN_CHARS - 4] + "...'",
                               text.translate(_ONE_LINE))


class AimakError(Exception):
    """Base class of every error aimak reports to a user (printed without a traceback)."""


@dataclass
class InputError(AimakError):
    """Input data failed validation; holds every problem found, not only the first."""

    problems: list[Problem] = field(default_factory=list)
    limit: int = 20

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.problems)
        if n == 1:
            return str(self.problems[0])
        head = f"{n} problems in the input:"
        lines = [f"  - {p}" for p in self.problems[: self.limit]]
        if n > self.limit:
            lines.append(f"  ... and {n - self.limit} more")
        return "\n".join([head, *lines])


def fail(message: str, file: str | Path | None = None, row: int | None = None,
         column: str | None = None) -> InputError:
    """Build an InputError holding a single problem (to be raised by the caller)."""
    return InputError([Problem(message, str(file) if file else None, row, column)])


#: Characters that break a line (str.splitlines), shown escaped so a problem stays on one line.
_ONE_LINE = {ord(c): repr(c)[1:-1] for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}

#: Longest quoted value in a message; a 1 MB cell is cut, not printed in full.
SHOWN_CHARS = 60
#: A quoted value: an apostrophe not inside a word ("dataset's" is no quote) to the next one.
_LONG_QUOTE = re.compile(rf"(?<!\w)'[^'\n]{{{SHOWN_CHARS - 1},}}'(?!\w)")


def shown(value: object) -> str:
    """A value quoted for a message, cut to ``SHOWN_CHARS`` characters and kept on one line."""
    if isinstance(value, bool):  # as the TOML file spells it
        return "true" if value else "false"
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    text = text.replace("\n", " ").replace("\r", " ")
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 4] + "...'"
