"""The client's address behind a proxy: X-Forwarded-For believed only from a trusted proxy.

Behind the documented nginx every request arrives from 127.0.0.1; before the trusted-proxy rule
one person's failed sign-ins locked every visitor out and every vote was recorded from 127.0.0.1.
"""

from __future__ import annotations

import ipaddress

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from aimak_web.core.client import resolve

from .conftest import PASSWORD

NGINX = (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8"))


def test_header_believed_only_from_a_trusted_proxy():
    # from the proxy: the address nginx appended (the right-most) is the client's
    assert resolve("127.0.0.1", "203.0.113.9", NGINX) == "203.0.113.9"
    # a client that forged a header: nginx's $proxy_add_x_forwarded_for appends the real one
    assert resolve("127.0.0.1", "1.2.3.4, 203.0.113.9", NGINX) == "203.0.113.9"
    # two trusted hops (load balancer 10.0.0.5, then nginx): skipped from the right
    assert resolve("127.0.0.1", "1.2.3.4, 198.51.100.7, 10.0.0.5", NGINX) == "198.51.100.7"
    # a visitor talking to gunicorn directly cannot choose their address
    assert resolve("198.51.100.7", "1.2.3.4", NGINX) == "198.51.100.7"
    assert resolve("127.0.0.1", "1.2.3.4", ()) == "127.0.0.1"  # no proxy configured
    # ports and IPv6 brackets are dropped; garbage stops the walk at the last good hop
    assert resolve("127.0.0.1", "[2001:db8::1]:4431", NGINX) == "2001:db8::1"
    assert resolve("127.0.0.1", "203.0.113.9:5555", NGINX) == "203.0.113.9"
    assert resolve("127.0.0.1", "unknown, 198.51.100.7", NGINX) == "198.51.100.7"
    assert resolve("127.0.0.1", "unknown", NGINX) == "127.0.0.1"


@given(st.lists(st.ip_addresses(v=4).map(str), min_size=1, max_size=5), st.ip_addresses(v=4))
def test_untrusted_peer_is_always_the_answer(chain, peer):
    """Whatever a client writes into the header, a peer outside the trusted networks wins."""
    peer = str(peer)
    if any(ipaddress.ip_address(peer) in n for n in NGINX):
        return
    assert resolve(peer, ", ".join(chain), NGINX) == peer


def _from(ip: str) -> Client:
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=ip)


@pytest.mark.django_db
def test_behind_proxy_one_persons_failures_do_not_lock_out_another(users, settings):
    settings.AXES_ENABLED = True
    settings.AIMAK_TRUSTED_PROXIES = ["127.0.0.1"]
    from axes.models import AccessAttempt

    url = reverse("accounts:signin")
    attacker = _from("203.0.113.9")
    for _ in range(6):
        attacker.post(url, {"username": "jury@test.local", "password": "wrong"})
    assert attacker.post(url, {"username": "jury@test.local",
                               "password": PASSWORD}).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    # another person behind the same proxy signs in to their own account
    other = _from("198.51.100.7")
    r = other.post(url, {"username": "moderator@test.local", "password": PASSWORD})
    assert r.status_code == 302
    assert other.get(reverse("accounts:me")).status_code == 200


@pytest.mark.django_db
def test_rate_limit_counts_each_visitor_behind_the_proxy(users, settings, one_rate_window):
    settings.RATELIMIT_ENABLE = True
    settings.AIMAK_TRUSTED_PROXIES = ["127.0.0.1"]
    from django.core.cache import cache

    cache.clear()
    url = reverse("accounts:signin")
    one = _from("203.0.113.9")
    statuses = [one.post(url, {"username": f"n{i}@x.kg", "password": "x"}).status_code
                for i in range(25)]
    assert 429 in statuses
    # a second visitor behind the same proxy is not limited by the first one's requests
    assert _from("198.51.100.7").post(url, {"username": "n@x.kg",
                                            "password": "x"}).status_code == 200


@pytest.mark.django_db
def test_vote_records_the_real_client_address(places, users, settings):
    settings.AIMAK_TRUSTED_PROXIES = ["127.0.0.1"]
    from aimak_web.practices.models import Entry, Vote

    from .perm_practices import make_edition, make_practice

    ed = make_edition()
    entry = Entry.objects.create(edition=ed, category=ed.categories.get(code="citizens"),
                                 practice=make_practice(users["other_staff"], "published",
                                                        munis=[places["c"]]))
    c = _from("1.2.3.4, 198.51.100.23")  # a forged first hop, the real one appended by nginx
    c.force_login(users["citizen"])
    c.post(reverse("practices:vote", args=[entry.pk]))
    assert Vote.objects.get(entry=entry).ip == "198.51.100.23"
