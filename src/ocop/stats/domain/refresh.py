"""Keeping the summary tables true.

* ``CertificateFact``: refreshed **on change**, in the same transaction as
  the change, for the products concerned (``apps.StatsConfig.ready`` connects
  the model signals of certificates, revocations, decisions, products and
  subjects); writes that send no signal (bulk imports, the national data
  generator) are caught by the full rebuild of ``run_periodic``
  (``stats.periodic``, every 15 minutes) or ``manage.py refresh_stats``.
  Dates are compared when a figure is read, so a certificate whose date has
  passed counts as expired at once, before any job runs.
* ``ScanDay``: the scan log is counted incrementally by ``run_periodic`` up
  to a cursor one minute behind the clock; the figures say how far
  ("số liệu tính đến …").
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from ocop.certification.enums import CertificateStatus
from ocop.certification.models import Certificate
from ocop.stamps.models import Scan

from ..models import CertificateFact, Refresh, ScanDay

FACTS = "certificates"
SCANS = "scans"
BATCH = 2000
# Scans are counted up to this long before the refresh (a scan's row may be
# committed a moment after its time).
SCAN_LAG = timedelta(minutes=1)
# A certificate superseded or revoked at an unknown date never counts as in
# force in the past.
UNKNOWN = date(1, 1, 1)


def _previous_star():
    return Subquery(
        Certificate.objects.filter(
            product=OuterRef("product"), decision_date__lt=OuterRef("decision_date")
        )
        .order_by("-decision_date", "-id")
        .values("star")[:1]
    )


def _fact(row) -> CertificateFact:
    status, until = row["status"], row["valid_until"]
    revoked_on, superseded_on = row["revoked_on"], row["superseded_on"]
    ended_on = None
    if status == CertificateStatus.REVOKED:
        ended_on = revoked_on or UNKNOWN
    elif status == CertificateStatus.SUPERSEDED:
        ended_on = superseded_on or UNKNOWN
    if row["decision_date"] is None:
        change = ""
    elif row["previous_star"] is None:
        change = "new"
    elif row["previous_star"] >= row["star"]:
        change = "renewed"
    else:
        change = "upgraded"
    superseded_before = status == CertificateStatus.SUPERSEDED and (
        superseded_on is None or (until is not None and superseded_on <= until)
    )
    revoked_before = revoked_on is not None and until is not None and revoked_on <= until
    return CertificateFact(
        certificate_id=row["id"],
        product_id=row["product_id"],
        province_id=row["product__province_id"],
        commune_id=row["product__commune_id"],
        group_code=row["product__group_code"],
        category_id=row["product__category_id"],
        legal_form=row["product__subject__legal_form"],
        star=row["star"],
        recognised_on=row["decision_date"],
        valid_until=until,
        stored_valid=status == CertificateStatus.VALID,
        ended_on=ended_on,
        change=change,
        revoked_on=revoked_on,
        lapses=until is not None and not superseded_before and not revoked_before,
    )


def _rows(queryset):
    return (
        queryset.annotate(
            previous_star=_previous_star(),
            revoked_on=F("revocation__decision_date"),
            superseded_on=F("superseded_by__decision_date"),
        )
        .values(
            "id",
            "product_id",
            "product__province_id",
            "product__commune_id",
            "product__group_code",
            "product__category_id",
            "product__subject__legal_form",
            "star",
            "decision_date",
            "valid_until",
            "status",
            "previous_star",
            "revoked_on",
            "superseded_on",
        )
        .order_by("id")
    )


def refresh_products(product_ids) -> int:
    """Rebuild the facts of some products' certificates (on change)."""
    ids = sorted({int(pk) for pk in product_ids if pk is not None})
    if not ids:
        return 0
    with transaction.atomic():
        CertificateFact.objects.filter(product_id__in=ids).delete()
        facts = [_fact(r) for r in _rows(Certificate.objects.filter(product_id__in=ids))]
        CertificateFact.objects.bulk_create(facts, batch_size=BATCH)
    return len(facts)


def rebuild_certificate_facts() -> int:
    """Rebuild every fact (``run_periodic``, ``manage.py refresh_stats``)."""
    with transaction.atomic():
        CertificateFact.objects.all().delete()
        count = 0
        batch = []
        for row in _rows(Certificate.objects.all()).iterator(chunk_size=BATCH):
            batch.append(_fact(row))
            if len(batch) >= BATCH:
                CertificateFact.objects.bulk_create(batch)
                count += len(batch)
                batch = []
        CertificateFact.objects.bulk_create(batch)
        count += len(batch)
        _mark(FACTS)
    return count


def count_scans(*, now=None) -> int:
    """Add the scans logged since the last run to ``ScanDay`` (idempotent:
    each scan is counted once, between two cursors)."""
    now = now or timezone.now()
    with transaction.atomic():
        state = Refresh.objects.select_for_update().filter(key=SCANS).first()
        since = state.cursor if state is not None else None
        until = now - SCAN_LAG
        scans = Scan.objects.filter(at__lte=until)
        if since is not None:
            scans = scans.filter(at__gt=since)
        rows = (
            scans.annotate(day=TruncDate("at"))
            .values(
                "day",
                province=F("stamp__batch__product__province_id"),
                commune=F("stamp__batch__product__commune_id"),
            )
            .annotate(n=Count("id"))
            .order_by()
        )
        added = _add_scan_days(list(rows))
        _mark(SCANS, cursor=until)
    return added


def _add_scan_days(rows: list[dict]) -> int:
    """Add each (commune, day) count to its ``ScanDay`` row in a few bulk
    statements, whatever the number of rows (a first count over years of
    scans gives millions): the existing rows of those days are read once and
    every total written by one upsert per batch."""
    if not rows:
        return 0
    days = [row["day"] for row in rows]
    existing = {
        (commune, day): scans
        for commune, day, scans in ScanDay.objects.filter(
            day__gte=min(days), day__lte=max(days)
        ).values_list("commune_id", "day", "scans")
    }
    ScanDay.objects.bulk_create(
        [
            ScanDay(
                commune_id=row["commune"],
                province_id=row["province"],
                day=row["day"],
                scans=existing.get((row["commune"], row["day"]), 0) + row["n"],
            )
            for row in rows
        ],
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["commune_id", "day"],
        update_fields=["scans"],
    )
    return sum(row["n"] for row in rows)


def _mark(key: str, *, cursor=None) -> None:
    defaults = {"refreshed_at": timezone.now()}
    if cursor is not None:
        defaults["cursor"] = cursor
    Refresh.objects.update_or_create(key=key, defaults=defaults)


def refreshed_at(key: str):
    """When the summary ``key`` was last rebuilt (None: never)."""
    return Refresh.objects.filter(key=key).values_list("refreshed_at", flat=True).first()
