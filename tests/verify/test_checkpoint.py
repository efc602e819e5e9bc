"""SQLite: the scan log's writer keeps the write-ahead log's checkpoint out of
its commit (``scanbuffer.checkpoint_after``), so the buffer's lock, which
every scan of the process takes, never waits for the disk."""

import pytest
from django.db import connection, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

from ocop.stamps.domain import scanbuffer

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write-ahead log"),
]

ALIAS = "scan-log-wal"


@pytest.fixture
def wal_database(tmp_path):
    """A database file of its own in WAL mode (the project's SQLite options),
    checkpointed every 10 pages, with a table to fill."""
    path = tmp_path / "wal.sqlite3"
    wrapper = DatabaseWrapper({**connection.settings_dict, "NAME": str(path)}, alias=ALIAS)
    connections[ALIAS] = wrapper
    wrapper.ensure_connection()
    assert wrapper.connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    wrapper.connection.execute("CREATE TABLE filler (text TEXT)")
    wrapper.connection.execute("PRAGMA wal_autocheckpoint = 10")
    yield path
    wrapper.close()
    del connections[ALIAS]


def fill() -> None:
    """One transaction of about 40 pages."""
    with transaction.atomic(using=ALIAS), connections[ALIAS].cursor() as cursor:
        cursor.executemany("INSERT INTO filler VALUES (%s)", [("x" * 1000,)] * 150)


def autocheckpoint() -> int:
    return connections[ALIAS].connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0]


def test_the_writers_commit_leaves_the_checkpoint_until_after(wal_database):
    # Without it, the commit itself copies the log into the database file.
    size = wal_database.stat().st_size
    fill()
    assert wal_database.stat().st_size > size
    size = wal_database.stat().st_size
    with scanbuffer.checkpoint_after(using=ALIAS):
        assert autocheckpoint() == 0
        fill()
        assert wal_database.stat().st_size == size  # committed, in the log only
    assert wal_database.stat().st_size > size  # copied once the block is over
    assert autocheckpoint() == 10  # the connection's own setting, back


def test_a_failed_write_still_puts_the_setting_back(wal_database):
    def failing_write():
        with scanbuffer.checkpoint_after(using=ALIAS):
            fill()
            raise RuntimeError("the write failed")

    with pytest.raises(RuntimeError, match="the write failed"):
        failing_write()
    assert autocheckpoint() == 10
    rows = connections[ALIAS].connection.execute("SELECT COUNT(*) FROM filler").fetchone()
    assert rows == (150,)  # what was committed stays
