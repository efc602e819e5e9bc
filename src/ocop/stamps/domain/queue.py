"""This app's part of the work queue (``ocop.core.queue``): stamp requests
waiting for the provincial office of the product's province."""

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for
from ocop.core.queue import QueueItem, Waiting

from ..enums import RequestState
from ..models import StampBatch

# The province approves (the central office may, but it is not its queue).
APPROVER_ROLES = (Role.PROVINCE_OFFICER, Role.PROVINCE_ADMIN)


def requests_to_approve(*, user, today) -> Waiting | None:
    scope = scope_for(user)
    if not scope.roles.intersection(APPROVER_ROLES):
        return None
    queryset = (
        StampBatch.objects.filter(
            scope.q(province="product__province", roles=APPROVER_ROLES),
            state=RequestState.REQUESTED,
        )
        .select_related("product__subject", "product__commune")
        .order_by("requested_at", "pk")
    )

    def row(batch) -> QueueItem:
        product = batch.product
        quantity = number_format(batch.quantity, force_grouping=True)
        return QueueItem(
            title=product.name,
            url=reverse("stamps:batch", args=[batch.pk]),
            detail=_("%(subject)s · %(n)s stamps")
            % {"subject": product.subject.name, "n": quantity},
            unit=product.commune.name if product.commune_id else "",
            since=batch.requested_at,
        )

    return Waiting(
        "stamp_requests", _("Stamp requests to approve"), queryset, row, reverse("stamps:list")
    )
