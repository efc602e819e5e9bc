"""Live status with a warm read model, the hot path's contract with the
ORM, and the buffered scan log (counts, graceful stop, crash bound)."""

import contextlib
import html
import math
import sqlite3
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode

from ocop.certification.domain.certificates import revoke
from ocop.certification.models import RevocationGround
from ocop.stamps.domain import hotpath, readmodel, scanbuffer
from ocop.stamps.domain.batches import void_stamps
from ocop.stamps.domain.hotpath import ROW_FIELDS, stamp_row
from ocop.stamps.domain.links import new_stamp_token
from ocop.stamps.domain.verify import Verification, clean_code, verify
from ocop.stamps.enums import VerifyOutcome
from ocop.stamps.models import ReadVersion, Scan, Stamp
from ocop.stamps.views_public import _request_values

from .conftest import make_batch, make_stamp

pytestmark = pytest.mark.django_db


def warm(client, stamp) -> None:
    """Two scans: the second is served from the read model."""
    for _ in range(2):
        assert client.get(f"/s/{stamp.token}").status_code == 200
    assert readmodel.MEMO.views, "the read model holds the stamp's batch"


def test_a_revocation_is_visible_on_the_next_scan_with_the_cache_warm(
    client, stamp, certificate, province_officer
):
    warm(client, stamp)
    assert verify(f"s/{stamp.token}", today=timezone.localdate()).outcome == VerifyOutcome.VALID
    revoke(
        certificate=certificate,
        ground=RevocationGround.objects.get(code="safety_or_process_violation"),
        decision_number="345/QĐ-UBND",
        decision_date=timezone.localdate(),
        by=province_officer,
    )
    result = verify(f"s/{stamp.token}", today=timezone.localdate())
    assert result.outcome == VerifyOutcome.REVOKED
    assert result.certificate.revocation_number == "345/QĐ-UBND"
    body = client.get(f"/s/{stamp.token}").content.decode()
    assert "345/QĐ-UBND" in body


def test_a_void_is_visible_on_the_next_scan_with_the_cache_warm(
    client, stamp, producer_x, province_officer
):
    warm(client, stamp)
    void_stamps(batch=stamp.batch, reason="Tem in hỏng", by=province_officer)
    response = client.get(f"/s/{stamp.token}")
    assert response.status_code == 410


def test_an_expiry_is_visible_on_the_next_days_scan_with_the_cache_warm(stamp, certificate):
    path = f"s/{stamp.token}"
    today = timezone.localdate()
    assert verify(path, today=today).outcome in (VerifyOutcome.VALID, VerifyOutcome.EXPIRING)
    assert readmodel.MEMO.views
    after = certificate.valid_until + timedelta(days=1)
    assert verify(path, today=after).outcome == VerifyOutcome.EXPIRED


def test_a_product_renamed_shows_on_the_next_scan(client, stamp, product_x):
    warm(client, stamp)
    product_x.name = "Nước mắm nhĩ Đồng Tâm (tên mới)"
    product_x.save()
    assert "tên mới" in client.get(f"/s/{stamp.token}").content.decode()


def test_a_change_bumps_the_version_and_compaction_keeps_it(stamp, certificate):
    before = stamp_row(stamp.token).version
    certificate.number = "999/GCN-OCOP"
    certificate.save()
    bumped = stamp_row(stamp.token).version
    assert bumped > before
    assert ReadVersion.objects.count() > 1
    assert readmodel.compact() >= 1
    assert ReadVersion.objects.count() == 1
    assert stamp_row(stamp.token).version == bumped


# The hot path's contract ------------------------------------------------------


@pytest.mark.parametrize("scanned", [False, True])
def test_the_hot_path_row_is_the_orms(client, stamp, scanned):
    if scanned:
        client.get(f"/s/{stamp.token}")
    row = stamp_row(stamp.token)
    orm = Stamp.objects.filter(token=stamp.token).values(*ROW_FIELDS).get()
    assert [getattr(row, "pk" if f == "id" else f) for f in ROW_FIELDS] == list(orm.values())
    assert row.version == sum(ReadVersion.objects.values_list("value", flat=True))
    assert stamp_row("x" * 20) is None


def test_the_read_model_is_the_orms(stamp, certificate, product_x):
    row = stamp_row(stamp.token)
    view = readmodel.batch_view(row.batch_id, version=row.version)
    assert view is readmodel.batch_view(row.batch_id, version=row.version)  # memorised
    assert view.product.name == product_x.name
    assert view.product.subject_name == product_x.subject.name
    assert view.product.province_name == product_x.province.full_name
    assert view.certificate.token == certificate.token
    assert view.certificate.valid_until == certificate.valid_until
    assert readmodel.batch_view(row.batch_id, version=row.version + 1) is not view


def spied(calls: list):
    """An execute wrapper of Django's cursors that records their statements."""

    def spy(execute, sql, params, many, context):
        calls.append(sql)
        return execute(sql, params, many, context)

    return connection.execute_wrapper(spy)


@pytest.mark.parametrize("scanned", [False, True])
def test_the_drivers_row_is_djangos_cursors(client, stamp, scanned, django_assert_num_queries):
    if scanned:
        client.get(f"/s/{stamp.token}")
    calls = []
    with spied(calls):
        driver = stamp_row(stamp.token)  # on the driver's connection
        missing = stamp_row("x" * 20)
    assert calls == []
    with django_assert_num_queries(1):  # query logging on: Django's cursor
        django = stamp_row(stamp.token)
    assert driver == django
    assert (driver.pk, driver.token, driver.scan_count) == (stamp.pk, stamp.token, int(scanned))
    assert (driver.first_scan_at is not None) is scanned
    with django_assert_num_queries(1):
        assert stamp_row("x" * 20) is missing is None


def terminate(raw) -> None:
    """The server ends this connection's session, as a restart would."""
    import psycopg

    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [raw.info.backend_pid])


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a database server that goes away (SQLite: none; the test database lives in memory)",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["closed", "terminated"])
def test_a_broken_connection_is_replaced_and_the_read_made_again(reference_data, stamp, how):
    """The connection broke between two requests (closed under Django, or
    ended by the server): the next read is made once more on a new one."""
    expected = stamp_row(stamp.token)
    assert not connection.in_atomic_block
    broken = connection.connection
    if how == "closed":
        broken.close()
    else:
        terminate(broken)
    assert stamp_row(stamp.token) == expected
    assert connection.connection is not broken
    assert stamp_row(stamp.token) == expected  # and goes on on the new one


only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="libpq's prepared statement: PostgreSQL only"
)


def cursor_row(token: str):
    """The statement read by a psycopg cursor, as the hot path did before libpq."""
    sql = hotpath._statement(connection)
    with hotpath.psycopg_cursor(connection.connection) as cursor:
        cursor.execute(sql, [token])
        return cursor.fetchone()


@only_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scanned", [False, True])
def test_the_libpq_row_is_the_cursors(reference_data, client, stamp, scanned):
    """Outside a transaction (a request's read) the row comes through libpq."""
    if scanned:
        client.get(f"/s/{stamp.token}")
        scanbuffer.BUFFER.flush()
    connection.ensure_connection()
    raw, sql = connection.connection, hotpath._statement(connection)
    row = hotpath._libpq_read(raw, sql, stamp.token)
    assert row is not hotpath._UNANSWERED
    assert row == cursor_row(stamp.token)
    assert (row[5] is not None) is scanned  # the first scan's time, decoded
    assert hotpath._libpq_read(raw, sql, "x" * 20) is None


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_statement_dropped_by_the_server_is_prepared_again(reference_data, stamp):
    expected = stamp_row(stamp.token)
    raw = connection.connection
    assert hotpath._PG_PREPARED[raw] is not None  # read through libpq
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # as a pooler's DISCARD ALL would
    assert stamp_row(stamp.token) == expected  # the cursor answered
    assert raw not in hotpath._PG_PREPARED
    assert stamp_row(stamp.token) == expected  # prepared again
    assert hotpath._PG_PREPARED[raw] is not None


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_without_prepared_statements_the_cursor_reads(reference_data, stamp):
    connection.ensure_connection()
    raw = connection.connection
    threshold, raw.prepare_threshold = raw.prepare_threshold, None  # DB_PREPARE_THRESHOLD=""
    try:
        hotpath._PG_PREPARED.pop(raw, None)
        assert stamp_row(stamp.token).token == stamp.token
        assert raw not in hotpath._PG_PREPARED
    finally:
        raw.prepare_threshold = threshold


@only_postgresql
def test_a_failed_transaction_fails_the_read_as_djangos_cursor_would(stamp):
    with transaction.atomic():
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")
        with pytest.raises(DatabaseError):
            stamp_row(stamp.token)
        transaction.set_rollback(True)


# The buffered scan log --------------------------------------------------------


@pytest.fixture
def buffered(settings):
    settings.OCOP_SCAN_FLUSH_SECONDS = 3600  # only an explicit flush or stop writes
    settings.OCOP_SCAN_FLUSH_MAX = 10**6
    yield scanbuffer.BUFFER
    scanbuffer.BUFFER.discard()


def test_scans_leave_the_request_and_the_count_shown_stays_right(client, stamp, buffered):
    first = timezone.now()
    for n in range(1, 4):
        result = verify(
            f"s/{stamp.token}", today=timezone.localdate(), consumer_scan=True, fingerprint="f" * 32
        )
        assert result.stamp.scan_count == n
        assert result.stamp.first_scan_at >= first
    stamp.refresh_from_db()
    assert (stamp.scan_count, Scan.objects.count()) == (0, 0)  # nothing written yet
    shown_first = result.stamp.first_scan_at
    assert buffered.flush() == 3
    stamp.refresh_from_db()
    assert (stamp.scan_count, stamp.first_scan_at, Scan.objects.count()) == (3, shown_first, 3)
    # After the write the count goes on from the database, not twice.
    result = verify(
        f"s/{stamp.token}", today=timezone.localdate(), consumer_scan=True, fingerprint="f"
    )
    assert (result.stamp.scan_count, result.stamp.first_scan_at) == (4, shown_first)


def test_machine_requests_count_no_scan(client, stamp, buffered):
    assert client.head(f"/s/{stamp.token}").status_code == 200
    verify(f"s/{stamp.token}", today=timezone.localdate())
    assert buffered.flush() == 0


def test_a_graceful_stop_loses_no_buffered_scan(client, stamp, producer_x, buffered):
    other = make_stamp(stamp.batch)
    for token in [stamp.token] * 5 + [other.token] * 2:
        assert client.get(f"/s/{token}").status_code == 200
    assert Scan.objects.count() == 0
    assert buffered.stop() == 7  # what atexit runs on a graceful stop
    assert Scan.objects.filter(stamp=stamp).count() == 5
    assert Stamp.objects.get(pk=other.pk).scan_count == 2


def test_a_stamp_deleted_before_the_write_logs_nothing(stamp, product_x, producer_x, buffered):
    doomed = make_stamp(make_batch(product_x, by=producer_x))
    for token in (stamp.token, doomed.token):
        verify(f"s/{token}", today=timezone.localdate(), consumer_scan=True, fingerprint="f")
    Stamp.objects.filter(pk=doomed.pk).delete()
    assert buffered.flush() == 2
    assert list(Scan.objects.values_list("stamp_id", flat=True)) == [stamp.pk]


def test_the_buffer_is_bounded(stamp, buffered, settings):
    settings.OCOP_SCAN_BUFFER_MAX = 3
    for _ in range(5):
        verify(f"s/{stamp.token}", today=timezone.localdate(), consumer_scan=True, fingerprint="f")
    buffered._cap()
    assert len(buffered.queue) == 3
    assert buffered.waiting_for(stamp.pk)[0] == 3


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's multi-row statements")
def test_a_large_flush_on_sqlite_writes_every_scan_and_counter(stamp, buffered):
    """More scans than two statements' worth, over more stamps than one: every
    row and every stamp's counters, as the row-by-row writes gave them."""
    rows = scanbuffer.VALUES_ROWS
    stamps = Stamp.objects.bulk_create(
        Stamp(batch=stamp.batch, serial=f"38-{900_000_000 + i:09d}-K", token=new_stamp_token())
        for i in range(rows + 37)
    )
    stamps.append(stamp)
    earlier = timezone.now() - timedelta(days=3)  # one already scanned
    Stamp.objects.filter(pk=stamp.pk).update(scan_count=5, first_scan_at=earlier)
    base = timezone.now() - timedelta(hours=1)
    queued = []
    for round_ in range(3):  # later rounds, earlier times: the first scan is not the first queued
        for i, one in enumerate(stamps):
            if round_ <= i % 3:
                at = base - timedelta(seconds=round_ * 5000 + i, microseconds=i)
                queued.append(scanbuffer.Pending(one.pk, at, f"{round_}{i:031d}"))
    doomed = stamps.pop(7)  # deleted before the write: its scans are dropped
    assert len(queued) > 2 * rows
    assert len(stamps) > rows
    for scan in queued:
        buffered.add(scan)
    Stamp.objects.filter(pk=doomed.pk).delete()
    with CaptureQueriesContext(connection) as statements:
        assert buffered.flush() == len(queued)
    kept = [scan for scan in queued if scan.stamp_id != doomed.pk]
    logged = Scan.objects.values_list("stamp_id", "at", "fingerprint")
    assert sorted(logged) == sorted((s.stamp_id, s.at, s.fingerprint) for s in kept)
    expected = {one.pk: [0, None] for one in stamps}
    expected[stamp.pk] = [5, earlier]
    for scan in kept:
        entry = expected[scan.stamp_id]
        entry[0] += 1
        entry[1] = min(entry[1] or scan.at, scan.at)
    counters = Stamp.objects.filter(pk__in=expected)
    found = counters.values_list("pk", "scan_count", "first_scan_at")
    assert {pk: [n, first] for pk, n, first in found} == expected
    # In statements of VALUES_ROWS rows, not one a scan.
    sql = [query["sql"].lstrip().upper() for query in statements.captured_queries]
    inserts = sum(1 for text in sql if text.startswith("INSERT"))
    updates = sum(1 for text in sql if text.startswith("UPDATE"))
    assert inserts == math.ceil(len(queued) / rows)
    assert updates == math.ceil((len(stamps) + 1) / rows)


# The page's per-request values, built without Django's general helpers -------


@pytest.mark.parametrize(
    "code", ["s/AbCdEfGhIjKlMnOpQrSt", "01/08930000000019/10/LÔ 7&x=1/21/abc", "<b>'\"</b> %2F"]
)
def test_the_report_link_and_escaping_are_djangos(code):
    result = Verification(VerifyOutcome.UNKNOWN, code)
    values = _request_values(result, where="")
    assert values["report"] == f"{reverse('complaints:report')}?{urlencode({'code': code})}"
    assert html.escape(code) == escape(code)
    assert clean_code(code) == "".join(ch for ch in code if ch.isprintable()).strip().lstrip("/")
    assert clean_code("/s/ab\x00c\u200b ") == "s/abc"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's one write lock")
def test_a_scan_is_answered_while_a_long_import_holds_the_write_lock(
    client, reference_data, stamp, buffered
):
    """A consumer's scan writes nothing in the request (the scan log is
    buffered), so a long write elsewhere (an import's chunk, 20 s for 50,000
    rows in one transaction before) cannot make it wait and fail."""
    name = connection.settings_dict["NAME"]
    if connection.is_in_memory_db():
        name = connection.creation._get_test_db_name()  # the shared-cache URI
    holder = sqlite3.connect(name, uri=True, timeout=0, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # what a writer holds until it commits
    holder.execute("UPDATE core_activitylog SET id = id WHERE 0")
    try:
        with connection.cursor() as cursor:  # a write would fail at once, not wait
            cursor.execute("PRAGMA busy_timeout = 100")
        response = client.get(f"/s/{stamp.token}")
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 200, response.content[:300]
    assert response.context["result"].outcome == VerifyOutcome.VALID
    assert Scan.objects.count() == 0
    assert buffered.flush() == 1  # written once the lock is gone
    assert Scan.objects.filter(stamp=stamp).count() == 1
