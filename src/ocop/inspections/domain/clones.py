"""Clone detection: a stamp copied onto fakes is scanned in several places.

Two rules, with thresholds as settings:

* **far apart** — when a located scan arrives, it is compared with the
  stamp's located scans by *other* clients within ``OCOP_CLONE_WINDOW_HOURS``
  (a location is self-reported, so one client's own places are no evidence);
  two places more than ``OCOP_CLONE_DISTANCE_KM`` apart (great-circle
  distance) flag the stamp;
* **many clients** — the periodic job counts the distinct client
  fingerprints of each stamp scanned since its previous run (one aggregate
  query over the recent scan log) over ``OCOP_CLONE_CLIENT_WINDOW_DAYS``;
  more than ``OCOP_CLONE_DISTINCT_CLIENTS`` flags the stamp.

A flag is set once (the first rule to fire wins) and notifies the officers
of the product's province once. Scans before an officer cleared an earlier
flag no longer count.

The watcher lives beside what it writes (the flag reviews, the checkpoint and
the officers' queue are inspections' data): stamps only announce a located
scan (``ocop.stamps.signals.scan_located``), received here through
``on_scan_located`` (connected in ``InspectionsConfig.ready``).
"""

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from ocop.core.domain.activity import log_action
from ocop.core.domain.notify import notify
from ocop.stamps.models import Scan, Stamp

from ..models import FlagReview, ScanCheckpoint
from .queries import handlers_of

EARTH_RADIUS_KM = 6371.0088
CHECKPOINT = "clones.many_clients"
# Scans committed while the previous run was reading are read again.
CHECKPOINT_OVERLAP = timedelta(minutes=5)
MAX_COMPARED = 500  # located scans compared with a new one (the most recent)


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance in kilometres between two points in degrees."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp = p2 - p1
    dl = math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _not_reviewed_since():
    """Scans made after the stamp's latest review (cleared flag), if any."""
    return ~Exists(FlagReview.objects.filter(stamp_id=OuterRef("stamp_id"), at__gte=OuterRef("at")))


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _place(scan: Scan) -> str:
    return f"{float(scan.latitude):.2f}, {float(scan.longitude):.2f}"


def check_distance(*, scan: Scan, stamp: Stamp | None = None) -> bool:
    """Flag the stamp when ``scan`` (located) is far from another located scan
    of the same stamp within the window. True when this flagged the stamp."""
    if scan.latitude is None or scan.longitude is None:
        return False
    window = timedelta(hours=settings.OCOP_CLONE_WINDOW_HOURS)
    others = (
        Scan.objects.filter(
            stamp_id=scan.stamp_id,
            latitude__isnull=False,
            longitude__isnull=False,
            at__gte=scan.at - window,
            at__lte=scan.at + window,
        )
        .exclude(pk=scan.pk)
        # A location is what the person's browser reports: one client's two
        # far-apart places prove nothing (they may be made up). Only another
        # client's located scan is independent evidence.
        .exclude(fingerprint=scan.fingerprint)
        .filter(_not_reviewed_since())
        .order_by("-at")
        .only("at", "latitude", "longitude")[:MAX_COMPARED]
    )
    far, distance = None, 0.0
    for other in others:
        km = haversine_km(scan.latitude, scan.longitude, other.latitude, other.longitude)
        if km > distance:
            far, distance = other, km
    if far is None or distance <= settings.OCOP_CLONE_DISTANCE_KM:
        return False
    first, second = sorted((far, scan), key=lambda s: s.at)
    with translation.override(settings.LANGUAGE_CODE):
        reason = _(
            "Scanned %(km)s km apart within %(hours)s hours: near %(place1)s on %(time1)s "
            "and near %(place2)s on %(time2)s."
        ) % {
            "km": number_format(round(distance)),
            "hours": number_format((second.at - first.at).total_seconds() / 3600, 1),
            "place1": _place(first),
            "time1": _when(first.at),
            "place2": _place(second),
            "time2": _when(second.at),
        }
    return flag_stamp(
        stamp_id=scan.stamp_id,
        reason=reason,
        rule="distance",
        data={
            "km": round(distance, 1),
            "scans": [first.pk, second.pk],
            "places": [_place(first), _place(second)],
            "times": [first.at.isoformat(), second.at.isoformat()],
        },
    )


def on_scan_located(sender, *, scan: Scan, stamp: Stamp, **kwargs) -> None:
    """A consumer's scan got its location (signal receiver): check the stamp
    for scans far apart within a short time."""
    check_distance(scan=scan, stamp=stamp)


def flag_many_clients(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic rule: flag stamps scanned by more distinct clients than
    the threshold within the window, looking only at stamps scanned since the
    previous run (the checkpoint). One aggregate query finds them."""
    now = now or timezone.now()
    window_start = now - timedelta(days=settings.OCOP_CLONE_CLIENT_WINDOW_DAYS)
    limit = settings.OCOP_CLONE_DISTINCT_CLIENTS
    checkpoint = ScanCheckpoint.objects.filter(name=CHECKPOINT).first()
    since = max(checkpoint.at - CHECKPOINT_OVERLAP, window_start) if checkpoint else window_start
    scanned_since = Scan.objects.filter(at__gt=since, at__lte=now).values("stamp_id")
    rows = list(
        Scan.objects.filter(
            stamp_id__in=scanned_since,
            stamp__flagged_at__isnull=True,
            at__gte=window_start,
            at__lte=now,
        )
        .filter(_not_reviewed_since())
        .values("stamp_id")
        .annotate(clients=Count("fingerprint", distinct=True))
        .filter(clients__gt=limit)
        .order_by("stamp_id")
    )
    flagged = 0
    days = settings.OCOP_CLONE_CLIENT_WINDOW_DAYS
    for row in rows:
        with translation.override(settings.LANGUAGE_CODE):
            reason = _(
                "Scanned by %(clients)s different clients within %(days)s days "
                "(more than %(limit)s is unusual)."
            ) % {"clients": row["clients"], "days": days, "limit": limit}
        flagged += flag_stamp(
            stamp_id=row["stamp_id"],
            reason=reason,
            rule="clients",
            data={"clients": row["clients"], "days": days, "limit": limit},
            now=now,
        )
    if checkpoint is None:
        ScanCheckpoint.objects.get_or_create(name=CHECKPOINT, defaults={"at": now})
    else:
        ScanCheckpoint.objects.filter(pk=checkpoint.pk).update(at=now)
    return {"stamps_checked_since": since.isoformat(), "stamps_flagged": flagged}


@transaction.atomic
def flag_stamp(
    *, stamp_id: int, reason: str, rule: str, data: dict, now: datetime | None = None
) -> bool:
    """Flag a stamp unless it is flagged already; log it and notify the
    officers of the product's province (once: only the first flag counts)."""
    now = now or timezone.now()
    changed = Stamp.objects.filter(pk=stamp_id, flagged_at__isnull=True).update(
        flagged_at=now, flag_reason=reason[:300]
    )
    if not changed:
        return False
    stamp = Stamp.objects.select_related("batch__product").get(pk=stamp_id)
    product = stamp.batch.product
    log_action(
        action="ocop.stamp.flagged",
        obj=stamp,
        unit=product.province,
        data={"rule": rule, "reason": reason, **data},
    )
    officers = handlers_of(product.province)
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "OCOP stamp %(serial)s of “%(product)s” is flagged as a possible copy: %(reason)s"
        ) % {
            "serial": stamp.serial,
            "product": product.name,
            "reason": reason,
        }
    notify(users=officers, text=text, url=reverse("inspections:stamp", args=[stamp.pk]))
    return True
