"""Running code at the same moment on PostgreSQL, for concurrency tests.

Each thread has its own connection and sees only what the others committed.
With ``gate`` (a table name), the main thread holds an exclusive lock on that
table until every thread waits for a lock, then releases them together, so
they really compete instead of running one after the other."""

import threading
import time

import pytest
from django.db import connection, transaction

POSTGRESQL_ONLY = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and threads"
    ),
    pytest.mark.django_db(transaction=True),
]


def waiting_backends() -> int:
    """Connections of this database waiting for a lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND pid IN "
            "(SELECT pid FROM pg_stat_activity WHERE datname = current_database())"
        )
        return cursor.fetchone()[0]


def run_together(targets, *, gate: str | None = None) -> list[BaseException]:
    """Start one thread per callable at the same moment; return what they raised."""
    barrier = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def run(target):
        try:
            barrier.wait(timeout=30)
            target()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    with transaction.atomic():
        if gate is not None:
            with connection.cursor() as cursor:
                cursor.execute(f'LOCK TABLE "{gate}" IN ACCESS EXCLUSIVE MODE')
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while gate is not None and time.monotonic() < deadline:
            if waiting_backends() >= len(targets) or not any(t.is_alive() for t in threads):
                break
            time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread is still running"
    return errors
