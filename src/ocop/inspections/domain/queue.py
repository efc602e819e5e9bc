"""This app's part of the work queue (``ocop.core.queue``): open consumer
complaints and flagged stamps for the officers of the product's province,
planned visits for the inspector they are assigned to, and submitted
inspection plans for the officers who approve them."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for
from ocop.core.queue import QueueItem, Waiting

from ..enums import ComplaintState, PlanState, VisitState
from ..models import InspectionPlan, Visit
from ..rules import HANDLER_ROLES, PLAN_APPROVER_ROLES
from . import queries


def _handles(user) -> bool:
    return bool(scope_for(user).roles.intersection(HANDLER_ROLES))


def complaints_open(*, user, today) -> Waiting | None:
    if not _handles(user):
        return None
    queryset = (
        queries.complaints_visible_to(user)
        .filter(state__in=[ComplaintState.NEW, ComplaintState.IN_REVIEW])
        .select_related("product", "province")
        .order_by("created_at", "pk")
    )

    def row(complaint) -> QueueItem:
        return QueueItem(
            title=complaint.product.name if complaint.product_id else complaint.code,
            url=reverse("inspections:complaint", args=[complaint.pk]),
            detail=f"{complaint.get_kind_display()} · {complaint.get_state_display()}",
            unit=complaint.province.name if complaint.province_id else "",
            since=complaint.created_at,
        )

    return Waiting(
        "complaints",
        _("Consumer complaints"),
        queryset,
        row,
        reverse("inspections:list") + "?kind=complaint",
    )


def flagged_stamps(*, user, today) -> Waiting | None:
    if not _handles(user):
        return None
    queryset = (
        queries.flagged_stamps_visible_to(user)
        .select_related("batch__product__province")
        .order_by("flagged_at", "pk")
    )

    def row(stamp) -> QueueItem:
        product = stamp.batch.product
        return QueueItem(
            title=f"{product.name} · {stamp.serial}",
            url=reverse("inspections:stamp", args=[stamp.pk]),
            detail=stamp.flag_reason,
            unit=product.province.name if product.province_id else "",
            since=stamp.flagged_at,
        )

    return Waiting(
        "flags", _("Flagged stamps"), queryset, row, reverse("inspections:list") + "?kind=flag"
    )


def visits_assigned(*, user, today) -> Waiting | None:
    """Planned visits assigned to the inspector, earliest first."""
    scope = scope_for(user)
    if Role.INSPECTOR not in scope.roles:
        return None
    queryset = (
        Visit.objects.filter(
            scope.q(province="province", roles=(Role.INSPECTOR,)),
            inspector=user,
            state=VisitState.PLANNED,
        )
        .select_related("product__subject", "product__commune")
        .order_by("scheduled_on", "pk")
    )

    def row(visit) -> QueueItem:
        product = visit.product
        return QueueItem(
            title=product.name,
            url=reverse("inspections:visit", args=[visit.pk]),
            detail=product.subject.name,
            unit=product.commune.name if product.commune_id else "",
            since=visit.created_at,
            due=visit.scheduled_on,
            late=visit.scheduled_on < today,
        )

    return Waiting("visits", _("Inspection visits assigned to you"), queryset, row)


def plans_to_approve(*, user, today) -> Waiting | None:
    scope = scope_for(user)
    if not scope.roles.intersection(PLAN_APPROVER_ROLES):
        return None
    queryset = (
        InspectionPlan.objects.filter(
            scope.q(province="province", roles=PLAN_APPROVER_ROLES), state=PlanState.SUBMITTED
        )
        .select_related("province")
        .order_by("created_at", "pk")
    )

    def row(plan) -> QueueItem:
        return QueueItem(
            title=str(plan),
            url=reverse("inspections:plan", args=[plan.pk]),
            detail=plan.get_state_display(),
            unit=plan.province.name,
            since=plan.created_at,
        )

    return Waiting(
        "inspection_plans",
        _("Inspection plans to approve"),
        queryset,
        row,
        reverse("inspections:plans"),
    )
