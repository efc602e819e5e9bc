"""The scan buffer in Redis (``OCOP_SCAN_BUFFER_URL``): against the real Redis
on 127.0.0.1:6379 (database 13, a key prefix per test), skipped only when no
Redis answers there. Scans arrive once with the counters the page showed, a
flusher that dies mid-batch (before or after its commit) loses nothing and
doubles nothing, a graceful stop drains the queue."""

import uuid

import pytest
import redis
from django.utils import timezone

from ocop.stamps.domain import redisbuffer, scanbuffer
from ocop.stamps.domain.verify import verify
from ocop.stamps.models import Scan, Stamp
from ocop.stamps.periodic import flush_scan_buffer

from .conftest import make_stamp

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/13"


def _redis_answers() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def buffer(settings):
    if not _redis_answers():
        pytest.skip("no Redis on 127.0.0.1:6379: the Redis scan buffer is not tested")
    settings.OCOP_SCAN_BUFFER_URL = REDIS_URL
    settings.OCOP_SCAN_BUFFER_PREFIX = f"ocop-test:{uuid.uuid4().hex}"
    settings.OCOP_SCAN_FLUSH_SECONDS = 3600  # only an explicit flush or stop writes
    settings.OCOP_SCAN_FLUSH_MAX = 10**6
    buffer = redisbuffer.current()
    assert isinstance(buffer, redisbuffer.RedisBuffer)
    yield buffer
    buffer.discard()
    redisbuffer.forget(buffer)


def scan(stamp, fingerprint="f" * 32):
    return verify(
        f"s/{stamp.token}",
        today=timezone.localdate(),
        consumer_scan=True,
        fingerprint=fingerprint,
    )


def keys(buffer) -> list[str]:
    """The prefix's keys left, but the committed batches' marks (they expire)."""
    found = {key.decode() for key in buffer.client.scan_iter(match=f"{buffer.prefix}:*")}
    return sorted(key for key in found if ":done:" not in key)


def test_without_the_setting_the_buffer_is_the_local_one(settings):
    settings.OCOP_SCAN_BUFFER_URL = ""
    assert redisbuffer.current() is scanbuffer.BUFFER


def test_scans_arrive_once_and_the_counts_shown_are_right(stamp, buffer):
    other = make_stamp(stamp.batch)
    first = timezone.now()
    for n in range(1, 4):
        result = scan(stamp, fingerprint=f"client-{n}")
        assert result.stamp.scan_count == n
    shown_first = result.stamp.first_scan_at
    assert shown_first >= first
    assert scan(other).stamp.scan_count == 1
    assert (Scan.objects.count(), Stamp.objects.get(pk=stamp.pk).scan_count) == (0, 0)
    # Another process (its own client) sees the same unwritten scans.
    elsewhere = redisbuffer.RedisBuffer(url=REDIS_URL, prefix=buffer.prefix)
    assert elsewhere.count(stamp_id=stamp.pk, scan=None, scanned=0) == (3, shown_first)

    assert elsewhere.flush() == 4
    elsewhere.client.close()
    stamp.refresh_from_db()
    assert (stamp.scan_count, stamp.first_scan_at) == (3, shown_first)
    assert sorted(Scan.objects.filter(stamp=stamp).values_list("fingerprint", flat=True)) == [
        "client-1",
        "client-2",
        "client-3",
    ]
    assert Stamp.objects.get(pk=other.pk).scan_count == 1
    assert keys(buffer) == []  # queue, pending counts and processing lists all gone
    # The count goes on from the database, not twice; a second flush writes
    # only the new scan.
    result = scan(stamp)
    assert (result.stamp.scan_count, result.stamp.first_scan_at) == (4, shown_first)
    assert buffer.flush() == 1
    assert Scan.objects.filter(stamp=stamp).count() == 4


def test_machine_requests_count_no_scan(client, stamp, buffer):
    assert client.head(f"/s/{stamp.token}").status_code == 200
    scan(stamp)
    result = verify(f"s/{stamp.token}", today=timezone.localdate())
    assert result.stamp.scan_count == 1  # the waiting scan is shown, none added
    assert buffer.waiting() == 1


def take(buffer, how_many: int) -> list:
    """What a flusher does first: move a batch to its processing list."""
    batch = uuid.uuid4().hex
    return buffer.take(
        keys=[buffer.key("queue"), buffer._processing(batch), buffer.key("flushers")],
        args=[how_many, batch, redisbuffer._ms() + 300_000],
    )


def expire_leases(buffer) -> None:
    """The dead flushers' leases run out (the time passes)."""
    for batch, _ in buffer.client.zrange(buffer.key("flushers"), 0, -1, withscores=True):
        buffer.client.zadd(buffer.key("flushers"), {batch: 0})


def test_a_flusher_dead_before_its_commit_loses_nothing(stamp, buffer):
    for n in range(5):
        scan(stamp, fingerprint=f"client-{n}")
    taken = take(buffer, 2)  # ...and the process is killed
    assert (len(taken), buffer.waiting()) == (2, 3)
    assert buffer.flush() == 3  # the lease still runs: the batch is not touched
    assert Stamp.objects.get(pk=stamp.pk).scan_count == 3
    assert scan(stamp).stamp.scan_count == 6  # the dead batch's scans are still shown
    expire_leases(buffer)
    assert buffer.flush() == 3  # the dead batch, then the new scan
    stamp.refresh_from_db()
    assert (stamp.scan_count, Scan.objects.filter(stamp=stamp).count()) == (6, 6)
    assert keys(buffer) == []


def commit_without_finishing(buffer, how_many: int) -> None:
    """A flusher that takes a batch, writes and commits it (marks set just
    before the commit), and has not yet told Redis (or died there)."""
    taken = take(buffer, how_many)
    batch = buffer.client.zrange(buffer.key("flushers"), 0, -1)[-1].decode()
    scans = [redisbuffer.decode(item) for item in taken]
    scanbuffer._write(scans, before_commit=lambda counted: buffer._mark(batch, counted))


def test_a_row_read_across_a_commit_counts_each_scan_once(stamp, buffer):
    scan(stamp)
    scan(stamp)
    first = Stamp.objects.get(pk=stamp.pk).first_scan_at
    shown_first = buffer.count(stamp_id=stamp.pk, scan=None, scanned=0)[1]
    commit_without_finishing(buffer, 10)
    # Between the commit and FINISH the scans are both pending and in the row:
    # a row read after the commit holds them, one read before does not.
    assert buffer.count(stamp_id=stamp.pk, scan=None, scanned=2) == (0, shown_first)
    assert buffer.count(stamp_id=stamp.pk, scan=None, scanned=0) == (2, shown_first)
    assert first is None
    expire_leases(buffer)
    assert buffer.flush() == 2  # the batch finished (by a claimer: nothing doubled)
    assert Stamp.objects.get(pk=stamp.pk).scan_count == 2
    # After FINISH a row read before the commit still gets the batch's scans.
    assert buffer.count(stamp_id=stamp.pk, scan=None, scanned=0) == (2, shown_first)
    assert buffer.count(stamp_id=stamp.pk, scan=None, scanned=2) == (0, None)
    assert verify(f"s/{stamp.token}", today=timezone.localdate()).stamp.scan_count == 2


def test_a_flusher_dead_after_its_commit_doubles_nothing(stamp, buffer):
    first = timezone.now()
    for n in range(4):
        scan(stamp, fingerprint=f"client-{n}")
    commit_without_finishing(buffer, 10)  # ...and the process is killed
    assert Stamp.objects.get(pk=stamp.pk).scan_count == 4
    assert scan(stamp).stamp.scan_count == 5  # not 9
    expire_leases(buffer)
    assert buffer.flush() == 5  # claimed and written again with ``once``, then the new scan
    stamp.refresh_from_db()
    assert (stamp.scan_count, Scan.objects.filter(stamp=stamp).count()) == (5, 5)
    assert stamp.first_scan_at >= first
    assert keys(buffer) == []
    assert scan(stamp).stamp.scan_count == 6


def test_a_graceful_stop_drains_the_queue(client, stamp, buffer):
    other = make_stamp(stamp.batch)
    for token in [stamp.token] * 5 + [other.token] * 2:
        assert client.get(f"/s/{token}").status_code == 200
    assert Scan.objects.count() == 0
    assert buffer.stop() == 7  # what atexit runs on a graceful stop
    assert Scan.objects.filter(stamp=stamp).count() == 5
    assert Stamp.objects.get(pk=other.pk).scan_count == 2
    assert keys(buffer) == []


def test_the_workers_periodic_job_writes_the_buffer(stamp, buffer):
    scan(stamp)
    scan(stamp)
    assert flush_scan_buffer() == {"written": 2}
    assert Stamp.objects.get(pk=stamp.pk).scan_count == 2


def test_a_scan_of_a_deleted_stamp_is_dropped_and_forgotten(stamp, product_x, buffer):
    doomed = make_stamp(stamp.batch)
    scan(doomed)
    scan(stamp)
    Stamp.objects.filter(pk=doomed.pk).delete()
    assert buffer.flush() == 2
    assert list(Scan.objects.values_list("stamp_id", flat=True)) == [stamp.pk]
    assert keys(buffer) == []


def test_a_stamps_marks_stay_few(stamp, buffer):
    for _ in range(redisbuffer.KEEP_DONE + 5):
        scan(stamp)
        assert buffer.flush() == 1
    done = buffer.marks_keys(stamp.pk)[1]
    assert buffer.client.zcard(done) == redisbuffer.KEEP_DONE
    assert 0 < buffer.client.pttl(done) <= redisbuffer.DONE_MS
    assert scan(stamp).stamp.scan_count == redisbuffer.KEEP_DONE + 6


def test_with_redis_away_the_page_answers_and_keeps_the_scan(client, stamp, settings):
    settings.OCOP_SCAN_BUFFER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.OCOP_SCAN_FLUSH_SECONDS = 3600
    settings.OCOP_SCAN_FLUSH_MAX = 10**6
    away = redisbuffer.current()
    try:
        response = client.get(f"/s/{stamp.token}")
        assert response.status_code == 200
        assert scan(stamp).stamp.scan_count == 2
        assert scanbuffer.BUFFER.flush() == 2  # kept by this process's buffer
        assert Stamp.objects.get(pk=stamp.pk).scan_count == 2
    finally:
        redisbuffer.forget(away)
