"""Who is asking: the client's address, also behind a reverse proxy."""

import hashlib
import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings

CLIENT_KEY_LENGTH = 32


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the header the reverse proxy sets
    (``OCOP_CLIENT_IP_HEADER``, e.g. ``HTTP_X_REAL_IP``) when configured.
    Behind a proxy REMOTE_ADDR is the proxy's own address, the same for
    everyone: per-client limits must read the header. Of a list (an
    ``X-Forwarded-For`` the proxy appended to) the last entry is taken: it is
    the one our proxy wrote, the earlier ones are whatever the client sent."""
    header = getattr(settings, "OCOP_CLIENT_IP_HEADER", "")
    if header:
        value = request.META.get(header, "")
        if value:
            return value.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def client_ip(request) -> str | None:
    """The client as an IP address to be stored (failed logins, password
    resets), else None: ``client_address``, an IPv6 address as the first
    address of its network (``client_network``), so that the per-address
    limits counted on it cannot be reset by moving inside one's /64."""
    if request is None:
        return None
    try:
        ip = ipaddress.ip_address(client_network(client_address(request)).split("/")[0])
    except ValueError:
        return None
    return str(ip)


def client_network(address: str) -> str:
    """What one client can be told apart by: an IPv4 address as it is, an
    IPv6 address by its network (``OCOP_CLIENT_IPV6_PREFIX``, /64 by default:
    one home or phone is given a whole /64 and may use any address in it, so a
    client rotating its address inside it must stay one client). An
    IPv4-mapped IPv6 address is the IPv4 address; anything else is kept as is."""
    return _network(address, getattr(settings, "OCOP_CLIENT_IPV6_PREFIX", 64))


def _network(address: str, prefix: int) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def client_key(request) -> str:
    """A keyed hash of the client's network (never the raw address): what
    per-client limits and "distinct clients" counts are keyed on. The browser's
    User-Agent is deliberately left out, and IPv6 addresses count by network:
    a client that changes either at will must not get a fresh limit or count
    as many people."""
    prefix = getattr(settings, "OCOP_CLIENT_IPV6_PREFIX", 64)
    return _key(client_address(request), settings.SECRET_KEY, prefix)


@lru_cache(maxsize=8192)
def _key(address: str, secret: str, prefix: int) -> str:
    """``client_key`` of an address (kept per process: the public pages ask
    for the same few addresses again and again)."""
    message = _network(address, prefix).encode("utf-8", "replace")
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return digest[:CLIENT_KEY_LENGTH]
