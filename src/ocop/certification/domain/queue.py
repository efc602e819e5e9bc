"""This app's part of the work queue (``ocop.core.queue``): closed sessions
whose recognised products wait for a decision, draft decisions to issue, and
certificates about to expire."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for
from ocop.core.queue import QueueItem, Waiting

from ..enums import AuthorityLevel, DecisionState
from ..models import Certificate, Decision
from ..rules import CENTRAL_ROLES, DECISION_ROLES
from . import queries

# Who renews a certificate: the subject's own people, and the commune that
# files the renewal dossier with them.
RENEWAL_ROLES = (Role.PRODUCER, Role.CONSULTANT, Role.COMMUNE_OFFICER)


def _decides(user) -> bool:
    return bool(scope_for(user).roles.intersection(DECISION_ROLES))


def sessions_to_decide(*, user, today) -> Waiting | None:
    if not _decides(user):
        return None
    queryset = queries.sessions_awaiting_decision(user).order_by("closed_at", "date", "pk")

    def row(session) -> QueueItem:
        return QueueItem(
            title=str(session),
            url=reverse("certification:decision_draft", args=[session.pk]),
            detail=_("%(n)s recognised products") % {"n": session.recognised},
            unit=session.council.unit.name,
            since=session.closed_at or session.date,
        )

    return Waiting(
        "sessions_to_decide",
        _("Results waiting for a recognition decision"),
        queryset,
        row,
        reverse("certification:sessions_awaiting"),
    )


def decisions_to_issue(*, user, today) -> Waiting | None:
    """Draft decisions of the authorities the person acts for."""
    if not _decides(user):
        return None
    condition = queries.managed_units_q(user) & ~Q(level=AuthorityLevel.CENTRAL)
    if scope_for(user).is_national(CENTRAL_ROLES):
        condition |= Q(level=AuthorityLevel.CENTRAL)
    queryset = (
        Decision.objects.filter(condition, state=DecisionState.DRAFT)
        .select_related("unit")
        .order_by("created_at", "pk")
    )

    def row(decision) -> QueueItem:
        return QueueItem(
            title=decision.title,
            url=reverse("certification:decision", args=[decision.pk]),
            detail=str(_("draft decision")),
            unit=decision.unit.name if decision.unit_id else str(_("central (ministry)")),
            since=decision.created_at,
            due=decision.date,
        )

    return Waiting(
        "decisions",
        _("Draft decisions to issue"),
        queryset,
        row,
        reverse("certification:decisions") + "?state=draft",
    )


def certificates_expiring(*, user, today) -> Waiting | None:
    """Certificates in force that expire within the warning window of their
    rule (``queries.expiring_q``), soonest first."""
    scope = scope_for(user)
    if not scope.roles.intersection(RENEWAL_ROLES):
        return None
    queryset = (
        Certificate.objects.filter(
            scope.q(
                province="product__province",
                commune="product__commune",
                subject="product__subject",
                roles=RENEWAL_ROLES,
            ),
            queries.expiring_q(today=today),
        )
        .select_related("product__subject", "product__commune")
        .order_by("valid_until", "pk")
    )

    def row(certificate) -> QueueItem:
        product = certificate.product
        return QueueItem(
            title=f"{product.name} {certificate.star}★",
            url=reverse("certification:certificate", args=[certificate.pk]),
            detail=product.subject.name,
            unit=product.commune.name if product.commune_id else "",
            due=certificate.valid_until,
        )

    return Waiting(
        "certificates",
        _("Certificates about to expire"),
        queryset,
        row,
        reverse("certification:certificates") + "?status=expiring",
    )
