"""Reads of the stamp pages: what each person may see."""

from ocop.accounts.rules import scope_for

from ..enums import StampState
from ..models import Stamp, StampBatch
from ..rules import VIEWER_ROLES


def batches_visible_to(user):
    """Stamp batches of the products in the user's scope (the subject's own
    people, the commune, the province and the centre)."""
    if user is None or not user.is_authenticated:
        return StampBatch.objects.none()
    condition = scope_for(user).q(
        province="product__province",
        commune="product__commune",
        subject="product__subject",
        roles=VIEWER_ROLES,
    )
    return StampBatch.objects.filter(condition).select_related(
        "product__subject",
        "product__commune",
        "product__province",
        "production_batch",
        "certificate",
        "requested_by",
        "decided_by",
    )


def active_stamps(batch):
    return Stamp.objects.filter(batch=batch, state=StampState.ACTIVE).order_by("serial")


def voided_stamps(batch):
    return (
        Stamp.objects.filter(batch=batch, state=StampState.VOIDED)
        .select_related("voided_by")
        .order_by("serial")
    )


def filter_batches(batches, *, filters: dict):
    """The stamp requests' list filters (state, the product's province or
    commune, the decision's day from/to)."""
    if filters.get("state"):
        batches = batches.filter(state=filters["state"])
    if filters.get("province"):
        batches = batches.filter(product__province=filters["province"])
    if filters.get("commune"):
        batches = batches.filter(product__commune=filters["commune"])
    if filters.get("decided_from"):
        batches = batches.filter(decided_at__date__gte=filters["decided_from"])
    if filters.get("decided_to"):
        batches = batches.filter(decided_at__date__lte=filters["decided_to"])
    return batches
