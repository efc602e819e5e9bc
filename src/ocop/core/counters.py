"""Durable daily counters (``models.DailyCount``): one UPDATE per count, an
INSERT on the day's first."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from .models import DailyCount


def count(name: str, *, by: int = 1, day: date | None = None) -> None:
    day = day or timezone.localdate()
    if DailyCount.objects.filter(name=name, day=day).update(count=F("count") + by):
        return
    try:
        with transaction.atomic():
            DailyCount.objects.create(name=name, day=day, count=by)
    except IntegrityError:  # another request created the day's row meanwhile
        DailyCount.objects.filter(name=name, day=day).update(count=F("count") + by)


def total(name: str, *, start: date | None = None, end: date | None = None) -> int:
    rows = DailyCount.objects.filter(name=name)
    if start is not None:
        rows = rows.filter(day__gte=start)
    if end is not None:
        rows = rows.filter(day__lte=end)
    return rows.aggregate(n=Sum("count"))["n"] or 0
