"""Stamps issued (approved requests) and scans of the verification page."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Sum

from ocop.geo.models import AdminUnit
from ocop.stamps.enums import RequestState
from ocop.stamps.models import StampBatch

from ..models import Refresh, ScanDay
from .figures import Figure, iso, unit_filter, unit_params
from .refresh import SCANS

BATCHES = "stamps:list"


@dataclass
class StampFigures:
    """``requests``: approved requests (the list's rows); ``stamps``: the
    stamps they issued (the sum of the list's "Stamps" column); ``scans``:
    scans of the verification page counted up to ``scans_counted_until``
    ("số liệu tính đến …"; there is no list of scans)."""

    requests: Figure
    stamps: Figure
    scans: int
    scans_counted_until: datetime | None


def stamps(*, unit: AdminUnit | None = None, start: date, end: date) -> StampFigures:
    """Stamp requests approved from ``start`` to ``end`` (the decision's
    day) and the scans of those days. Two queries on the requests and the
    summary table."""
    params = {
        "state": RequestState.APPROVED,
        "decided_from": iso(start),
        "decided_to": iso(end),
        **unit_params(unit),
    }
    approved = StampBatch.objects.filter(
        state=RequestState.APPROVED,
        decided_at__date__gte=start,
        decided_at__date__lte=end,
        **unit_filter(unit, prefix="product__"),
    ).aggregate(n=Count("id"), stamps=Sum("quantity"))
    scan_filter = {f"{name}_id": unit.pk for name in unit_filter(unit)} if unit else {}
    scans = ScanDay.objects.filter(day__gte=start, day__lte=end, **scan_filter).aggregate(
        n=Sum("scans")
    )
    cursor = Refresh.objects.filter(key=SCANS).values_list("cursor", flat=True).first()
    return StampFigures(
        requests=Figure(approved["n"], BATCHES, params),
        stamps=Figure(approved["stamps"] or 0, BATCHES, params),
        scans=scans["n"] or 0,
        scans_counted_until=cursor,
    )
