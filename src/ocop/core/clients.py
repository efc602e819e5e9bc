"""Who is asking: the client's address, also behind a reverse proxy."""

import hashlib
import hmac
import ipaddress

from django.conf import settings

CLIENT_KEY_LENGTH = 32


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the header the reverse proxy sets
    (``OCOP_CLIENT_IP_HEADER``, e.g. ``HTTP_X_REAL_IP``) when configured.
    Behind a proxy REMOTE_ADDR is the proxy's own address, the same for
    everyone: per-client limits must read the header."""
    header = getattr(settings, "OCOP_CLIENT_IP_HEADER", "")
    if header:
        value = request.META.get(header, "")
        if value:
            return value.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def client_ip(request) -> str | None:
    """``client_address`` if it is a valid IP address (to be stored), else None."""
    if request is None:
        return None
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_key(request) -> str:
    """A keyed hash of the client's address (never the raw address): what
    per-client limits and "distinct clients" counts are keyed on. The browser's
    User-Agent is deliberately left out: a client that changes it at will must
    not get a fresh limit or count as many people."""
    message = client_address(request).encode("utf-8", "replace")
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return digest[:CLIENT_KEY_LENGTH]
