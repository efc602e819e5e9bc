"""The scan log's fingerprints and consented locations. Scans themselves are
counted and queued by ``scanbuffer.py`` or ``redisbuffer.py`` (written in
batches, outside the request). A client is known only by a fingerprint: an HMAC of its
address under the site's secret key (``core.clients.client_key``), so the raw
address is never stored, and a client that changes its browser's User-Agent
still counts once. A location is recorded only when the person agrees (the button on the
page), rounded to about a kilometre.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from ocop.core.clients import client_key

from ..models import Scan, Stamp
from ..signals import scan_located
from . import redisbuffer

FINGERPRINT_LENGTH = 32
LOCATION_DECIMALS = 2  # 0.01° ≈ 1.1 km of latitude
LOCATION_WINDOW = timedelta(hours=1)  # a location attaches to a scan made this recently


def fingerprint(request) -> str:
    """The client's hashed address (``core.clients.client_key``)."""
    return client_key(request)


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
    redisbuffer.current().flush()  # the scan of the page may still be queued
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
