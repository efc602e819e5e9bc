"""Version counters in the default cache: one number per family of kept values
(the public pages, the dashboards), part of every key of that family, so that
bumping the number makes every value kept under the old one unreachable.

``bump(key)`` moves the number at once and again when the transaction
commits, so a request that read the data before the commit cannot leave its
stale value under the new number. A cache may evict the counter (a full
local-memory or database cache culls keys): starting again at 1 would find
values kept under the first numbers, so a counter that is missing restarts at
``fresh_version()`` (microseconds since the epoch), past any value a counter
reaches by increments.
"""

import time

from django.core.cache import cache
from django.db import transaction


def fresh_version() -> int:
    return time.time_ns() // 1000


def version(key: str) -> int:
    """The family's current number (created when missing)."""
    value = cache.get(key)
    if value is None:
        cache.add(key, fresh_version(), timeout=None)
        value = cache.get(key) or fresh_version()
    return value


def bump_now(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # no counter yet (or evicted): any new value will do
        cache.set(key, fresh_version(), timeout=None)


def bump(key: str) -> None:
    """Make every value of the family stale, now and once the transaction commits."""
    bump_now(key)
    transaction.on_commit(lambda: bump_now(key))
