"""The scan log: each view of a stamp's page is recorded cheaply (one UPDATE
of the stamp's counters and one INSERT of a scan, in one transaction).

The page reads and writes through statements prepared once per process
(see ``verify.Prepared``): compiling ORM queries costs more than running
them on this path. A client is known only by a fingerprint: an HMAC of its address and browser
(user agent) under the site's secret key, so the raw address is never
stored. A location is recorded only when the person agrees (the button on the
page), rounded to about a kilometre.
"""

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from ..models import Scan, Stamp
from . import clones

FINGERPRINT_LENGTH = 32
LOCATION_DECIMALS = 2  # 0.01° ≈ 1.1 km of latitude
LOCATION_WINDOW = timedelta(hours=1)  # a location attaches to a scan made this recently


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the header the reverse proxy sets
    (``OCOP_CLIENT_IP_HEADER``, e.g. ``HTTP_X_REAL_IP``) when configured."""
    header = getattr(settings, "OCOP_CLIENT_IP_HEADER", "")
    if header:
        value = request.META.get(header, "")
        if value:
            return value.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def fingerprint(request) -> str:
    """A hashed client fingerprint (address + user agent); never the raw address."""
    agent = request.META.get("HTTP_USER_AGENT", "")[:500]
    message = f"{client_address(request)}\n{agent}".encode("utf-8", "replace")
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return digest[:FINGERPRINT_LENGTH]


def _scan_statements(connection) -> tuple[str, str]:
    """The two statements of a scan, from the models' table and column names
    (plain SQL: built once per process instead of compiled per request)."""
    quote = connection.ops.quote_name
    stamp, scan = Stamp._meta, Scan._meta

    def column(meta, name):
        return quote(meta.get_field(name).column)

    count, first = column(stamp, "scan_count"), column(stamp, "first_scan_at")
    # Identifiers from the models' metadata, quoted; values are parameters.
    table, key = quote(stamp.db_table), column(stamp, "id")
    update = f"UPDATE {table} SET {count} = {count} + 1, {first} = COALESCE({first}, %s)"  # noqa: S608 -- identifiers only
    update += f" WHERE {key} = %s"
    columns = ", ".join(column(scan, name) for name in ("stamp", "at", "fingerprint"))
    insert = f"INSERT INTO {quote(scan.db_table)} ({columns}) VALUES (%s, %s, %s)"  # noqa: S608 -- identifiers only
    return update, insert


_STATEMENTS: dict[str, tuple[str, str]] = {}


def record_scan(*, stamp, fingerprint: str, now: datetime | None = None) -> None:
    """Count a scan of ``stamp`` (a Stamp or the page's StampView) and log it:
    one UPDATE and one INSERT in one transaction. ``stamp`` is updated in
    memory to what the page shows (this scan included)."""
    now = now or timezone.now()
    connection = connections[DEFAULT_DB_ALIAS]
    statements = _STATEMENTS.get(connection.vendor)
    if statements is None:
        statements = _STATEMENTS[connection.vendor] = _scan_statements(connection)
    update, insert = statements
    at = connection.ops.adapt_datetimefield_value(now)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A scan is a log line: its commit need not wait for the disk (a
            # crash may lose the last fraction of a second of scans, never
            # consistency), so scans do not queue behind WAL flushes.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(update, [at, stamp.pk])
        cursor.execute(insert, [stamp.pk, at, fingerprint[:FINGERPRINT_LENGTH]])
    stamp.scan_count += 1
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
    (made within the last hour); None when there is no such scan. Then check
    the stamp for clones (scans far apart within a short time)."""
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
    clones.check_distance(scan=scan, stamp=stamp)
    return scan
