"""Fixed-window request counters in the ``ratelimit`` cache.

``allow`` counts one request under a key and says whether it is still within
the limit: one ``incr`` in the common case (two or three when a window
starts), so it can sit in front of the public verification page. The cache is
Redis when ``REDIS_URL`` is set (shared by every web process) and otherwise
each process's memory (the limit then applies per process).
"""

import time

from django.core.cache import caches

CACHE_ALIAS = "ratelimit"


def allow(key: str, *, limit: int, window: int = 60) -> bool:
    """Count one request for ``key`` in the current ``window`` (seconds);
    False once more than ``limit`` were counted. A limit of 0 turns it off."""
    if limit <= 0:
        return True
    cache = caches[CACHE_ALIAS]
    slot = f"ocop:rate:{key}:{int(time.time() // window)}"
    try:
        count = cache.incr(slot)
    except ValueError:  # the window's first request (or the key expired)
        count = 1 if cache.add(slot, 1, timeout=window + 5) else cache.incr(slot)
    return count <= limit
