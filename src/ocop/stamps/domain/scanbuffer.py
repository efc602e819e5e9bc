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
its write to the moment it forgets the written scans, so a scan is never
counted twice nor missed by its own process. Scans of the same stamp still
waiting in *another* process's buffer (at most ``OCOP_SCAN_FLUSH_SECONDS``
old) are not in the count until written. With Redis (``REDIS_URL``) the
buffer stays per process: the page never waits on a second network hop.
"""

import atexit
import logging
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections, transaction

from ..models import Scan, Stamp

logger = logging.getLogger(__name__)

FINGERPRINT_LENGTH = 32


@dataclass(frozen=True)
class Pending:
    stamp_id: int
    at: datetime
    fingerprint: str


def _write(scans: list[Pending], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Write buffered scans in one transaction: the Scan rows, then per stamp
    one UPDATE of its counter and first-scan time. Scans of a stamp deleted
    since are dropped."""
    by_stamp: dict[int, list[Pending]] = {}
    for scan in scans:
        by_stamp.setdefault(scan.stamp_id, []).append(scan)
    connection = connections[using]
    quote = connection.ops.quote_name
    meta = Stamp._meta
    count = quote(meta.get_field("scan_count").column)
    first = quote(meta.get_field("first_scan_at").column)
    update = (
        f"UPDATE {quote(meta.db_table)} SET {count} = {count} + %s, "  # noqa: S608 -- identifiers only
        f"{first} = COALESCE({first}, %s) WHERE {quote(meta.pk.column)} = %s"
    )
    with transaction.atomic(using=using):
        existing = set(
            Stamp.objects.using(using).filter(pk__in=list(by_stamp)).values_list("pk", flat=True)
        )
        Scan.objects.using(using).bulk_create(
            [
                Scan(stamp_id=s.stamp_id, at=s.at, fingerprint=s.fingerprint)
                for s in scans
                if s.stamp_id in existing
            ],
            batch_size=500,
        )
        rows = [
            (len(group), connection.ops.adapt_datetimefield_value(min(s.at for s in group)), pk)
            for pk, group in sorted(by_stamp.items())
            if pk in existing
        ]
        with connection.cursor() as cursor:
            cursor.executemany(update, rows)


class LocalBuffer:
    """This process's scans not yet written, and the daemon thread writing them."""

    def __init__(self):
        self.queue: deque[Pending] = deque()
        self.waiting: dict[int, list] = {}  # stamp id -> [count, earliest time]
        self.lock = threading.RLock()  # held while reading counters and while writing
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.registered = False

    # -- the request's side --------------------------------------------------

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
        """Write what is queued; returns how many scans were written."""
        with self.lock:
            if not self.queue:
                return 0
            batch = list(self.queue)
            try:
                _write(batch)
            except Exception:
                logger.exception("scan log: %d scans kept for the next write", len(batch))
                self._cap()
                return 0
            for _ in batch:
                self.queue.popleft()
            for scan in batch:
                entry = self.waiting[scan.stamp_id]
                entry[0] -= 1
                if entry[0] == 0:
                    del self.waiting[scan.stamp_id]
            return len(batch)

    def _cap(self) -> None:
        excess = len(self.queue) - settings.OCOP_SCAN_BUFFER_MAX
        if excess <= 0:
            return
        logger.error("scan log: buffer full, %d oldest scans dropped", excess)
        for _ in range(excess):
            scan = self.queue.popleft()
            entry = self.waiting[scan.stamp_id]
            entry[0] -= 1
            if entry[0] == 0:
                del self.waiting[scan.stamp_id]

    def _run(self) -> None:
        while True:
            self.wake.wait(settings.OCOP_SCAN_FLUSH_SECONDS)
            self.wake.clear()
            close_old_connections()
            self.flush()

    def _ensure_thread(self) -> None:
        if self.thread is not None and self.thread.is_alive():
            return
        with self.lock:
            if self.thread is not None and self.thread.is_alive():
                return
            if not self.registered:
                atexit.register(self.stop)
                self.registered = True
            self.thread = threading.Thread(target=self._run, name="ocop-scan-log", daemon=True)
            self.thread.start()

    def stop(self) -> int:
        """Write everything still queued (a graceful stop): in the stopping
        thread, with its own connection."""
        return self.flush()

    def discard(self) -> None:
        """Forget what is queued (tests only: a rolled-back test's scans)."""
        with self.lock:
            self.queue.clear()
            self.waiting.clear()


BUFFER = LocalBuffer()


def record(*, stamp, fingerprint: str, at: datetime) -> None:
    """Count a consumer's scan of ``stamp`` (the page's ``StampView``) and
    queue it for the log. ``stamp.scan_count`` and ``stamp.first_scan_at``
    become what the page shows: the row as read (the caller holds
    ``BUFFER.lock`` from that read, see ``verify.verify``) plus this process's
    unwritten scans, this one included."""
    waiting, earliest = BUFFER.add(Pending(stamp.pk, at, fingerprint[:FINGERPRINT_LENGTH]))
    stamp.scan_count += waiting
    if stamp.first_scan_at is None:
        stamp.first_scan_at = earliest
