"""Reads of production batches and their events."""

from django.db.models import Count, Max, Prefetch, Q

from ocop.traceability import rules
from ocop.traceability.models import ProductionBatch, TraceEvent

IN_FORCE = Q(events__error_declared_at__isnull=True)


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


def batches_visible_to(user):
    """Batches of the products a person sees in the registry (producers: their
    own subjects'; officers: their unit's)."""
    if user is None or not user.is_authenticated:
        return ProductionBatch.objects.none()
    return ProductionBatch.objects.filter(rules.visible_q(user)).select_related(
        "product", "product__subject", "product__commune", "product__province"
    )


def with_event_summary(queryset):
    """Annotate each batch with the number of its events in force and the time
    of the latest one (for lists, in the same query)."""
    return queryset.annotate(
        event_count=Count("events", filter=IN_FORCE),
        last_event_at=Max("events__event_time", filter=IN_FORCE),
    )


def events_of(batch: ProductionBatch):
    """All events of a batch in time order, corrected and withdrawn ones
    included (the page marks them)."""
    return batch.events.select_related("recorded_by", "corrects").order_by("event_time", "id")
