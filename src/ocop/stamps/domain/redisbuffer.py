"""The scan buffer in Redis (``OCOP_SCAN_BUFFER_URL``, e.g.
``redis://127.0.0.1:6379/0``): shared by every web process and the worker.

A consumer's scan is one Lua call after the stamp's row is read (``PUSH``):
the scan is appended to the list ``{prefix}:queue``, the stamp's count of
scans not yet in the database (``{prefix}:pending``) and their earliest time
(``{prefix}:first``) are updated and returned, so the count the page shows
is the row plus *every* process's unwritten scans of that stamp.

The flusher (a daemon thread of each process, every
``OCOP_SCAN_FLUSH_SECONDS`` or at ``OCOP_SCAN_FLUSH_MAX`` queued scans; the
worker's periodic job ``flush_scan_buffer``; a graceful stop) writes batches:

1. ``TAKE`` moves up to ``OCOP_SCAN_FLUSH_MAX`` scans atomically from the
   queue to a processing list of its own (``{prefix}:processing:{batch}``,
   the LMOVE pattern, a batch at a time) and leases it
   (``{prefix}:flushers``: batch -> deadline, ``OCOP_SCAN_LEASE_SECONDS``);
2. writes them in one transaction (``scanbuffer._write``) and, just before
   the commit, marks each stamp of the batch as committing
   (``{prefix}:committing:{stamp}``) with the counter the commit will give
   it and the batch's scans of it;
3. ``FINISH`` (after the commit, atomic) takes the batch's scans off the
   pending counts, moves the marks to the stamp's last committed batches
   (``{prefix}:done:{stamp}``, the last ``KEEP_DONE`` for a minute), and
   drops its processing list and lease.

**What the consumer sees.** A page reads the row, then Redis; a flusher may
commit in between. The marks settle it exactly, in the same Lua call: a row
whose counter has reached a batch's mark holds that batch, so a batch still
pending and already in the row is taken off, and a batch no longer pending
but not yet in the row is added (with its earliest time). A scan is thus
counted once, by every process. Only a write that fails and whose marks
Redis then cannot delete leaves a count off by that batch's scans of the
stamp until the batch is written again (the database is right throughout).

**Crash bound.** Nothing that Redis acknowledged is lost unless Redis loses
it (its own persistence: with ``appendonly yes`` and ``appendfsync
everysec``, at most a second). A flusher that dies (process killed, machine
lost) between ``TAKE`` and ``FINISH`` leaves its processing list: once its
lease has passed another flusher claims it (``CLAIM``) and writes it again
with ``once``, which skips the scans already committed; so the batch is
written exactly once, ``OCOP_SCAN_LEASE_SECONDS`` late (a database write
longer than the lease could be written twice: keep the lease long). A failed
write gives its lease up at once for the same path. With Redis away (no
answer within ``TIMEOUT``) the page is answered all the same and the scan
goes to the process's own buffer (``scanbuffer.BUFFER``, its crash bound). One Redis server (not a
cluster): the scripts name keys derived from the prefix.
"""

import logging
import threading
import time
import uuid
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta

import redis
from django.conf import settings

from ..models import Stamp
from . import scanbuffer
from .scanbuffer import Pending

logger = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICRO = timedelta(microseconds=1)
DONE_MS = 60_000  # how long a committed batch's marks are kept (a page's row read
KEEP_DONE = 16  # and its Redis call are never that far apart, nor 16 commits)
TIMEOUT = 1.0  # seconds a page waits on Redis before keeping the scan itself
BATCHES_PER_FLUSH = 1000  # a flush stops after this many batches (the rest: next time)

# A stamp's marks: the batches of its scans being committed
# ({prefix}:committing:{stamp}, a hash: batch -> "after n first") and the last
# ``KEEP_DONE`` batches committed and taken off the pending count
# ({prefix}:done:{stamp}, a sorted set by ``after``: "batch n first"), each
# with the stamp's counter once it is committed (after), its scans of the
# batch and their earliest time. A row read with counter c holds a batch
# exactly when c >= after (the counter only grows, and the batch's
# transaction held the row), so the page takes off a batch both pending and in
# the row, and adds one neither pending nor in the row (a sorted-set range:
# usually empty).
_ADJUST = """
local function adjust(committing, done, c, waiting, first)
  local all = redis.call('HGETALL', committing)
  for i = 2, #all, 2 do
    local after, n = string.match(all[i], '^(%d+) (%d+)')
    if c >= tonumber(after) then waiting = waiting - tonumber(n) end
  end
  local later = redis.call('ZRANGEBYSCORE', done, '(' .. c, '+inf')
  for _, mark in ipairs(later) do
    local n, earliest = string.match(mark, '^%S+ (%d+) (%d+)$')
    waiting = waiting + tonumber(n)
    if (not first) or first == '' or tonumber(earliest) < tonumber(first) then
      first = earliest
    end
  end
  return waiting, first
end
"""

# KEYS: queue, pending, first, committing:{stamp}, done:{stamp}
# ARGV: stamp id, time (µs), entry, counter as read
PUSH = (
    _ADJUST
    + """
local size = redis.call('RPUSH', KEYS[1], ARGV[3])
local waiting = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
local first = redis.call('HGET', KEYS[3], ARGV[1])
if (not first) or tonumber(ARGV[2]) < tonumber(first) then
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
  first = ARGV[2]
end
waiting, first = adjust(KEYS[4], KEYS[5], tonumber(ARGV[4]), waiting, first)
return {waiting, first, size}
"""
)

# KEYS: pending, first, committing:{stamp}, done:{stamp}; ARGV: stamp id, counter as read
PEEK = (
    _ADJUST
    + """
local waiting = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local first = redis.call('HGET', KEYS[2], ARGV[1]) or ''
waiting, first = adjust(KEYS[3], KEYS[4], tonumber(ARGV[2]), waiting, first)
return {waiting, first, 0}
"""
)

# KEYS: queue, processing:{batch}, flushers; ARGV: how many, batch, lease deadline (ms)
TAKE = """
local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items == 0 then return items end
redis.call('LTRIM', KEYS[1], #items, -1)
for i = 1, #items, 1000 do
  redis.call('RPUSH', KEYS[2], unpack(items, i, math.min(i + 999, #items)))
end
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
return items
"""

# KEYS: flushers; ARGV: prefix, lease deadline (ms)
# The first dead batch (lease passed) becomes the caller's, under its own id
# (its marks stay valid): {batch, its scans...}; false when none is dead.
CLAIM = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1)
if #dead == 0 then return false end
local list = ARGV[1] .. ':processing:' .. dead[1]
if redis.call('EXISTS', list) == 0 then
  redis.call('ZREM', KEYS[1], dead[1])
  return {dead[1]}
end
redis.call('ZADD', KEYS[1], ARGV[2], dead[1])
local items = redis.call('LRANGE', list, 0, -1)
table.insert(items, 1, dead[1])
return items
"""

# KEYS: pending, first, flushers, processing:{batch}, then per stamp
# committing:{stamp} and done:{stamp}
# ARGV: batch, the done marks' lifetime (ms), how many to keep, then per
# stamp: its id, its scans taken
FINISH = """
for i = 4, #ARGV, 2 do
  local stamp = ARGV[i]
  local left = redis.call('HINCRBY', KEYS[1], stamp, -tonumber(ARGV[i + 1]))
  if left <= 0 then
    redis.call('HDEL', KEYS[1], stamp)
    redis.call('HDEL', KEYS[2], stamp)
  end
  local committing, done = KEYS[5 + (i - 4)], KEYS[6 + (i - 4)]
  local mark = redis.call('HGET', committing, ARGV[1])
  if mark then
    redis.call('HDEL', committing, ARGV[1])
    local after, rest = string.match(mark, '^(%d+) (.*)$')
    redis.call('ZADD', done, after, ARGV[1] .. ' ' .. rest)
    redis.call('ZREMRANGEBYRANK', done, 0, -tonumber(ARGV[3]) - 1)
    redis.call('PEXPIRE', done, ARGV[2])
  end
end
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('DEL', KEYS[4])
return 1
"""


def encode(scan: Pending) -> str:
    return f"{scan.stamp_id} {(scan.at - EPOCH) // MICRO} {scan.fingerprint}"


def decode(entry: bytes | str) -> Pending:
    text = entry.decode() if isinstance(entry, bytes) else entry
    stamp_id, micros, fingerprint = [*text.split(" ", 2), ""][:3]
    return Pending(int(stamp_id), EPOCH + int(micros) * MICRO, fingerprint)


def _ms() -> int:
    return int(time.time() * 1000)


class RedisBuffer(scanbuffer.Flusher):
    """The scans in Redis under ``prefix``, and this process's flusher thread."""

    def __init__(self, *, url: str, prefix: str):
        super().__init__()
        self.url, self.prefix = url, prefix
        self.client = redis.Redis.from_url(
            url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT
        )
        self.push = self.client.register_script(PUSH)
        self.peek = self.client.register_script(PEEK)
        self.take = self.client.register_script(TAKE)
        self.claim = self.client.register_script(CLAIM)
        self.finish = self.client.register_script(FINISH)
        self.writing = threading.Lock()  # one flush at a time in this process
        self.keys = {name: f"{prefix}:{name}" for name in ("queue", "pending", "first", "flushers")}

    def key(self, name: str) -> str:
        return self.keys[name]

    def marks_keys(self, stamp_id: int) -> list[str]:
        """The stamp's committing and done marks."""
        return [f"{self.prefix}:committing:{stamp_id}", f"{self.prefix}:done:{stamp_id}"]

    # -- the request's side --------------------------------------------------

    def reading(self):
        return nullcontext()

    def count(
        self, *, stamp_id: int, scan: Pending | None, scanned: int
    ) -> tuple[int, datetime | None]:
        """Push ``scan`` (None: a machine request, nothing pushed); (the
        stamp's scans that the row read with counter ``scanned`` does not
        hold, the earliest of their times): one Lua call."""
        k = self.keys
        try:
            if scan is None:
                keys = [k["pending"], k["first"], *self.marks_keys(stamp_id)]
                waiting, first, size = self.peek(keys=keys, args=[stamp_id, scanned])
            else:
                keys = [k["queue"], k["pending"], k["first"], *self.marks_keys(stamp_id)]
                args = [stamp_id, (scan.at - EPOCH) // MICRO, encode(scan), scanned]
                waiting, first, size = self.push(keys=keys, args=args)
        except redis.RedisError:
            # Redis away (or slower than TIMEOUT): the page is answered all the
            # same and the scan kept in this process's buffer (its crash bound).
            logger.exception("scan log: Redis unavailable, this process's buffer used")
            local = scanbuffer.BUFFER
            with local.reading():
                return local.count(stamp_id=stamp_id, scan=scan, scanned=scanned)
        if scan is not None:
            if settings.OCOP_SCAN_FLUSH_SECONDS <= 0:
                self.flush()
            else:
                self._ensure_thread()
                if size >= settings.OCOP_SCAN_FLUSH_MAX:
                    self.wake.set()
        earliest = EPOCH + int(first) * MICRO if first else None
        return max(int(waiting), 0), earliest

    def waiting(self) -> int:
        """Scans queued and not yet taken by a flusher."""
        return self.client.llen(self.key("queue"))

    # -- the writer's side ---------------------------------------------------

    def flush(self) -> int:
        """Write dead flushers' batches, then what is queued, a batch at a
        time; returns how many scans were taken and written."""
        written = 0
        with self.writing:
            while True:  # batches of flushers whose lease has passed
                claimed = self.claim(keys=[self.key("flushers")], args=[self.prefix, self._lease()])
                if not claimed:
                    break
                batch, items = claimed[0].decode(), claimed[1:]
                if items:
                    logger.warning("scan log: %d scans of a dead flusher written again", len(items))
                    written += self._write(batch, items, once=True)
            for _ in range(BATCHES_PER_FLUSH):
                batch = uuid.uuid4().hex
                items = self.take(
                    keys=[self.key("queue"), self._processing(batch), self.key("flushers")],
                    args=[max(settings.OCOP_SCAN_FLUSH_MAX, 1), batch, self._lease()],
                )
                if not items:
                    break
                written += self._write(batch, items, once=False)
        return written

    def _lease(self) -> int:
        return _ms() + int(settings.OCOP_SCAN_LEASE_SECONDS * 1000)

    def _processing(self, batch: str) -> str:
        return f"{self.prefix}:processing:{batch}"

    def _mark(self, batch: str, counted: dict[int, list]) -> None:
        """Just before the commit: each stamp's counter as it will be
        committed (this transaction holds the rows) and the batch's scans of
        it, marked as committing."""
        after = dict(Stamp.objects.filter(pk__in=sorted(counted)).values_list("pk", "scan_count"))
        ttl = int(settings.OCOP_SCAN_LEASE_SECONDS * 1000) + DONE_MS
        pipe = self.client.pipeline(transaction=False)
        for pk, (n, first) in counted.items():
            if pk in after:
                committing = self.marks_keys(pk)[0]
                pipe.hset(committing, batch, f"{after[pk]} {n} {(first - EPOCH) // MICRO}")
                pipe.pexpire(committing, ttl)
        pipe.execute()

    def _write(self, batch: str, items: list, *, once: bool) -> int:
        scans = [decode(item) for item in items]
        taken = scanbuffer._count(scans)
        try:
            scanbuffer._write(
                scans, before_commit=lambda counted: self._mark(batch, counted), once=once
            )
        except Exception:
            # Not committed, or not known (a connection lost in COMMIT): the
            # batch goes back through CLAIM, written with ``once``.
            logger.exception("scan log: %d scans kept for the next write", len(scans))
            pipe = self.client.pipeline(transaction=False)
            if not once:  # a first write's marks are all this batch's: wrong now
                for pk in taken:
                    pipe.hdel(self.marks_keys(pk)[0], batch)
            pipe.zadd(self.key("flushers"), {batch: 0})
            pipe.execute()
            return 0
        stamps = sorted(taken)
        keys = [
            self.key("pending"),
            self.key("first"),
            self.key("flushers"),
            self._processing(batch),
        ] + [key for pk in stamps for key in self.marks_keys(pk)]
        args: list = [batch, DONE_MS, KEEP_DONE]
        for pk in stamps:
            args += [pk, taken[pk][0]]
        self.finish(keys=keys, args=args)
        return len(scans)

    def discard(self) -> None:
        """Delete every key of the prefix (tests only)."""
        for key in self.client.scan_iter(match=f"{self.prefix}:*", count=1000):
            self.client.delete(key)


_BUFFERS: dict[tuple[str, str], RedisBuffer] = {}
_creating = threading.Lock()


def current() -> "RedisBuffer | scanbuffer.LocalBuffer":
    """The scan buffer in use: Redis when ``OCOP_SCAN_BUFFER_URL`` is set,
    otherwise this process's ``scanbuffer.BUFFER``."""
    url = settings.OCOP_SCAN_BUFFER_URL
    if not url:
        return scanbuffer.BUFFER
    key = (url, settings.OCOP_SCAN_BUFFER_PREFIX)
    buffer = _BUFFERS.get(key)
    if buffer is None:
        with _creating:
            buffer = _BUFFERS.get(key)
            if buffer is None:
                buffer = _BUFFERS[key] = RedisBuffer(url=url, prefix=key[1])
    return buffer


def forget(buffer: RedisBuffer) -> None:
    """Stop using a buffer (tests: each has its own prefix)."""
    buffer.close()
    _BUFFERS.pop((buffer.url, buffer.prefix), None)
    buffer.client.close()
