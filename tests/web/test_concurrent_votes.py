"""Ten simultaneous vote POSTs from one person store one vote, on the real database server.

Each request runs in its own thread with its own database connection, released together by a
barrier; only the database's unique constraint (entry, voter) can keep the count at one.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from .perm_practices import make_edition, make_practice

N = 10


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_votes_of_one_person_store_one(places, users):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; this test is about PostgreSQL's concurrency "
                    "(the PostgreSQL run of the suite runs it)")
    from aimak_web.practices.models import Entry, Vote

    practice = make_practice(users["municipal_staff"], "published", "lsg", body=places["a"],
                             munis=[places["a"]])
    ed = make_edition()
    entry = Entry.objects.create(edition=ed, practice=practice,
                                 category=ed.categories.get(code="lsg"))
    url = reverse("practices:vote", args=[entry.pk])
    clients = []
    for _ in range(N):
        c = Client()
        c.force_login(users["citizen"])
        clients.append(c)
    start = threading.Barrier(N)
    statuses: list[int] = []

    def vote(client):
        try:
            start.wait()
            statuses.append(client.post(url, REMOTE_ADDR="10.1.0.1").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302] * N  # each told, none a server error
    assert Vote.objects.filter(entry=entry, voter=users["citizen"]).count() == 1
