"""Fixed-window request counters in the ``ratelimit`` cache.

``allow`` counts one request under a key and says whether it is still within
the limit: one ``incr`` in the common case (two or three when a window
starts), so it can sit in front of the public verification page. The cache is
Redis when ``REDIS_URL`` is set (shared by every web process) and otherwise
each process's memory (the limit then applies per process): ``CounterCache``,
Django's local-memory cache without the pickling of every value (these are
counters) nor the memcached key warnings (the keys are ours), which cost the
verification page more than the count itself.
"""

import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

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


class CounterCache(LocMemCache):
    """``LocMemCache`` holding its values as they are (not pickled): meant for
    the counters above, ints, which are immutable, so nothing stored can be
    changed by its caller afterwards. Expiry, culling and ``clear`` are
    Django's."""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            self._cache.move_to_end(key, last=False)
            return self._cache[key]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def incr(self, key, delta=1, version=None):
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            value = self._cache[key] + delta
            self._cache[key] = value
            self._cache.move_to_end(key, last=False)
        return value
