"""The verification hot path: one statement per scanned stamp.

It reads the stamp's own row (what changes with every scan or void: its
state, first scan time and counter) together with the read model's version
(the sum of the ``ReadVersion`` rows), in one statement built once per database vendor from the
models' public ``_meta`` (identifiers quoted; the token is a parameter). The
rest of the page (product, certificate, production batch) comes from the
per-process read model (``readmodel.py``), valid while the version is.

The statement goes straight to the driver's connection (on PostgreSQL as a
server-side prepared statement): the scan's one read then costs neither
Django's cursor wrapper nor, on PostgreSQL, parsing and planning. With query
logging on (``DEBUG``, a test counting queries) it goes through Django's
cursor instead, so it is seen and counted. Django's per-request connection
health check (``CONN_HEALTH_CHECKS``: one more round trip) is not made for
this read: a connection found broken is closed and the read made once more
on a new one, which is what the check would have done.

``tests/verify/test_live.py`` checks the row against the plain ORM, both ways.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

import psycopg
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.utils.dateparse import parse_datetime

from ..models import ReadVersion, Stamp

ROW_FIELDS = ("id", "batch_id", "serial", "token", "state", "first_scan_at", "scan_count")


@dataclass
class StampRow:
    """A stamp as the page needs it, plus the read model's version (None when
    the version row is missing: then nothing cached is trusted)."""

    pk: int
    batch_id: int
    serial: str
    token: str
    state: str
    first_scan_at: datetime | None
    scan_count: int
    version: int | None


def _statement(connection) -> str:
    quote = connection.ops.quote_name
    stamp, version = Stamp._meta, ReadVersion._meta
    columns = ", ".join(
        quote(stamp.get_field(name.removesuffix("_id")).column) for name in ROW_FIELDS
    )
    value = quote(version.get_field("value").column)
    token = quote(stamp.get_field("token").column)
    return (
        f"SELECT {columns}, (SELECT SUM({value}) FROM {quote(version.db_table)}) "  # noqa: S608 -- identifiers only
        f"FROM {quote(stamp.db_table)} WHERE {token} = %s"
    )


_STATEMENTS: dict[str, str] = {}


def _aware(value) -> datetime | None:
    """A datetime column as the ORM gives it (aware, UTC): SQLite returns text."""
    if value is None or (isinstance(value, datetime) and value.tzinfo is not None):
        return value
    if isinstance(value, str):
        try:  # what SQLite stores ("2026-12-05 10:00:00.123456"), read in C
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = parse_datetime(value)
    else:
        parsed = value
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def _django_read(connection, sql: str, token: str):
    with connection.cursor() as cursor:
        cursor.execute(sql, [token])
        return cursor.fetchone()


def _driver_read(connection, sql: str, token: str):
    """The statement on the driver's own connection (Django's errors)."""
    connection.ensure_connection()
    with connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            with psycopg_cursor(connection.connection) as cursor:
                cursor.execute(sql, [token], prepare=True)
                return cursor.fetchone()
        return connection.connection.execute(_qmark(sql), [token]).fetchone()


@cache
def _qmark(sql: str) -> str:
    """The statement in sqlite3's parameter style (the token is its only one)."""
    return sql.replace("%s", "?")


def psycopg_cursor(raw):
    """A server-side binding cursor (Django's own are client-side)."""
    return psycopg.Cursor(raw)


def _read(connection, sql: str, token: str):
    if connection.queries_logged or connection.vendor not in ("sqlite", "postgresql"):
        return _django_read(connection, sql, token)
    if connection.in_atomic_block:  # no retry inside a transaction
        return _driver_read(connection, sql, token)
    try:
        return _driver_read(connection, sql, token)
    except (OperationalError, InterfaceError):
        # The persistent connection broke (the server restarted): what the
        # health check would have found. Once more, on a new connection.
        connection.close()
        return _driver_read(connection, sql, token)


def stamp_row(token: str, *, using: str = DEFAULT_DB_ALIAS) -> StampRow | None:
    """The stamp with this token and the read model's version, or None."""
    connection = connections[using]
    sql = _STATEMENTS.get(connection.vendor)
    if sql is None:
        sql = _STATEMENTS[connection.vendor] = _statement(connection)
    row = _read(connection, sql, token)
    if row is None:
        return None
    pk, batch_id, serial, token, state, first_scan_at, scan_count, version = row
    return StampRow(pk, batch_id, serial, token, state, _aware(first_scan_at), scan_count, version)
