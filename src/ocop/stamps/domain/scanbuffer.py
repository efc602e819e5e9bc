"""The scan log, written outside the request: scans are buffered and written
in batches.

A consumer's scan is appended to a buffer and the page is answered at once;
the buffer is written to the database (``Scan`` rows, and the stamps'
``scan_count``/``first_scan_at`` in the same transaction) in batches:

* **Local buffer** (the default): a queue in the web process, written by a
  daemon thread of that process every ``OCOP_SCAN_FLUSH_SECONDS`` (1 s) or as
  soon as ``OCOP_SCAN_FLUSH_MAX`` scans (500) are waiting, and once more when
  the process stops gracefully (``atexit``: gunicorn's graceful stop and
  restart, ``runserver``'s Ctrl-C, ``db_worker``'s stop). A write that fails
  (the database briefly away) keeps its scans for the next try.
* **Crash bound**: a process killed without a graceful stop (SIGKILL, the
  machine losing power) loses the scans of its buffer: at most
  ``OCOP_SCAN_FLUSH_SECONDS`` of that process's scans and never more than
  ``OCOP_SCAN_FLUSH_MAX`` (plus those of a write being retried, capped at
  ``OCOP_SCAN_BUFFER_MAX``, after which the oldest are dropped and logged).
* ``OCOP_SCAN_FLUSH_SECONDS = 0`` writes each scan at once (still through the
  same batch writer): the test settings, and a deployment that wants no loss.

What the consumer sees stays correct: the page shows the stamp's counters as
read in the same statement as the stamp plus this process's scans of that
stamp not yet written (``record``), under a lock that the writer holds from
its commit to the moment it forgets the written scans, so a scan is never
counted twice nor missed by its own process. Scans of the same stamp still
waiting in *another* process's buffer (at most ``OCOP_SCAN_FLUSH_SECONDS``
old) are not in the count until written.

With ``OCOP_SCAN_BUFFER_URL`` (a Redis URL) the buffer is shared instead:
``redisbuffer.py``. ``redisbuffer.current()`` says which one is in use.
"""

import atexit
import logging
import threading
from collections import deque
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import NamedTuple

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections, transaction

from ..models import Scan, Stamp

logger = logging.getLogger(__name__)

FINGERPRINT_LENGTH = 32


class Pending(NamedTuple):
    """A scan waiting to be written (a named tuple: made on every scan, it
    costs half of what a frozen dataclass does)."""

    stamp_id: int
    at: datetime
    fingerprint: str


def _names(connection) -> dict[str, str]:
    """The quoted table and column names of the scan log's statements, from
    the models' ``_meta``."""
    quote = connection.ops.quote_name
    stamp, scan = Stamp._meta, Scan._meta

    def column(meta, name):
        return quote(meta.get_field(name).column)

    return {
        "stamps": quote(stamp.db_table),
        "key": column(stamp, "id"),
        "count": column(stamp, "scan_count"),
        "first": column(stamp, "first_scan_at"),
        "scans": quote(scan.db_table),
        "columns": ", ".join(column(scan, name) for name in ("stamp", "at", "fingerprint")),
        "stamp": column(scan, "stamp"),
        "at": column(scan, "at"),
        "fingerprint": column(scan, "fingerprint"),
    }


def _statements(connection) -> tuple[str, str, str]:
    """INSERT of a scan and UPDATE of a stamp's counters (identifiers quoted;
    values are parameters)."""
    n = _names(connection)
    # A scan of a stamp deleted since it was queued is dropped.
    insert = (
        f"INSERT INTO {n['scans']} ({n['columns']}) SELECT %s, %s, %s "  # noqa: S608 -- identifiers only
        f"WHERE EXISTS (SELECT 1 FROM {n['stamps']} WHERE {n['key']} = %s)"
    )
    # A batch written again after a crash (``once``): a scan already logged
    # (same stamp, time to the microsecond and client) is not logged twice.
    insert_once = (
        f"{insert} AND NOT EXISTS (SELECT 1 FROM {n['scans']} WHERE {n['stamp']} = %s "  # noqa: S608 -- identifiers only
        f"AND {n['at']} = %s AND {n['fingerprint']} = %s)"
    )
    update = (
        f"UPDATE {n['stamps']} SET {n['count']} = {n['count']} + %s, "  # noqa: S608 -- identifiers only
        f"{n['first']} = COALESCE({n['first']}, %s) WHERE {n['key']} = %s"
    )
    return insert, update, insert_once


def _from_rows(n: dict[str, str], scans: str, counters: str) -> tuple[str, str]:
    """The batch's INSERT of scans from the row source ``scans`` (columns
    ``t.s, t.a, t.f``: stamp, time, client; a scan of a stamp deleted since
    is dropped) and UPDATE of counters from ``counters`` (``t.id, t.n,
    t.f``: stamp, scans, earliest time)."""
    table, key, count, first = n["stamps"], n["key"], n["count"], n["first"]
    insert = (
        f"INSERT INTO {n['scans']} ({n['columns']}) SELECT t.s, t.a, t.f FROM {scans} "  # noqa: S608 -- identifiers only
        f"WHERE EXISTS (SELECT 1 FROM {table} WHERE {key} = t.s)"
    )
    update = (
        f"UPDATE {table} SET {count} = {table}.{count} + t.n, "  # noqa: S608 -- identifiers only
        f"{first} = COALESCE({table}.{first}, t.f) FROM {counters} WHERE {table}.{key} = t.id"
    )
    return insert, update


def _array_statements(connection) -> tuple[str, str, str]:
    """PostgreSQL: a whole batch in three statements whatever its size — the
    scans inserted from arrays (``unnest``), the stamps concerned locked in
    key order (as the row-by-row updates took them: two flushers never wait
    on each other in a circle), then their counters updated from arrays."""
    n = _names(connection)

    def array(model, name):
        return f"%s::{model._meta.get_field(name).db_type(connection)}[]"

    table, key = n["stamps"], n["key"]
    scans = f"unnest({array(Scan, 'stamp')}, {array(Scan, 'at')}, {array(Scan, 'fingerprint')})"
    counters = (
        f"unnest({array(Stamp, 'id')}, {array(Stamp, 'scan_count')}, "
        f"{array(Stamp, 'first_scan_at')})"
    )
    insert, update = _from_rows(n, f"{scans} AS t(s, a, f)", f"{counters} AS t(id, n, f)")
    lock = (
        f"SELECT {key} FROM {table} WHERE {key} = ANY({array(Stamp, 'id')}) "  # noqa: S608 -- identifiers only
        f"ORDER BY {key} FOR NO KEY UPDATE"
    )
    return insert, lock, update


# SQLite: a batch written by multi-row statements of at most this many rows
# (3 or 4 parameters a row, far below SQLite's 32,766 parameters).
VALUES_ROWS = 500


def _values_statements(connection, rows: int) -> tuple[str, str]:
    """SQLite: ``rows`` scans inserted, and ``rows`` stamps' counters updated,
    each by one statement from a ``VALUES`` list (SQLite ≥ 3.33)."""
    values = ", ".join(["(%s, %s, %s)"] * rows)
    return _from_rows(
        _names(connection),
        f"(SELECT column1 AS s, column2 AS a, column3 AS f FROM (VALUES {values})) AS t",  # noqa: S608 -- placeholders only
        f"(SELECT column1 AS id, column2 AS n, column3 AS f FROM (VALUES {values})) AS t",  # noqa: S608 -- placeholders only
    )


def _write_values(cursor, connection, rows, by_stamp, adapt) -> None:
    """The batch on SQLite: multi-row statements of ``VALUES_ROWS`` rows
    (``_values_statements``) instead of two statements per scan; the
    counters in key order."""
    counters = [(pk, n, adapt(first)) for pk, (n, first) in sorted(by_stamp.items())]
    for items, position in ((rows, 0), (counters, 1)):
        for start in range(0, len(items), VALUES_ROWS):
            chunk = items[start : start + VALUES_ROWS]
            statement = _values_statements(connection, len(chunk))[position]
            cursor.execute(statement, [value for item in chunk for value in item[:3]])


def _utc_text(at: datetime) -> str:
    return str(at.astimezone(UTC).replace(tzinfo=None))


def datetime_adapter(connection) -> Callable[[datetime], object]:
    """How an aware datetime is passed to the database: what
    ``connection.ops.adapt_datetimefield_value`` gives (checked by
    ``tests/verify/test_live.py``), without its per-value checks on SQLite
    (UTC text), where they cost more than writing the row."""
    if connection.vendor == "sqlite" and connection.timezone_name == "UTC":
        return _utc_text
    return connection.ops.adapt_datetimefield_value


def _count(scans: list[Pending]) -> dict[int, list]:
    """stamp id -> [scans, earliest time]."""
    by_stamp: dict[int, list] = {}
    for scan in scans:
        entry = by_stamp.get(scan.stamp_id)
        if entry is None:
            by_stamp[scan.stamp_id] = [1, scan.at]
        else:
            entry[0] += 1
            entry[1] = min(entry[1], scan.at)
    return by_stamp


def _write(
    scans: list[Pending],
    *,
    before_commit: Callable[[dict[int, list]], object],
    using: str = DEFAULT_DB_ALIAS,
    once: bool = False,
) -> dict[int, list]:
    """Write buffered scans in one transaction: the Scan rows, then per stamp
    one UPDATE of its counter and first-scan time (two ``executemany``; on
    PostgreSQL three statements for the whole batch, from arrays).
    Scans of a stamp deleted since are dropped. With ``once`` (a batch that
    may have been written already, before a crash) a scan already in the log
    is skipped and counted no more (row by row: only after a crash).
    ``before_commit(counted)`` runs after the statements, just before the
    commit, with what was counted per stamp (``{stamp id: [scans, earliest
    time]}``; the buffer takes its lock there: only the commit, not the
    writing, holds up a scan). On PostgreSQL the commit does not wait for the
    disk (a log line: the crash bounds of the buffers cover it)."""
    connection = connections[using]
    adapt = datetime_adapter(connection)
    insert, update, insert_once = _statements(connection)
    rows = [(s.stamp_id, adapt(s.at), s.fingerprint, s.stamp_id) for s in scans]
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            if once:
                written = []
                for scan, row in zip(scans, rows, strict=True):
                    cursor.execute(insert_once, [*row, *row[:3]])
                    if cursor.rowcount:
                        written.append(scan)
                by_stamp = _count(written)
                _update_rows(cursor, update, by_stamp, adapt)
            elif connection.vendor == "postgresql" and rows:
                by_stamp = _count(scans)
                _write_arrays(cursor, connection, rows, by_stamp, adapt)
            elif connection.vendor == "sqlite" and rows:
                by_stamp = _count(scans)
                _write_values(cursor, connection, rows, by_stamp, adapt)
            else:
                cursor.executemany(insert, rows)
                by_stamp = _count(scans)
                _update_rows(cursor, update, by_stamp, adapt)
        before_commit(by_stamp)
    return by_stamp


def _update_rows(cursor, update: str, by_stamp: dict[int, list], adapt) -> None:
    """Each stamp's counter and first-scan time, one UPDATE per stamp in key order."""
    counters = [(n, adapt(first), pk) for pk, (n, first) in sorted(by_stamp.items())]
    cursor.executemany(update, counters)


def _write_arrays(cursor, connection, rows, by_stamp, adapt) -> None:
    """The batch on PostgreSQL: three statements (``_array_statements``)
    instead of two per scan."""
    insert, lock, update = _array_statements(connection)
    stamp_ids, ats, fingerprints, _exists = zip(*rows, strict=True)
    cursor.execute(insert, [list(stamp_ids), list(ats), list(fingerprints)])
    keys = sorted(by_stamp)
    cursor.execute(lock, [keys])
    counts = [by_stamp[pk][0] for pk in keys]
    firsts = [adapt(by_stamp[pk][1]) for pk in keys]
    cursor.execute(update, [keys, counts, firsts])


@contextmanager
def checkpoint_after(using: str = DEFAULT_DB_ALIAS):
    """SQLite: no checkpoint of the write-ahead log inside the writes of this
    block, one passive checkpoint after it instead. A commit that brings the
    log to ``wal_autocheckpoint`` pages copies it back into the database and
    waits for the disk; the local buffer's commit holds the lock every scan
    of the process takes (``reading``), so that wait stopped every scan of
    the process meanwhile (up to a tenth of a second on a busy disk). Here
    the copy happens once the lock is released. The connection's own
    ``wal_autocheckpoint`` is put back after the block. Other databases: as
    is."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    (previous,) = raw.execute("PRAGMA wal_autocheckpoint").fetchone()
    raw.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        try:
            raw.execute(f"PRAGMA wal_autocheckpoint = {int(previous)}")
            if previous > 0 and not connection.in_atomic_block:
                raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except Exception:  # a closed or broken connection: Django opens another
            logger.warning("scan log: no checkpoint after this write", exc_info=True)


class Flusher:
    """A daemon thread that calls ``flush()`` every ``OCOP_SCAN_FLUSH_SECONDS``
    or when woken, and ``stop()`` at a graceful exit (``atexit``)."""

    def __init__(self):
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.registered = False
        self.closed = False
        self.starting = threading.Lock()

    def flush(self) -> int:
        raise NotImplementedError

    def stop(self) -> int:
        """Write everything still queued (a graceful stop): in the stopping
        thread, with its own connection."""
        return self.flush()

    def close(self) -> None:
        """End the thread (tests: a buffer no longer used)."""
        self.closed = True
        self.wake.set()

    def _run(self) -> None:
        while not self.closed:
            self.wake.wait(max(settings.OCOP_SCAN_FLUSH_SECONDS, 0.05))
            self.wake.clear()
            if self.closed:
                return
            close_old_connections()
            try:
                with checkpoint_after():
                    self.flush()
            except Exception:  # the thread must outlive a failed write
                logger.exception("scan log: write failed, retried at the next interval")

    def _ensure_thread(self) -> None:
        if self.thread is not None and self.thread.is_alive():
            return
        with self.starting:
            if self.thread is not None and self.thread.is_alive():
                return
            if not self.registered:
                atexit.register(self.stop)
                self.registered = True
            self.thread = threading.Thread(target=self._run, name="ocop-scan-log", daemon=True)
            self.thread.start()


class LocalBuffer(Flusher):
    """This process's scans not yet written, and the daemon thread writing them."""

    def __init__(self):
        super().__init__()
        self.queue: deque[Pending] = deque()
        self.waiting: dict[int, list] = {}  # stamp id -> [count, earliest time]
        self.lock = threading.RLock()  # held while reading counters and while committing
        self.writing = threading.Lock()  # one write at a time

    # -- the request's side --------------------------------------------------

    def reading(self):
        """Held by the page from reading the stamp's row to counting its scan
        (``count``): the row and this process's unwritten scans agree."""
        return self.lock

    def count(
        self, *, stamp_id: int, scan: Pending | None, scanned: int
    ) -> tuple[int, datetime | None]:
        """Queue ``scan`` (None: a machine request, nothing queued); (the
        stamp's scans not yet written, the earliest of their times), which
        agree with the row read as ``scanned`` under ``reading()``."""
        if scan is None:
            return self.waiting_for(stamp_id)
        return self.add(scan)

    def add(self, scan: Pending) -> tuple[int, datetime | None]:
        """Queue a scan; (this process's unwritten scans of the stamp, the
        earliest of their times)."""
        with self.lock:
            self.queue.append(scan)
            entry = self.waiting.get(scan.stamp_id)
            if entry is None:
                entry = self.waiting[scan.stamp_id] = [0, scan.at]
            entry[0] += 1
            waiting, earliest, size = entry[0], entry[1], len(self.queue)
        interval = settings.OCOP_SCAN_FLUSH_SECONDS
        if interval <= 0:
            self.flush()
        else:
            self._ensure_thread()
            if size >= settings.OCOP_SCAN_FLUSH_MAX:
                self.wake.set()
        return waiting, earliest

    def waiting_for(self, stamp_id: int) -> tuple[int, datetime | None]:
        entry = self.waiting.get(stamp_id)
        return (entry[0], entry[1]) if entry else (0, None)

    # -- the writer's side ---------------------------------------------------

    def flush(self) -> int:
        """Write what is queued; returns how many scans were written. One
        write at a time (the thread, a graceful stop, a location)."""
        with self.writing:
            with self.lock:
                batch = list(self.queue)
            if not batch:
                return 0
            held = []

            def hold():
                self.lock.acquire()
                held.append(True)

            try:
                _write(batch, before_commit=lambda counted: hold())
            except Exception:
                if held:
                    self.lock.release()
                logger.exception("scan log: %d scans kept for the next write", len(batch))
                with self.lock:
                    self._cap()
                return 0
            try:  # committed: forget the written scans (the lock is held since the commit)
                for scan in batch:
                    self.queue.popleft()
                    self._forget(scan)
            finally:
                self.lock.release()
            return len(batch)

    def _forget(self, scan: Pending) -> None:
        entry = self.waiting[scan.stamp_id]
        entry[0] -= 1
        if entry[0] == 0:
            del self.waiting[scan.stamp_id]

    def _cap(self) -> None:
        excess = len(self.queue) - settings.OCOP_SCAN_BUFFER_MAX
        if excess <= 0:
            return
        logger.error("scan log: buffer full, %d oldest scans dropped", excess)
        for _ in range(excess):
            self._forget(self.queue.popleft())

    def discard(self) -> None:
        """Forget what is queued (tests only: a rolled-back test's scans)."""
        with self.lock:
            self.queue.clear()
            self.waiting.clear()


BUFFER = LocalBuffer()
