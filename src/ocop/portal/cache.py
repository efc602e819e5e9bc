"""The per-language cache of the public pages.

Every cached fragment is keyed by a *version* (one counter in the default
cache), the language, today's date (a certificate expires with the day) and
the page's own parameters. A change that can show on a public page (a product,
its images, a certificate, a revocation, a decision, a subject or its public
profile: see ``signals.py``) bumps the version, so the next request renders
afresh: a revocation shows on the next request. The bump happens at once and
again after the transaction commits, so a request that read the data before
the commit cannot leave its stale page under the new version.

Only the page's body is cached, never the whole response: the shell around it
carries the per-request CSP nonce and CSRF token.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

from ocop.core import cacheversion

VERSION_KEY = "ocop:portal:version"
TIMEOUT = 15 * 60  # a bulk write that sends no signal shows within this


def version() -> int:
    return cacheversion.version(VERSION_KEY)


def bump() -> None:
    """Make every cached public page stale (now and once the transaction commits)."""
    cacheversion.bump(VERSION_KEY)


def cached(name: str, params: tuple, build: Callable[[], object], *, timeout: int = TIMEOUT):
    """``build()``'s value for this page, language, day and version."""
    digest = hashlib.sha256(repr(params).encode()).hexdigest()[:24]
    key = ":".join(
        (
            "ocop:portal",
            str(version()),
            translation.get_language() or "vi",
            timezone.localdate().isoformat(),
            name,
            digest,
        )
    )
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=timeout)
    return value


def shared_cache(*, max_age: int):
    """A view decorator for public files that are the same for everyone (the
    feed, robots.txt, product photos): ``Cache-Control: public`` for an
    anonymous visitor, so proxies may keep them, but ``private`` when the
    request carries a session, because nothing served to a signed-in person
    may be kept by a shared cache (checked by tests/security)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                patch_cache_control(response, private=True, max_age=max_age)
            else:
                patch_cache_control(response, public=True, max_age=max_age)
            return response

        return wrapper

    return decorate
