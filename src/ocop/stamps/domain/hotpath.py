"""The verification hot path: one statement per scanned stamp.

It reads the stamp's own row (what changes with every scan or void: its
state, first scan time and counter) together with the read model's version
(the sum of the ``ReadVersion`` rows), in one statement built once per database vendor from the
models' public ``_meta`` (identifiers quoted; the token is a parameter). The
rest of the page (product, certificate, production batch) comes from the
per-process read model (``readmodel.py``), valid while the version is.

The statement goes straight to the driver's connection: the scan's one read
then costs neither Django's cursor wrapper nor, on PostgreSQL, parsing and
planning. On PostgreSQL it is a named server-side prepared statement run
through libpq itself (psycopg's public ``pq`` wrapper: ``exec_prepared``
with binary results, decoded here by column type), which spares psycopg's
cursor machinery about half the client's time per read; whatever that path
cannot answer (a type it does not decode, a statement dropped by a
``DISCARD ALL``, any error) is answered by a psycopg cursor instead, which
raises the error as usual; so is a read inside a transaction (where a failed
statement would fail the transaction) or with prepared statements turned off
(``DB_PREPARE_THRESHOLD`` empty, behind a pooler). With query
logging on (``DEBUG``, a test counting queries) it goes through Django's
cursor instead, so it is seen and counted. Django's per-request connection
health check (``CONN_HEALTH_CHECKS``: one more round trip) is not made for
this read: a connection found broken is closed and the read made once more
on a new one, which is what the check would have done.

``tests/verify/test_live.py`` checks the row against the plain ORM, both ways.
"""

import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

import psycopg
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.utils.dateparse import parse_datetime
from psycopg import pq

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
    # The sum cast back to the column's integer type (PostgreSQL's SUM of a
    # bigint is a numeric).
    total = f"CAST((SELECT SUM({value}) FROM {quote(version.db_table)}) AS BIGINT)"  # noqa: S608 -- identifiers only
    return f"SELECT {columns}, {total} FROM {quote(stamp.db_table)} WHERE {token} = %s"  # noqa: S608 -- identifiers only


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
            found = _libpq_read(connection.connection, sql, token)
            if found is not _UNANSWERED:
                return found
            with psycopg_cursor(connection.connection) as cursor:
                cursor.execute(sql, [token], prepare=True)
                return cursor.fetchone()
        return connection.connection.execute(_qmark(sql), [token]).fetchone()


# PostgreSQL's binary results, by type: int8, int4, int2, text, varchar, timestamptz.
_PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _pg_int(value: bytes) -> int:
    return int.from_bytes(value, "big", signed=True)


def _pg_text(value: bytes) -> str:
    return value.decode()


def _pg_timestamptz(value: bytes) -> datetime:
    return _PG_EPOCH + timedelta(microseconds=_pg_int(value))


_PG_DECODERS = {
    20: _pg_int,
    23: _pg_int,
    21: _pg_int,
    25: _pg_text,
    1043: _pg_text,
    1184: _pg_timestamptz,
}
_PG_NAME = b"ocop_stamp_row"
_UNANSWERED = object()
_NO_SUCH_STATEMENT = b"26000"  # invalid_sql_statement_name
# Per psycopg connection: the decoders of the statement prepared on it (None:
# a column this path does not decode, so the cursor reads instead).
_PG_PREPARED: "weakref.WeakKeyDictionary[psycopg.Connection, list | None]" = (
    weakref.WeakKeyDictionary()
)


def _libpq_prepare(raw: psycopg.Connection, sql: str) -> list | None:
    pgconn = raw.pgconn
    prepared = pgconn.prepare(_PG_NAME, sql.replace("%s", "$1").encode())
    if prepared.status != pq.ExecStatus.COMMAND_OK:
        return None
    described = pgconn.describe_prepared(_PG_NAME)
    types = [described.ftype(column) for column in range(described.nfields)]
    if any(kind not in _PG_DECODERS for kind in types):
        return None
    return [_PG_DECODERS[kind] for kind in types]


def _libpq_read(raw: psycopg.Connection, sql: str, token: str):
    """The row through libpq (``_UNANSWERED``: let the cursor read it)."""
    if not (
        raw.autocommit
        and raw.pgconn.transaction_status == pq.TransactionStatus.IDLE
        and raw.prepare_threshold is not None
    ):
        # In a transaction (a statement that fails there, e.g. one dropped
        # by the server, would fail the transaction: the cursor reads), or
        # with prepared statements turned off (DB_PREPARE_THRESHOLD empty).
        return _UNANSWERED
    if raw not in _PG_PREPARED:
        _PG_PREPARED[raw] = _libpq_prepare(raw, sql)
    decoders = _PG_PREPARED[raw]
    if decoders is None:
        return _UNANSWERED
    result = raw.pgconn.exec_prepared(_PG_NAME, [token.encode()], result_format=pq.Format.BINARY)
    if result.status != pq.ExecStatus.TUPLES_OK:
        if result.error_field(pq.DiagnosticField.SQLSTATE) == _NO_SUCH_STATEMENT:
            del _PG_PREPARED[raw]  # gone (a DISCARD ALL): prepared again next time
        return _UNANSWERED
    if not result.ntuples:
        return None
    return tuple(
        None if (value := result.get_value(0, column)) is None else decode(value)
        for column, decode in enumerate(decoders)
    )


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
