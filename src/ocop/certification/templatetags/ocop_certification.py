"""Live OCOP status in templates: a product's shown status and a
certificate's live status, with the badge colour of each."""

from django import template
from django.utils import timezone

from ocop.products.domain.queries import ocop_status
from ocop.products.enums import OcopStatus

from ..domain.status import live_status as certificate_live_status
from ..enums import LiveStatus

register = template.Library()

BADGES = {
    LiveStatus.VALID: "text-bg-success",
    LiveStatus.EXPIRING: "text-bg-warning",
    LiveStatus.EXPIRED: "text-bg-secondary",
    LiveStatus.REVOKED: "text-bg-danger",
    LiveStatus.SUPERSEDED: "text-bg-light border",
    LiveStatus.UNDETERMINED: "text-bg-warning",
    OcopStatus.CERTIFIED: "text-bg-success",
    OcopStatus.IN_EVALUATION: "text-bg-info",
    OcopStatus.NONE: "text-bg-light border",
}


@register.filter
def product_status(product) -> OcopStatus:
    """The status shown for a product today (a lapsed certificate reads as
    expired even before the daily job has marked it)."""
    return ocop_status(product, today=timezone.localdate())


@register.filter
def live_status(certificate) -> LiveStatus:
    """A certificate's live status today (reads the rules: for single objects;
    lists set ``.live`` with ``queries.with_live_status``)."""
    return certificate_live_status(certificate, today=timezone.localdate())


@register.filter
def badge_class(status) -> str:
    return BADGES.get(status, "text-bg-secondary")
