"""The permission table: every URL name and method of the platform × every role → the outcome.

Each app keeps its rows in ``perm_<app>.py``: a list ``ROWS`` of ``Row`` and an optional
``setup(ctx)`` that creates the objects its URLs need. An outcome is more than a status:

- ``status``: the HTTP status;
- ``to``: where a redirect goes (a 302 "done" and a 302 "refused" differ by their target and by
  what they wrote): the sign-in page with ``next`` for anonymous visitors, else the page named;
- ``writes``: whether the request changed the database. Every SQL statement that inserts, updates
  or deletes a row of a platform table is seen (``connection.execute_wrapper``), so a refused
  POST that still writes, or a GET that queues work, fails the table;
- ``sees``: for rows with a ``secret`` (a text only some roles may read), whether it is on the
  page (e.g. a residents list of municipality a must not reach staff of municipality c).

Each request runs inside a transaction that is rolled back, so every role meets the same state
and a successful POST of one role does not change what the next one sees.

``test_permissions`` checks completeness (every URL name has a GET row, and a POST row when its
view reads a POST; read-only views get an automatic POST that must change nothing), runs the
table, and opens each rule it relies on (django-rules) to show that the table then fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

ROLES = ("anonymous", "citizen", "municipal_staff", "other_staff", "jury", "moderator", "admin")
STAFF_ROLES = ("municipal_staff", "other_staff")
#: the redirect target meaning "the sign-in page, coming back here"
SIGNIN_PAGE = "accounts:signin"


@dataclass(frozen=True)
class Outcome:
    """What one role gets from one request."""

    status: int
    #: redirect target: a URL name without arguments, a path, ``ctx -> path``, or a compiled
    #: pattern the path must match (for an object created by the request)
    to: str | Callable[[dict], str] | re.Pattern | None = None
    writes: bool = False
    #: whether the row's ``secret`` is on the page (``None``: not checked)
    sees: bool | None = None

    def __post_init__(self) -> None:
        if self.status in (301, 302, 303) and self.to is None:
            raise ValueError("a redirect outcome names its target (to=...)")

    def seeing(self, sees: bool = True) -> Outcome:
        return replace(self, sees=sees)


OK = Outcome(200)
#: 200 and the row's secret is on the page / is not
SHOWN = Outcome(200, sees=True)
HIDDEN = Outcome(200, sees=False)
FORBIDDEN = Outcome(403)
MISSING = Outcome(404)
NOT_ALLOWED = Outcome(405)
SIGNIN = Outcome(302, to=SIGNIN_PAGE)


def done(to, status: int = 302) -> Outcome:
    """The action was carried out (the database changed) and the user is sent to ``to``."""
    return Outcome(status, to=to, writes=True)


def back(to) -> Outcome:
    """Refused or nothing to do: sent to ``to`` with a message, the database unchanged."""
    return Outcome(302, to=to)


def saved(status: int = 200) -> Outcome:
    """Answered in place (a form or JSON) after changing the database."""
    return Outcome(status, writes=True)


def everyone(outcome: Outcome | int = OK) -> dict[str, Outcome]:
    return dict.fromkeys(ROLES, _outcome(outcome))


def signed_in(outcome: Outcome | int = OK) -> dict[str, Outcome]:
    return {**everyone(outcome), "anonymous": SIGNIN}


def only(roles: Iterable[str], outcome: Outcome | int = OK,
         others: Outcome | int = FORBIDDEN) -> dict[str, Outcome]:
    """``outcome`` for ``roles``, ``others`` for the other signed-in roles, anonymous visitors
    sent to sign in (unless listed)."""
    roles = set(roles)
    out = {r: _outcome(outcome if r in roles else others) for r in ROLES}
    if "anonymous" not in roles:
        out["anonymous"] = SIGNIN
    return out


def _outcome(value: Outcome | int) -> Outcome:
    return value if isinstance(value, Outcome) else Outcome(value)


@dataclass
class Row:
    """One URL (name and arguments) and method, and the outcome for every role."""

    name: str
    expect: dict[str, Outcome | int]
    args: Callable[[dict], list] = lambda ctx: []
    method: str = "get"
    data: Callable[[dict], dict] = field(default=lambda ctx: {})
    #: a text only some roles may read (see ``Outcome.sees``)
    secret: Callable[[dict], str] | None = None
    #: a query string added to the URL (``limit=...``), or ``ctx -> query string``
    query: str | Callable[[dict], str] = ""
    note: str = ""
    #: the issue that will make this row hold; until then its failures are expected, and once
    #: it holds the table says so (like a strict xfail), so the marker is removed
    pending: str = ""

    def __post_init__(self) -> None:
        self.expect = {role: _outcome(o) for role, o in self.expect.items()}


def form_data(form, **changes) -> dict:
    """What a browser would send for an unbound ``form`` as shown (its initial values), with
    ``changes``: the data of an edit that keeps everything but what a row changes."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or hasattr(value, "read"):
            continue
        if hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, (list, tuple)):
            value = [getattr(v, "pk", v) for v in value]
        data[name] = "on" if value is True else value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def modules():
    from . import (
        perm_accounts,
        perm_api,
        perm_contests,
        perm_core,
        perm_forecasts,
        perm_hearings,
        perm_journal,
        perm_places,
        perm_portraits,
        perm_practices,
        perm_territory,
    )

    return [perm_core, perm_accounts, perm_places, perm_territory, perm_forecasts,
            perm_contests, perm_hearings, perm_practices, perm_api, perm_journal,
            perm_portraits]
