"""The dashboards' figures, kept between requests and refreshed by a job.

Counting a whole country's certificates by province, star and year takes
seconds at national scale, so a dashboard's figures are **never counted on
the request path after a change**. Each aggregate dashboard (the centre, a
province, a commune) is kept in the default cache as an *entry*: its figures
with the time they were counted (the page says "Số liệu tính đến HH:MM
dd/mm/yyyy"), the version of the data they were counted at and the day.

- A request serves the entry it finds, even a stale one (stale while
  revalidating): a domain write of a counted record (``stats/signals_cache.py``)
  only bumps the version (``ocop.core.cacheversion``), it does not throw the
  figures away.
- The periodic job ``refresh_dashboards`` (``stats/periodic.py``, every
  ``REFRESH_MINUTES``) counts again every entry that is stale: its version
  moved, its day passed, or it is older than ``OCOP_STATS_CACHE_SECONDS``
  (writes that send no signal: bulk imports, ``update()`` jobs). It knows the
  entries from an index (who read which dashboard of which unit) kept beside
  them; an entry nobody read for ``FORGET_AFTER`` leaves the index.
- An entry that is missing (never counted, or evicted) is counted on the
  request **once**: the first request takes a lock (``cache.add``) and counts,
  the others wait for its entry instead of counting too.

Entries are keyed by the dashboard, the language and who reads it — their
scope (two people with the same roles and units share the figures) — and the
unit shown. What waits for one person alone (the producer's and the council
member's dashboards, the work queue) is not kept here: it is counted on each
request, so a person sees their own change at once.
"""

import hashlib
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from ocop.accounts.models import User
from ocop.accounts.rules import scope_for
from ocop.core import cacheversion
from ocop.geo.models import AdminUnit

VERSION_KEY = "ocop:stats:version"
INDEX_KEY = "ocop:stats:kept:index"
REFRESH_MINUTES = 5
FORGET_AFTER = timedelta(days=2)  # an entry nobody read for this long is no longer refreshed
KEEP_SECONDS = 3 * 24 * 3600  # how long the cache holds an entry (the job rewrites it)
LOCK_SECONDS = 120  # the first request counting a missing entry holds the lock at most this
WAIT_STEP = 0.05

# name -> compute(user, today, unit) -> dict of figures; filled by the site (a
# higher app) in its AppConfig.ready, so that the job can count them again.
COMPUTE: dict[str, Callable] = {}


def register(name: str, compute: Callable) -> None:
    COMPUTE[name] = compute


def max_age() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "OCOP_STATS_CACHE_SECONDS", 600)))


def version() -> int:
    return cacheversion.version(VERSION_KEY)


def bump() -> None:
    """Mark every kept figure stale (now and once the transaction commits):
    served as they are, counted again by the next ``refresh_dashboards``."""
    cacheversion.bump(VERSION_KEY)


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


def entry_key(name: str, *, user, unit, language: str) -> str:
    params = (unit.pk if unit else None, scope_key(user))
    digest = hashlib.sha256(repr(params).encode()).hexdigest()[:32]
    return f"ocop:stats:kept:{language}:{name}:{digest}"


def _count(name: str, *, user, unit) -> dict:
    """A new entry: the figures and when, at which version, they were counted."""
    current = version()  # read before counting: a change meanwhile leaves it stale
    now = timezone.now()
    figures = COMPUTE[name](user, timezone.localdate(), unit)
    return {"counted_at": now, "version": current, "day": timezone.localdate(), "figures": figures}


def is_stale(entry: dict, *, now=None) -> bool:
    now = now or timezone.now()
    return (
        entry["version"] != version()
        or entry["day"] != timezone.localdate(now)
        or now - entry["counted_at"] >= max_age()
    )


def _note(key: str, recipe: tuple, *, force: bool = False) -> None:
    """Put an entry in the job's index (unless it is there, noted recently)."""
    index = cache.get(INDEX_KEY) or {}
    if key in index and not force and timezone.now() - index[key][-1] < FORGET_AFTER / 2:
        return
    index[key] = (*recipe, timezone.now())
    cache.set(INDEX_KEY, index, timeout=None)


def _count_once(key: str, name: str, *, user, unit) -> dict:
    """The entry of a missing key, counted by one request while the others
    wait for it (a lock in the cache); past the lock's time, each counts."""
    deadline = time.monotonic() + LOCK_SECONDS
    lock = f"{key}:lock"
    while True:
        entry = cache.get(key)
        if entry is not None:
            return entry
        if cache.add(lock, 1, timeout=LOCK_SECONDS):
            try:
                entry = _count(name, user=user, unit=unit)
                cache.set(key, entry, timeout=KEEP_SECONDS)
                return entry
            finally:
                cache.delete(lock)
        if time.monotonic() > deadline:
            return _count(name, user=user, unit=unit)
        time.sleep(WAIT_STEP)


def kept(name: str, *, user, unit=None) -> tuple:
    """``(counted_at, figures)`` of a dashboard for this reader and unit: the
    kept entry, stale or not; counted once when there is none."""
    language = translation.get_language() or "vi"
    key = entry_key(name, user=user, unit=unit, language=language)
    recipe = (name, user.pk, unit.pk if unit else None, language)
    entry = cache.get(key)
    if entry is None:
        entry = _count_once(key, name, user=user, unit=unit)
        _note(key, recipe, force=True)
    elif is_stale(entry):
        _note(key, recipe)
    return entry["counted_at"], entry["figures"]


def refresh_stale(*, now=None) -> dict:
    """Count again every indexed entry that is stale or missing (the job);
    forget the entries nobody read for ``FORGET_AFTER`` and those whose
    reader's scope changed (they are indexed again when read)."""
    now = now or timezone.now()
    index = cache.get(INDEX_KEY) or {}
    refreshed = forgotten = 0
    users = User.objects.in_bulk({recipe[1] for recipe in index.values()})
    units = AdminUnit.objects.in_bulk({r[2] for r in index.values() if r[2] is not None})
    keep = {}
    for key, recipe in index.items():
        name, user_pk, unit_pk, language, noted_at = recipe
        user = users.get(user_pk)
        unit = units.get(unit_pk) if unit_pk is not None else None
        if (
            name not in COMPUTE
            or user is None
            or (unit_pk is not None and unit is None)
            or now - noted_at > FORGET_AFTER
        ):
            forgotten += 1
            continue
        with translation.override(language):
            if entry_key(name, user=user, unit=unit, language=language) != key:
                forgotten += 1  # the reader's roles changed: another key now
                continue
            entry = cache.get(key)
            if entry is None or is_stale(entry, now=now):
                cache.set(key, _count(name, user=user, unit=unit), timeout=KEEP_SECONDS)
                refreshed += 1
        keep[key] = recipe
    # Entries indexed while the job counted are kept too.
    latest = cache.get(INDEX_KEY) or {}
    keep.update({k: v for k, v in latest.items() if k not in index})
    cache.set(INDEX_KEY, keep, timeout=None)
    return {"refreshed": refreshed, "forgotten": forgotten, "kept": len(keep)}
