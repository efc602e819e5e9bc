"""This app's part of the work queue (``ocop.core.queue``): the subject's
evidence documents that expire within ``EXPIRING_DAYS`` (or expired less than
``EXPIRING_DAYS`` ago: still to renew), for the subject's own people."""

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for
from ocop.core.queue import QueueItem, Waiting

from ..models import EXPIRING_DAYS, EvidenceDocument

OWNER_ROLES = (Role.PRODUCER, Role.CONSULTANT)


def documents_expiring(*, user, today) -> Waiting | None:
    scope = scope_for(user)
    if not scope.roles.intersection(OWNER_ROLES):
        return None
    window = timedelta(days=EXPIRING_DAYS)
    queryset = (
        EvidenceDocument.objects.filter(
            scope.q(subject="subject", roles=OWNER_ROLES),
            expires_on__gte=today - window,
            expires_on__lte=today + window,
        )
        .select_related("subject", "product")
        .order_by("expires_on", "pk")
    )

    def row(document) -> QueueItem:
        title = str(document)
        if document.product_id:
            title = f"{title} – {document.product.name}"
        return QueueItem(
            title=title,
            url=reverse("producers:detail", args=[document.subject_id]) + "#documents",
            detail=document.subject.name,
            due=document.expires_on,
            late=document.expires_on < today,
        )

    return Waiting(
        "documents",
        _("Documents about to expire"),
        queryset,
        row,
        reverse("producers:documents_expiring"),
    )
