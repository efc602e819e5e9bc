"""The scan log: each view of a stamp's page is recorded cheaply (the UPDATE
of the stamp's counters and the INSERT of a scan: one statement on
PostgreSQL, two in one transaction on SQLite).

The page reads and writes through statements prepared once per process
(see ``verify.Prepared``): compiling ORM queries costs more than running
them on this path. A client is known only by a fingerprint: an HMAC of its
address under the site's secret key (``core.clients.client_key``), so the raw
address is never stored, and a client that changes its browser's User-Agent
still counts once. A location is recorded only when the person agrees (the button on the
page), rounded to about a kilometre.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from ocop.core.clients import client_key

from ..models import Scan, Stamp
from ..signals import scan_located

FINGERPRINT_LENGTH = 32
LOCATION_DECIMALS = 2  # 0.01° ≈ 1.1 km of latitude
LOCATION_WINDOW = timedelta(hours=1)  # a location attaches to a scan made this recently


def fingerprint(request) -> str:
    """The client's hashed address (``core.clients.client_key``)."""
    return client_key(request)


@dataclass(frozen=True)
class ScanStatements:
    """The SQL of a scan, built once per process and database vendor from the
    models' table and column names (identifiers quoted; values are parameters).

    On PostgreSQL ``write`` is one statement (a data-modifying CTE: UPDATE the
    stamp's counters, INSERT the scan, return the new count), run on its own in
    autocommit: one round trip. ``write_async`` is the same statement that also
    sets ``synchronous_commit`` off for its own transaction (``set_config(...,
    true)``), used only when the statement is its own transaction. SQLite has
    no data-modifying CTEs: ``update`` (returning the new count) and ``insert``
    run in one transaction."""

    update: str
    insert: str
    write: str = ""
    write_async: str = ""


def _scan_statements(connection) -> ScanStatements:
    quote = connection.ops.quote_name
    stamp, scan = Stamp._meta, Scan._meta

    def column(meta, name):
        return quote(meta.get_field(name).column)

    count, first = column(stamp, "scan_count"), column(stamp, "first_scan_at")
    table, key = quote(stamp.db_table), column(stamp, "id")
    scan_table = quote(scan.db_table)
    columns = ", ".join(column(scan, name) for name in ("stamp", "at", "fingerprint"))
    # Identifiers from the models' metadata, quoted; values are parameters.
    set_counts = f"SET {count} = {count} + 1, {first} = COALESCE({first}, %s) WHERE {key} = %s"
    update = f"UPDATE {table} {set_counts} RETURNING {count}"
    insert = f"INSERT INTO {scan_table} ({columns}) VALUES (%s, %s, %s)"  # noqa: S608 -- identifiers only
    if connection.vendor != "postgresql":
        return ScanStatements(update=update, insert=insert)

    def cte(extra: str, source: str) -> str:
        return (
            f"WITH s AS (UPDATE {table} {set_counts} RETURNING {key}, {count}){extra} "  # noqa: S608 -- identifiers only
            f"INSERT INTO {scan_table} ({columns}) SELECT s.{key}, %s, %s FROM {source} "
            f"RETURNING (SELECT {count} FROM s)"
        )

    # A scan is a log line: its commit need not wait for the disk (a crash may
    # lose the last fraction of a second of scans, never consistency), so
    # scans do not queue behind WAL flushes. set_config(..., true) lasts until
    # the end of the statement's own transaction, and the setting in force at
    # commit is the one that counts.
    asynchronous = ", a AS (SELECT set_config('synchronous_commit', 'off', true))"
    return ScanStatements(
        update=update,
        insert=insert,
        write=cte("", "s"),
        write_async=cte(asynchronous, "s, a"),
    )


_STATEMENTS: dict[str, ScanStatements] = {}


def record_scan(*, stamp, fingerprint: str, now: datetime | None = None) -> None:
    """Count a scan of ``stamp`` (a Stamp or the page's StampView) and log it.
    ``stamp`` is updated in memory to what the page shows (this scan included).

    PostgreSQL: one statement (UPDATE and INSERT in a CTE); outside any
    transaction it commits without waiting for the disk, inside one (a caller's
    ``atomic``, a test) it leaves the transaction's durability alone. SQLite:
    UPDATE and INSERT in one transaction. A stamp deleted since it was read
    logs nothing."""
    now = now or timezone.now()
    connection = connections[DEFAULT_DB_ALIAS]
    statements = _STATEMENTS.get(connection.vendor)
    if statements is None:
        statements = _STATEMENTS[connection.vendor] = _scan_statements(connection)
    at = connection.ops.adapt_datetimefield_value(now)
    hashed = fingerprint[:FINGERPRINT_LENGTH]
    if statements.write:
        # Only a statement that is its own transaction may skip the WAL flush.
        own_transaction = connection.get_autocommit() and not connection.in_atomic_block
        write = statements.write_async if own_transaction else statements.write
        with connection.cursor() as cursor:
            cursor.execute(write, [at, stamp.pk, at, hashed])
            row = cursor.fetchone()
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statements.update, [at, stamp.pk])
            row = cursor.fetchone()
            if row is not None:
                cursor.execute(statements.insert, [stamp.pk, at, hashed])
    if row is None:
        return
    stamp.scan_count = row[0]
    if stamp.first_scan_at is None:
        stamp.first_scan_at = now


@dataclass(frozen=True)
class Location:
    latitude: Decimal
    longitude: Decimal


def parse_location(latitude, longitude) -> Location | None:
    """A location from untrusted input, rounded to about a kilometre; None
    when it is not a pair of finite coordinates in range."""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    step = Decimal(1).scaleb(-LOCATION_DECIMALS)
    return Location(Decimal(str(lat)).quantize(step), Decimal(str(lon)).quantize(step))


def record_location(
    *, stamp: Stamp, fingerprint: str, location: Location, now: datetime | None = None
) -> Scan | None:
    """Attach a consented location to this client's latest scan of ``stamp``
    (made within the last hour); None when there is no such scan. Then tell
    whoever watches located scans (the clone check of inspections)."""
    now = now or timezone.now()
    scan = (
        Scan.objects.filter(stamp=stamp, fingerprint=fingerprint, at__gte=now - LOCATION_WINDOW)
        .order_by("-at", "-id")
        .first()
    )
    if scan is None:
        return None
    scan.latitude, scan.longitude = location.latitude, location.longitude
    scan.save(update_fields=["latitude", "longitude"])
    scan_located.send(sender=Scan, scan=scan, stamp=stamp)
    return scan
