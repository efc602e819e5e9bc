"""Reads of complaints and flagged stamps, scoped to the officer's province."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, F, Q, Value

from ocop.accounts.models import RoleAssignment
from ocop.accounts.rules import scope_for
from ocop.stamps.models import Scan, Stamp

from ..enums import ComplaintState
from ..models import Complaint, FlagReview
from ..rules import HANDLER_ROLES, NOTIFIED_CENTRAL_ROLES, NOTIFIED_ROLES, can_view_inspections

KIND_COMPLAINT = "complaint"
KIND_FLAG = "flag"  # a stamp flagged now
KIND_REVIEW = "review"  # a flag an officer cleared


def handlers_of(province) -> list:
    """The accounts told about a complaint or flag in ``province``: its
    provincial officers and inspectors; the central officers when None."""
    if province is None:
        condition = Q(role__in=NOTIFIED_CENTRAL_ROLES)
    else:
        condition = Q(role__in=NOTIFIED_ROLES, unit_id=province.pk)
    rows = RoleAssignment.objects.active().filter(condition).select_related("user").order_by("pk")
    return [row.user for row in rows]


def _q(user, path: str) -> Q:
    return scope_for(user).q(province=path, roles=HANDLER_ROLES)


def complaints_visible_to(user):
    if not can_view_inspections(user):
        return Complaint.objects.none()
    return Complaint.objects.filter(_q(user, "province"))


def flagged_stamps_visible_to(user):
    if not can_view_inspections(user):
        return Stamp.objects.none()
    return Stamp.objects.filter(flagged_at__isnull=False).filter(
        _q(user, "batch__product__province")
    )


def reviews_visible_to(user):
    if not can_view_inspections(user):
        return FlagReview.objects.none()
    return FlagReview.objects.filter(_q(user, "stamp__batch__product__province"))


def stamps_visible_to(user):
    """Stamps of products in the officer's province (their scans and flags)."""
    if not can_view_inspections(user):
        return Stamp.objects.none()
    return Stamp.objects.filter(_q(user, "batch__product__province"))


def _rows(queryset, kind: str, at: str, state):
    return (
        queryset.order_by()
        .annotate(
            row_kind=Value(kind, output_field=CharField()),
            row_id=F("pk"),
            row_at=F(at),
            row_state=state,
        )
        .values_list("row_kind", "row_id", "row_at", "row_state")
    )


def _state(value: str):
    return Value(value, output_field=CharField())


def feed_for(user, *, kind: str = "", state: str = "", province=None):
    """Complaints and flagged stamps in one list, newest first: a queryset of
    (kind, id, time, state) tuples; ``feed_page`` fetches the objects.
    ``province``: only that province's (a 2025 province)."""
    parts = []
    where = {} if province is None else {"province": province}
    if kind in ("", KIND_COMPLAINT):
        complaints = complaints_visible_to(user).filter(**where)
        if state:
            complaints = complaints.filter(state=state)
        parts.append(_rows(complaints, KIND_COMPLAINT, "created_at", F("state")))
    if kind in ("", KIND_FLAG) and state in ("", ComplaintState.NEW):
        flagged = flagged_stamps_visible_to(user)
        if province is not None:
            flagged = flagged.filter(batch__product__province=province)
        parts.append(_rows(flagged, KIND_FLAG, "flagged_at", _state("new")))
    if kind in ("", KIND_FLAG) and state in ("", ComplaintState.CLOSED):
        reviews = reviews_visible_to(user)
        if province is not None:
            reviews = reviews.filter(stamp__batch__product__province=province)
        parts.append(_rows(reviews, KIND_REVIEW, "flagged_at", _state("closed")))
    if not parts:
        return _rows(Complaint.objects.none(), KIND_COMPLAINT, "created_at", F("state"))
    first, *rest = parts
    return (first.union(*rest, all=True) if rest else first).order_by("-row_at", "-row_id")


@dataclass
class FeedRow:
    kind: str
    at: datetime
    state: str
    complaint: Complaint | None = None
    stamp: Stamp | None = None
    review: FlagReview | None = None

    @property
    def product(self):
        if self.complaint is not None:
            return self.complaint.product
        stamp = self.stamp or (self.review.stamp if self.review else None)
        return stamp.batch.product if stamp is not None else None

    @property
    def state_label(self) -> str:
        return ComplaintState(self.state).label


def feed_page(rows) -> list[FeedRow]:
    """The objects of one page of ``feed_for`` (three queries at most)."""
    rows = list(rows)
    ids = {KIND_COMPLAINT: [], KIND_FLAG: [], KIND_REVIEW: []}
    for kind, pk, _at, _state in rows:
        ids[kind].append(pk)
    complaints = (
        Complaint.objects.select_related("product", "stamp", "province").in_bulk(
            ids[KIND_COMPLAINT]
        )
        if ids[KIND_COMPLAINT]
        else {}
    )
    stamps = (
        Stamp.objects.select_related("batch__product__province").in_bulk(ids[KIND_FLAG])
        if ids[KIND_FLAG]
        else {}
    )
    reviews = (
        FlagReview.objects.select_related("stamp__batch__product__province", "by").in_bulk(
            ids[KIND_REVIEW]
        )
        if ids[KIND_REVIEW]
        else {}
    )
    result = []
    for kind, pk, at, state in rows:
        row = FeedRow(kind=kind, at=at, state=state)
        if kind == KIND_COMPLAINT:
            row.complaint = complaints.get(pk)
        elif kind == KIND_FLAG:
            row.stamp = stamps.get(pk)
        else:
            row.review = reviews.get(pk)
        if row.complaint or row.stamp or row.review:
            result.append(row)
    return result


def recent_scans(stamp, limit: int = 50):
    return Scan.objects.filter(stamp=stamp).order_by("-at", "-id")[:limit]
