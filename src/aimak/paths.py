"""Where the shared data lives: one answer for the core, the platform and the tests.

The real Kyrgyz data (``SOURCES.md`` says where each file comes from) is read at run time and
never copied into the repository. ``data_home()`` is ``$AIMAK_SOURCE`` when it is set, else
``shared/data/kyrgyzstan`` beside the repository checkout (the folder that holds
``pyproject.toml``); ``reference_home()`` is ``shared/reference`` there (R reference partitions,
legal sources). Nothing else is searched: a folder found by chance is worse than none.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from aimak.errors import AimakError

#: The environment variable naming the data folder.
ENV = "AIMAK_SOURCE"


@cache
def repository() -> Path | None:
    """The checkout this package runs from (an editable install), or None when installed."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").is_file() and (parent / "src" / "aimak").is_dir():
            return parent
    return None


def shared_home() -> Path | None:
    """``shared/`` beside the checkout, when there is one."""
    root = repository()
    folder = root.parent / "shared" if root is not None else None
    return folder if folder is not None and folder.is_dir() else None


def data_home(required: bool = False) -> Path | None:
    """The Kyrgyz data folder, or None (an ``AimakError`` saying how to give it when
    ``required``). ``$AIMAK_SOURCE`` that is not a folder is always an error."""
    given = os.environ.get(ENV)
    if given:
        folder = Path(given).expanduser()
        if not folder.is_dir():
            raise AimakError(f"{ENV}={given}: no such folder; expected the Kyrgyz data folder "
                             "(the one holding SOURCES.md)")
        return folder
    shared = shared_home()
    folder = shared / "data" / "kyrgyzstan" if shared is not None else None
    if folder is not None and folder.is_dir():
        return folder
    if required:
        raise AimakError(f"the Kyrgyz data folder is not found: set {ENV} to it, or place it "
                         "at shared/data/kyrgyzstan beside the repository")
    return None


def folder_or_none(value: str | os.PathLike | None) -> Path | None:
    """``value`` as a folder that exists, or None: an empty setting names no folder (never
    ``Path("")``, which is the working directory)."""
    if value is None or not str(value).strip():
        return None
    folder = Path(value).expanduser()
    return folder if folder.is_dir() else None


def reference_home() -> Path | None:
    """``shared/reference`` beside the checkout (R reference partitions, legal sources)."""
    shared = shared_home()
    folder = shared / "reference" if shared is not None else None
    return folder if folder is not None and folder.is_dir() else None
