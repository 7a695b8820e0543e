"""Every URL of the platform × every role → the expected status (see ``permtable``)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .permtable import ROLES, modules

#: URL names that are not pages of the platform's own (Django's admin, the API router's
#: generated names, the language switch): tested elsewhere.
EXEMPT_PREFIXES = ("admin:", "api-", "api_root", "set_language", "api_schema")


def _names(resolver=None, ns=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from _names(p, inner)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{ns}{p.name}"


def _rows():
    return [row for m in modules() for row in m.ROWS]


def test_every_url_has_a_row():
    names = {n for n in _names() if not n.startswith(EXEMPT_PREFIXES)}
    rows = {r.name for r in _rows()}
    assert names - rows == set(), "URLs without a row in the permission table"
    assert rows - names == set(), "rows for URLs that do not exist"
    for row in _rows():
        assert set(row.expect) == set(ROLES), row.name


@pytest.mark.django_db
def test_permission_table(client, places, users, request):
    # each module gets its own context, so two modules may both name an object "draft"
    contexts = []
    for m in modules():
        ctx = {"places": places, "users": users, "request": request}
        if hasattr(m, "setup"):
            m.setup(ctx)
        contexts.append((m, ctx))
    failures = []
    for m, ctx in contexts:
        for row in m.ROWS:
            failures += _check(client, users, row, ctx)
    assert not failures, "\n".join(failures)


def _check(client, users, row, ctx) -> list[str]:
    """The row's URL requested as every role; the statuses that differ from the table."""
    failures = []
    url = reverse(row.name, args=row.args(ctx))
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        status = getattr(client, row.method)(url, row.data(ctx)).status_code
        if status != row.expect[role]:
            failures.append(f"{row.name} as {role}: {status}, expected {row.expect[role]}")
    return failures
