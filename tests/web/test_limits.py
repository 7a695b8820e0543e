"""Rate limits sized for real work: an analyst moving 200 municipalities in an hour is not
throttled (before: the 30th move in ten minutes got 429, shown as an English "network error"),
and a limited action says so in the reader's language, as JSON for the editor's script."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation


@pytest.mark.django_db
def test_an_analysts_200_moves_in_an_hour_pass_then_the_limit_speaks_ky(users, settings,
                                                                        one_rate_window):
    settings.RATELIMIT_ENABLE = True
    cache.clear()
    c = Client()
    c.force_login(users["admin"])
    with translation.override("ky"):
        url = reverse("territory:move", args=[999999])  # counted before the scenario is looked up
    statuses = [c.post(url, HTTP_ACCEPT="application/json").status_code for _ in range(200)]
    assert 429 not in statuses
    # past the limit (made small here) the answer says so in the reader's language, in JSON
    settings.AIMAK_RATE_EDIT = "2/h"
    for _ in range(2):
        assert c.post(url, HTTP_ACCEPT="application/json").status_code == 404
    r = c.post(url, HTTP_ACCEPT="application/json")
    assert r.status_code == 429
    assert "өтө көп сурам" in json.loads(r.content)["error"]  # Kyrgyz, in JSON
    # the limit is per account: another analyst is not slowed by the first one
    other = Client()
    other.force_login(users["municipal_staff"])
    assert other.post(url, HTTP_ACCEPT="application/json").status_code != 429
