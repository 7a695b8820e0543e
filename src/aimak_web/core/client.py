"""The client's address: the one function every part of the platform asks.

Behind the documented nginx every request comes from the proxy (127.0.0.1); the proxy puts the
visitor's address into ``X-Forwarded-For``. That header is believed only when the request comes
from a configured trusted proxy (``AIMAK_TRUSTED_PROXIES``: addresses or networks, comma
separated); otherwise anyone could write it. The chain is read from the right, skipping trusted
proxies; the first address that is not one is the client's.

Sign-in lock-out (django-axes), rate limits (django-ratelimit), the audit trail and contest votes
all use :func:`client_ip`, through :class:`ClientAddressMiddleware`, which also writes the result
into ``REMOTE_ADDR`` so that a library reading it directly gets the same answer.

Why not django-ipware: its trusted-proxy list names proxies *inside* the forwarded chain, in
order, matched by prefix; here the proxy is the peer itself, and only the peer decides whether
the header is believed at all. The rule is a few lines over the standard ``ipaddress`` module.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: ``request.META`` key keeping the peer's address once REMOTE_ADDR holds the client's
PEER_META = "AIMAK_PEER_ADDR"


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(s.strip(), strict=False) for s in spec if s.strip())


def trusted_networks() -> tuple[Network, ...]:
    """The configured trusted proxies (``settings.AIMAK_TRUSTED_PROXIES``) as networks."""
    return _networks(tuple(getattr(settings, "AIMAK_TRUSTED_PROXIES", ()) or ()))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _is_trusted(addr, networks) -> bool:
    return addr is not None and any(addr in n for n in networks)


def resolve(remote_addr: str, forwarded_for: str | None,
            networks: tuple[Network, ...]) -> str:
    """The client's address from the peer's address and its ``X-Forwarded-For`` header."""
    peer = _address(remote_addr or "")
    if not forwarded_for or not _is_trusted(peer, networks):
        return str(peer) if peer is not None else (remote_addr or "")
    client = peer
    for part in reversed(forwarded_for.split(",")):
        addr = _address(part)
        if addr is None:  # a garbled hop: stop at the last address we could trust
            break
        client = addr
        if not _is_trusted(addr, networks):
            break
    return str(client)


def client_ip(request) -> str:
    """The address of the person behind ``request`` (see the module's rule)."""
    meta = request.META
    if meta.get(PEER_META):  # the middleware has resolved it already
        return meta.get("REMOTE_ADDR", "")
    return resolve(meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR"),
                   trusted_networks())


class ClientAddressMiddleware:
    """Puts the client's address into ``REMOTE_ADDR`` (the peer's stays in ``AIMAK_PEER_ADDR``)
    and drops ``X-Forwarded-For``, so that no library reads a header we did not check."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        ip = client_ip(request)
        meta = request.META
        meta[PEER_META] = meta.get(PEER_META) or meta.get("REMOTE_ADDR", "") or "-"
        meta["REMOTE_ADDR"] = ip
        meta.pop("HTTP_X_FORWARDED_FOR", None)
        return self.get_response(request)
