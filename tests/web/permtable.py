"""The permission table: every URL name of the platform × every role → the expected status.

Each app keeps its rows in ``perm_<app>.py``: a list ``ROWS`` of ``Row`` and an optional
``setup(ctx)`` that creates the objects its URLs need. ``test_permissions`` fails when a URL has
no row (a new view without a rule) or a row names a URL that no longer exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ("anonymous", "citizen", "municipal_staff", "other_staff", "jury", "moderator", "admin")
SIGNIN = 302  # anonymous users are sent to the sign-in page


def everyone(status: int = 200) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int = 200) -> dict[str, int]:
    return {**everyone(status), "anonymous": SIGNIN}


def only(roles: set[str], status: int = 200, others: int = 403) -> dict[str, int]:
    out = {r: (status if r in roles else others) for r in ROLES}
    if "anonymous" not in roles:
        out["anonymous"] = SIGNIN
    return out


@dataclass
class Row:
    name: str
    expect: dict[str, int]
    args: Callable[[dict], list] = lambda ctx: []
    method: str = "get"
    data: Callable[[dict], dict] = field(default=lambda ctx: {})
    #: prefix the path with a language (None: as reversed)
    note: str = ""


def modules():
    from . import (
        perm_accounts,
        perm_contests,
        perm_core,
        perm_forecasts,
        perm_hearings,
        perm_places,
        perm_practices,
        perm_territory,
    )

    return [perm_core, perm_accounts, perm_places, perm_territory, perm_forecasts,
            perm_contests, perm_hearings, perm_practices]
