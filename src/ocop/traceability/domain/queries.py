"""Reads of production batches and their events."""

from django.db.models import Prefetch

from ocop.traceability.models import ProductionBatch, TraceEvent


def public_batch(batch_id) -> ProductionBatch | None:
    """A batch for the public verification page, with its events (two queries),
    or None when there is no such batch."""
    if batch_id is None:
        return None
    return (
        ProductionBatch.objects.filter(pk=batch_id)
        .prefetch_related(
            Prefetch("events", queryset=TraceEvent.objects.order_by("event_time", "id"))
        )
        .first()
    )
