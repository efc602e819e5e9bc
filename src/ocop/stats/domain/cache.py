"""The dashboards' figures, kept between requests.

Counting a whole country's certificates by province, star and year takes
seconds at national scale, so the figures of a dashboard are computed once
and kept in the default cache, keyed by a *version* (one counter), the
language, the day, the dashboard and who reads it (their scope: two people
with the same roles and units share the figures). A domain write that changes
a figure (see ``stats/signals_cache.py``: certificates, decisions, dossiers, stamp
requests, complaints, sheets, registrations, documents, targets…) bumps the
version, at once and again when its transaction commits, so the next request
counts afresh. Writes that send no signal (bulk imports, the nightly expiry
job's ``update()``) show within ``OCOP_STATS_CACHE_SECONDS`` (default 600).
The page says when its figures were counted ("Số liệu tính đến …").
"""

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

from ocop.accounts.rules import scope_for

VERSION_KEY = "ocop:stats:version"


def timeout() -> int:
    return int(getattr(settings, "OCOP_STATS_CACHE_SECONDS", 600))


def _fresh_version() -> int:
    # An evicted counter must not restart at a value already used.
    return time.time_ns() // 1000


def version() -> int:
    value = cache.get(VERSION_KEY)
    if value is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        value = cache.get(VERSION_KEY) or _fresh_version()
    return value


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted)
        cache.set(VERSION_KEY, _fresh_version(), timeout=None)


def bump() -> None:
    """Make every kept figure stale (now and once the transaction commits)."""
    _bump()
    transaction.on_commit(_bump)


def scope_key(user) -> tuple:
    """Who reads, as far as the figures can differ: their scope."""
    scope = scope_for(user)
    return (
        tuple(sorted(scope.roles)),
        tuple(sorted(scope.national_roles)),
        tuple(sorted((r, tuple(sorted(ids))) for r, ids in scope.provinces.items())),
        tuple(sorted((r, tuple(sorted(ids))) for r, ids in scope.communes.items())),
        tuple(sorted((r, tuple(sorted(ids))) for r, ids in scope.subjects.items())),
        user.pk if scope.roles & {"council_member", "producer", "consultant"} else None,
    )


def kept(name: str, params: tuple, compute: Callable[[], dict]) -> tuple:
    """``(counted_at, compute())`` for this dashboard, its parameters, the
    language, the day and the version: counted once, then kept."""
    digest = hashlib.sha256(repr(params).encode()).hexdigest()[:32]
    key = ":".join(
        (
            "ocop:stats",
            str(version()),
            translation.get_language() or "vi",
            timezone.localdate().isoformat(),
            name,
            digest,
        )
    )
    entry = cache.get(key)
    if entry is None:
        entry = (timezone.now(), compute())
        cache.set(key, entry, timeout=timeout())
    return entry
