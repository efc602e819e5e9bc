"""Certificates in force on a day, and what happened to them in a period.

These filters are shared by the certificate list (``?status=in_force&on=…``,
``?change=…&start=…&end=…``) and by the statistics layer (``ocop.stats``), so
that a figure and the list it links to are the same query and cannot differ.

* **In force on a day D** (the live status of ``status.live_status`` judged on
  D): recognised by D (``decision_date ≤ D``), validity not passed
  (``valid_until ≥ D``) and, as recorded now, not revoked by a revocation
  decision dated on or before D, not superseded by a certificate recognised on
  or before D. On today this is exactly "valid or expires soon": a date that
  has passed reads as expired before the nightly job marks it, and a
  certificate without a validity date (an imported list) is never counted.
* **Changes in a period** [start, end] (each certificate counted once, by the
  date of its own event):

  - ``new``: recognised in the period, the product's first certificate (no
    certificate of the product recognised before it);
  - ``renewed``: recognised in the period after an earlier certificate of the
    product, with the same or fewer stars than the one just before it;
  - ``upgraded``: the same, with more stars than the one just before it;
  - ``expired``: the first day after its validity (``valid_until`` + 1) is in
    the period, and it was neither revoked nor superseded on or before
    ``valid_until`` — it lapsed without a renewal in time;
  - ``revoked``: a revocation decision dated in the period.
"""

from datetime import date, timedelta

from django.db.models import Exists, F, OuterRef, Q, Subquery

from ..enums import CertificateStatus
from ..models import Certificate, Revocation

CHANGES = ("new", "renewed", "upgraded", "expired", "revoked")
# The certificate list's status filter for "valid or expires soon".
IN_FORCE = "in_force"


def in_force_q(*, on: date, today: date) -> Q:
    """Certificates in force on ``on`` (see the module's docstring)."""
    if on >= today:
        # Now (or later): the stored status is the truth, with the date check.
        return Q(status=CertificateStatus.VALID, valid_until__gte=on)
    not_revoked_then = Q(status=CertificateStatus.REVOKED) & Q(revocation__decision_date__gt=on)
    not_superseded_then = Q(status=CertificateStatus.SUPERSEDED) & Q(
        superseded_by__decision_date__gt=on
    )
    stored = (
        Q(status__in=[CertificateStatus.VALID, CertificateStatus.EXPIRED])
        | not_revoked_then
        | not_superseded_then
    )
    recognised = Q(decision_date__lte=on) | Q(decision_date__isnull=True)
    return recognised & Q(valid_until__gte=on) & stored


def _previous_star():
    return Subquery(
        Certificate.objects.filter(
            product=OuterRef("product"), decision_date__lt=OuterRef("decision_date")
        )
        .order_by("-decision_date", "-id")
        .values("star")[:1]
    )


def filter_change(queryset, change: str, *, start: date, end: date):
    """The certificates of ``queryset`` that had ``change`` in [start, end]."""
    if change == "revoked":
        return queryset.filter(
            Exists(
                Revocation.objects.filter(
                    certificate=OuterRef("pk"), decision_date__gte=start, decision_date__lte=end
                )
            )
        )
    if change == "expired":
        # Expired on the day after ``valid_until``: that day is in the period.
        revoked_before = Exists(
            Revocation.objects.filter(
                certificate=OuterRef("pk"), decision_date__lte=OuterRef("valid_until")
            )
        )
        superseded_before = Q(status=CertificateStatus.SUPERSEDED) & (
            Q(superseded_by__isnull=True) | Q(superseded_by__decision_date__lte=F("valid_until"))
        )
        return (
            queryset.filter(valid_until__gte=start - timedelta(days=1), valid_until__lt=end)
            .exclude(superseded_before)
            .exclude(revoked_before)
        )
    dated = queryset.filter(decision_date__gte=start, decision_date__lte=end)
    if change not in ("new", "renewed", "upgraded"):
        return queryset.none()
    dated = dated.annotate(previous_star=_previous_star())
    if change == "new":
        return dated.filter(previous_star__isnull=True)
    if change == "renewed":
        return dated.filter(previous_star__gte=F("star"))
    return dated.filter(previous_star__lt=F("star"))


def filter_figures(queryset, *, filters: dict, today: date):
    """The figure filters of the certificate list (unit, group, set, legal
    form, in force on a day, change in a period), as the statistics layer
    counts them."""
    if filters.get("province"):
        queryset = queryset.filter(product__province=filters["province"])
    if filters.get("commune"):
        queryset = queryset.filter(product__commune=filters["commune"])
    if filters.get("group"):
        queryset = queryset.filter(product__group_code=filters["group"].code)
    if filters.get("category"):
        queryset = queryset.filter(product__category=filters["category"])
    if filters.get("legal_form"):
        queryset = queryset.filter(product__subject__legal_form=filters["legal_form"])
    if filters.get("status") == IN_FORCE:
        queryset = queryset.filter(in_force_q(on=filters.get("on") or today, today=today))
    if filters.get("change") and filters.get("start") and filters.get("end"):
        queryset = filter_change(
            queryset, filters["change"], start=filters["start"], end=filters["end"]
        )
    return queryset
