"""The backup drill of docs/deploy.md: pg_dump, restore to a new database, same rows and pages."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def _counts() -> dict[str, int]:
    with connection.cursor() as cur:
        tables = connection.introspection.table_names(cur)
        out = {}
        for t in tables:
            cur.execute(f'SELECT count(*) FROM "{t}"')
            out[t] = cur.fetchone()[0]
    return out


def _page(client, url: str) -> str:
    html = client.get(url).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_dump_restore_gives_same_rows_and_pages(request, client, places, users):
    if connection.vendor != "postgresql":
        pytest.skip("the backup drill is for PostgreSQL (SQLite backups are a file copy)")
    server = request.getfixturevalue("pg_server")
    db = connection.settings_dict["NAME"]
    restored = f"{db}_restored"
    url = reverse("places:municipality", args=[places["a"].code])
    before_counts, before_page = _counts(), _page(client, url)
    dump = server.datadir.parent / "backup.dump"
    common = ["-h", "127.0.0.1", "-p", str(server.port), "-U", server.user]
    subprocess.run([str(server.bindir / "pg_dump"), *common, "-Fc", "-f", str(dump), db],
                   check=True)
    subprocess.run([str(server.bindir / "createdb"), *common, restored], check=True)
    subprocess.run([str(server.bindir / "pg_restore"), *common, "--no-owner", "-d", restored,
                    str(dump)], check=True)
    connection.close()
    connection.settings_dict["NAME"] = restored
    try:
        after_counts, after_page = _counts(), _page(client, url)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = db
        subprocess.run([str(server.bindir / "dropdb"), *common, restored], check=False)
    assert after_counts == before_counts
    assert before_counts["places_municipality"] == 3
    assert after_page == before_page
