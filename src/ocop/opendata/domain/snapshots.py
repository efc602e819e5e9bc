"""The daily snapshots: every data set written once a day as CSV and JSON
into the file storage (``Snapshot`` rows point at them), kept
``OCOP_OPEN_DATA_KEEP_DAYS`` days. Built by the periodic job, or on the first
download of a day that has none."""

import hashlib
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from ..models import Snapshot
from .datasets import DATASETS
from .formats import to_csv, to_json

FORMATS = ("csv", "json")


def licence() -> dict:
    """The licence of the data (CC BY 4.0 unless the province set another)."""
    return {
        "name": settings.OCOP_OPEN_DATA_LICENCE,
        "url": settings.OCOP_OPEN_DATA_LICENCE_URL,
        "attribution": settings.OCOP_OPEN_DATA_PUBLISHER,
    }


def build_dataset(*, slug: str, day: date) -> list[Snapshot]:
    """Write ``slug``'s files for ``day`` unless they exist (idempotent)."""
    existing = list(Snapshot.objects.filter(day=day, dataset=slug))
    if len(existing) == len(FORMATS):
        return existing
    dataset = DATASETS[slug]
    rows = dataset.rows(day)
    bodies = {
        "csv": to_csv(dataset.names, rows),
        "json": to_json(dataset=dataset, rows=rows, day=day, licence=licence()),
    }
    made = []
    for fmt, body in bodies.items():
        if any(s.fmt == fmt for s in existing):
            continue
        snapshot = Snapshot(
            day=day,
            dataset=slug,
            fmt=fmt,
            rows=len(rows),
            size=len(body),
            sha256=hashlib.sha256(body).hexdigest(),
        )
        snapshot.file.save(f"{day.isoformat()}-{slug}.{fmt}", ContentFile(body), save=False)
        try:
            with transaction.atomic():
                snapshot.save()
        except IntegrityError:  # built at the same moment by another process
            snapshot.file.delete(save=False)
            continue
        made.append(snapshot)
    return list(Snapshot.objects.filter(day=day, dataset=slug))


def build_all(*, day: date) -> int:
    """Every data set for ``day``; old snapshots pruned. Returns files made."""
    before = Snapshot.objects.filter(day=day).count()
    for slug in DATASETS:
        build_dataset(slug=slug, day=day)
    prune(today=day)
    return Snapshot.objects.filter(day=day).count() - before


def prune(*, today: date) -> int:
    old = list(
        Snapshot.objects.filter(day__lt=today - timedelta(days=settings.OCOP_OPEN_DATA_KEEP_DAYS))
    )
    for snapshot in old:
        snapshot.file.delete(save=False)
        snapshot.delete()
    return len(old)


def latest(*, slug: str, fmt: str, today: date) -> Snapshot:
    """Today's file of a data set (built now if the job has not run yet)."""
    snapshot = Snapshot.objects.filter(day=today, dataset=slug, fmt=fmt).first()
    if snapshot is None:
        build_dataset(slug=slug, day=today)
        snapshot = Snapshot.objects.get(day=today, dataset=slug, fmt=fmt)
    return snapshot
