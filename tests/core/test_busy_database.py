"""A write that finds the database locked past the busy timeout answers a
polite "busy, try again" page (HTTP 503, Retry-After), never a 500, and
nothing half-saved stays behind."""

import sqlite3
import time

import pytest
from django.db import OperationalError, connection
from django.test import override_settings

from ocop.core.middleware import is_lock_timeout
from ocop.core.models import ActivityLog
from tests.factories.accounts import UserFactory

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's write lock (PostgreSQL locks rows)"
)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("database is locked", True),
        ("database table is locked: core_activitylog", True),
        ("no such table: x", False),
    ],
)
def test_only_lock_timeouts_count_as_busy(message, expected):
    assert is_lock_timeout(OperationalError(message)) is expected
    assert is_lock_timeout(ValueError(message)) is False


@sqlite_only
@override_settings(ROOT_URLCONF="tests.core.busy_urls")
def test_a_locked_database_gives_the_busy_page_and_saves_nothing(client, transactional_db):
    user = UserFactory(username="ban-ron")
    client.force_login(user)
    client.raise_request_exception = False
    before = ActivityLog.objects.filter(action="ocop.test.busy_write").count()
    name = connection.settings_dict["NAME"]
    if connection.is_in_memory_db():
        name = connection.creation._get_test_db_name()  # the shared-cache URI
    holder = sqlite3.connect(name, uri=True, timeout=0, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE core_activitylog SET id = id WHERE 0")
    try:
        # The busy timeout is short for the test: the lock outlasts it.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 200")
        started = time.monotonic()
        response = client.post("/test-write/")
        waited = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "Hệ thống đang bận, vui lòng thử lại" in body
    assert "Không có gì bị lưu dở dang" in body
    assert waited < 10
    # Once the lock is gone the same request goes through.
    response = client.post("/test-write/")
    assert response.status_code == 200
    assert ActivityLog.objects.filter(action="ocop.test.busy_write").count() == before + 1


@sqlite_only
def test_sqlite_waits_for_a_writer_and_takes_the_write_lock_at_begin():
    """A busy timeout (a writer waits instead of failing at once) and immediate
    transactions (two transactions never both read and then fail to upgrade)."""
    options = connection.settings_dict["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
