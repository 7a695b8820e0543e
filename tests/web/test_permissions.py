"""Every URL and method of the platform × every role → the outcome (see ``permtable``).

Three checks:

- ``test_every_url_and_method_has_rows``: every URL name has a GET row and, when its view reads a
  POST, a POST row; rows name existing URLs and give every role an outcome.
- ``test_permission_table[<app>]``: the app's rows as every role (status, redirect target,
  database writes, secrets on the page); a read-only URL is also sent a POST, which must
  change nothing. The rules (django-rules permissions) each request consulted are recorded.
- the mutation check, in the same test: each permission of the app (or those its module names
  in ``RULES``) is opened to everyone in
  turn (``rules.always_allow``) and the rows that consulted it are run again; the table must
  then fail. A permission the table cannot tell from "allow everything" is a gap in the table.
"""

from __future__ import annotations

import importlib
import inspect
import re
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import pytest
import rules
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rules.rulesets import RuleSet

from .permtable import NOT_ALLOWED, ROLES, SIGNIN_PAGE, Outcome, Row, modules

#: URL names outside the table: Django's admin (its own permission system, is_staff only)
EXEMPT_PREFIXES = ("admin:",)
#: tables a request may write without changing what the platform holds
IGNORED_TABLES = {"django_session", "aimak_cache", "axes_accessattempt", "axes_accesslog",
                  "axes_accessfailurelog"}
#: who sends the POST to read-only pages (the view's code path is the same for every role)
READ_ONLY_POST_ROLES = ("anonymous", "admin")
WRITE_SQL = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)


def _patterns(resolver=None, ns=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, f"{ns}{p.namespace}:" if p.namespace else ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{ns}{p.name}", p.callback


def reads_post(callback) -> bool:
    """Whether a view handles POST: a class-based view with ``post``, a viewset action for
    POST, or a function whose source (decorators included) reads the POST or its files."""
    cls = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if cls is not None:
        actions = getattr(callback, "actions", None)
        if actions is not None:
            return "post" in actions
        return hasattr(cls, "post")
    func = callback
    while hasattr(func, "__wrapped__"):
        func = func.__wrapped__
    try:
        source = inspect.getsource(func if inspect.isfunction(func) else type(func))
    except (OSError, TypeError):
        return False
    return bool(re.search(r"request\.(POST|FILES)|require_POST|method\s*==\s*.POST", source))


def url_methods() -> dict[str, set[str]]:
    """Every URL name of the platform and the methods its rows must cover."""
    out: dict[str, set[str]] = {}
    for name, callback in _patterns():
        if name.startswith(EXEMPT_PREFIXES):
            continue
        out.setdefault(name, {"get"})
        if reads_post(callback):
            out[name].add("post")
    return out


def _rows():
    return [row for m in modules() for row in m.ROWS]


def test_every_url_and_method_has_rows():
    wanted = url_methods()
    have = {(r.name, r.method) for r in _rows()}
    missing = sorted(f"{n} {m.upper()}" for n, ms in wanted.items() for m in ms
                     if (n, m) not in have)
    assert missing == [], "URLs and methods without a row in the permission table"
    assert {n for n, _m in have} - set(wanted) == set(), "rows for URLs that do not exist"
    for row in _rows():
        assert set(row.expect) == set(ROLES), row.name


# --- running the table ---------------------------------------------------------------------

class Table:
    """One client per role (signed in once), and the rules each row's requests consulted."""

    def __init__(self, users, ctx: dict, rows: list[Row]) -> None:
        self.ctx, self.rows = ctx, rows
        #: URL names with POST rows of their own (the others get the read-only POST check)
        self.posted = {r.name for r in rows if r.method == "post"}
        self.clients = {}
        for role in ROLES:
            client = Client()
            if role != "anonymous":
                client.force_login(users[role])
            self.clients[role] = client
        #: row index -> the permissions (django-rules) its requests consulted
        self.consulted: dict[int, set[str]] = {}

    def run(self, only: set[int] | None = None, record: bool = False) -> list[str]:
        failures = []
        for i, row in enumerate(self.rows):
            if only is not None and i not in only:
                continue
            if row.pending and only is not None:
                continue
            seen = self.consulted.setdefault(i, set()) if record and not row.pending else None
            found = self._row(row, seen)
            if row.pending:
                found = [] if found else [f"{row.name} {row.method.upper()} holds now: remove "
                                          f"pending={row.pending!r}"]
            failures += found
        return failures

    def _row(self, row: Row, seen) -> list[str]:
        ctx = self.ctx
        query = row.query(ctx) if callable(row.query) else row.query
        url = reverse(row.name, args=row.args(ctx)) + (f"?{query}" if query else "")
        failures = []
        for role in ROLES:
            failures += self._check(row, role, url, row.method, row.expect[role], seen)
            if (row.method == "get" and row.name not in self.posted
                    and role in READ_ONLY_POST_ROLES):
                # a read-only page sent a POST: the same answer (or 405), nothing written
                got = self._request(role, "post", url, {}, seen)
                if isinstance(got, str):
                    failures.append(f"{row.name} POST as {role}: {got}")
                    continue
                status, _loc, writes, _body = got
                if writes or status not in (row.expect[role].status, NOT_ALLOWED.status):
                    failures.append(f"{row.name} POST (read-only) as {role}: {status}, "
                                    f"writes {writes or 'nothing'}")
        return failures

    def _check(self, row: Row, role: str, url: str, method: str, want: Outcome, seen
               ) -> list[str]:
        got = self._request(role, method, url, row.data(self.ctx), seen)
        where = f"{row.name} {method.upper()} {url} as {role}"
        if isinstance(got, str):
            return [f"{where}: {got}"]
        status, location, writes, body = got
        out = []
        if status != want.status:
            out.append(f"{where}: status {status}, expected {want.status}"
                       + (f" (to {location})" if location else ""))
        elif want.to is not None and not self._goes_to(location, want.to, url):
            out.append(f"{where}: redirected to {location}, expected {self._target(want.to)}")
        if bool(writes) != want.writes:
            out.append(f"{where}: wrote {sorted(set(writes)) or 'nothing'}, expected "
                       f"{'a change' if want.writes else 'no change'}")
        if (row.secret is not None and status == 200 and want.sees is not None
                and (row.secret(self.ctx) in body) != want.sees):
            out.append(f"{where}: the secret is {'missing' if want.sees else 'shown'}")
        return out

    def _target(self, to) -> str:
        if isinstance(to, re.Pattern):
            return to.pattern
        if callable(to):
            return to(self.ctx)
        return to if to.startswith("/") else reverse(to)

    def _goes_to(self, location: str, to, url: str) -> bool:
        got = urlsplit(location)
        if isinstance(to, re.Pattern):
            return bool(to.fullmatch(got.path))
        if to == SIGNIN_PAGE:
            return (got.path == reverse(SIGNIN_PAGE)
                    and parse_qs(got.query).get("next") == [url])
        return got.path == urlsplit(self._target(to)).path

    def _request(self, role: str, method: str, url: str, data: dict, seen):
        """(status, Location, tables written, body text) with every change rolled back, or
        the exception the view raised."""
        client = self.clients[role]
        writes: list[str] = []

        def watch(execute, sql, params, many, context):
            m = WRITE_SQL.match(sql)
            if m and m.group(1) not in IGNORED_TABLES:
                writes.append(m.group(1))
            return execute(sql, params, many, context)

        cookies = client.cookies
        client.cookies = type(cookies)(cookies)
        recorder = _Recorder(seen)
        try:
            with transaction.atomic(), connection.execute_wrapper(watch), recorder:
                response = getattr(client, method)(url, data)
                body = _body(response)
                transaction.set_rollback(True)
        except Exception as exc:  # a view that crashes is a row that fails
            return f"raised {type(exc).__name__}: {exc}"
        finally:
            client.cookies = cookies
        return response.status_code, response.get("Location", ""), writes, body


def _body(response) -> str:
    """The answer's text (the test client closes the response; closing it again here would
    fire ``request_finished`` and close the connection inside the transaction)."""
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)
    else:
        data = response.content
    try:
        return data.decode()
    except UnicodeDecodeError:
        return ""


def view_predicates() -> dict[str, tuple[object, str]]:
    """Predicates a view module calls directly (not through a permission), by a dotted name:
    the mutation check opens them too."""
    out = {}
    for app in apps.get_app_configs():
        if not app.name.startswith("aimak_web."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.views")
        except ModuleNotFoundError:
            continue
        for attr, value in vars(module).items():
            if isinstance(value, rules.Predicate):
                out[f"{app.label}.views.{attr}"] = (module, attr)
    return out


class _Recorder:
    """Records the permissions and view predicates tested while it is active."""

    def __init__(self, seen: set | None) -> None:
        self.seen = seen
        self.original = RuleSet.test_rule
        self.patched: list[tuple[object, str, object]] = []

    def __enter__(self):
        if self.seen is None:
            return self
        seen, original = self.seen, self.original

        def test_rule(ruleset, name, *args, **kwargs):
            if ruleset is rules.permissions.permissions:
                seen.add(name)
            return original(ruleset, name, *args, **kwargs)

        RuleSet.test_rule = test_rule
        for name, (module, attr) in view_predicates().items():
            predicate = getattr(module, attr)

            def recording(*args, _name=name, _predicate=predicate):
                seen.add(_name)
                return _predicate(*args)

            self.patched.append((module, attr, predicate))
            setattr(module, attr, recording)
        return self

    def __exit__(self, *exc) -> None:
        RuleSet.test_rule = self.original
        for module, attr, predicate in self.patched:
            setattr(module, attr, predicate)
        self.patched.clear()


@contextmanager
def _opened(name: str, predicates: dict):
    """The permission (or view predicate) ``name`` allows everything while inside."""
    if name in predicates:
        module, attr = predicates[name]
        target, key = vars(module), attr
    else:
        target, key = rules.permissions.permissions, name
    rule = target[key]
    target[key] = rules.always_allow
    try:
        yield
    finally:
        target[key] = rule


def _app(module) -> str:
    return module.__name__.rsplit(".", 1)[-1].removeprefix("perm_")


#: permissions the mutation check does not require the table to catch, and why
UNCHECKED_RULES: dict[str, str] = {
    "practices.submit_practice": "every role may submit: for signed-in users it is 'allow', "
                                 "and login_required keeps anonymous visitors out",
    "contests.edit_application": "a second lock: the views find the application by the "
                                 "user's own municipality, so no URL reaches another's",
    "contests.judge": "a second lock: every jury page also needs the user's seat in the "
                      "edition (JuryMember), which only jurors have",
}


@pytest.mark.django_db
@pytest.mark.parametrize("module", modules(), ids=_app)
def test_permission_table(module, places, users, request):
    ctx = {"places": places, "users": users, "request": request}
    if hasattr(module, "setup"):
        module.setup(ctx)
    table = Table(users, ctx, module.ROWS)
    failures = table.run(record=True)
    assert not failures, "\n".join(failures)

    # the mutation check: each permission of this app, opened to everyone, fails the table
    app = _app(module)
    predicates = view_predicates()
    mine = set(getattr(module, "RULES", None) or {
        name for name in [*rules.permissions.permissions, *predicates]
        if name.startswith(f"{app}.")})
    consulted: dict[str, set[int]] = {}
    for i, names in table.consulted.items():
        for name in names:
            consulted.setdefault(name, set()).add(i)
    never = mine - set(consulted) - set(UNCHECKED_RULES)
    assert never == set(), f"permissions of {app} that no row of the table consults"
    survivors = []
    for name, rows in sorted(consulted.items()):
        if name not in mine or name in UNCHECKED_RULES:
            continue
        with _opened(name, predicates):
            if not table.run(only=rows):
                survivors.append(name)
    assert survivors == [], ("the table still passes with these permissions open to everyone: "
                             + ", ".join(survivors))
