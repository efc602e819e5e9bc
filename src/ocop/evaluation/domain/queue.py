"""This app's part of the work queue (``ocop.core.queue``): a member's
scoring sheets to fill in, and the open sessions their chair has to close."""

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for
from ocop.core.queue import QueueItem, Waiting

from ..enums import Body, ItemStatus, MemberRole, SessionState, SheetStatus
from ..models import Scoresheet, Session
from ..rules import VIEWER_ROLES

# Members are often officers too: anyone who may sit on a council.
MEMBER_ROLES = {Role.COUNCIL_MEMBER, *VIEWER_ROLES}


def _may_sit(user) -> bool:
    return bool(scope_for(user).roles & MEMBER_ROLES)


def sheets_to_score(*, user, today) -> Waiting | None:
    """The member's own draft sheets of the current round of items being
    scored in open sessions (what ``rules.scoresheet_lock`` lets them edit)."""
    if not _may_sit(user):
        return None
    queryset = (
        Scoresheet.objects.filter(
            member__user=user,
            status=SheetStatus.DRAFT,
            round=F("item__round"),
            item__status=ItemStatus.SCORING,
            item__session__state=SessionState.OPEN,
        )
        .select_related("item__product", "item__session__council")
        .order_by("item__session__opened_at", "item__session_id", "item__order", "pk")
    )

    def row(sheet) -> QueueItem:
        session = sheet.item.session
        return QueueItem(
            title=sheet.item.product.name,
            url=reverse("evaluation:scoresheet", args=[sheet.pk]),
            detail=str(session),
            unit=session.council.name,
            since=session.opened_at,
        )

    return Waiting("sheets", _("Scoring sheets to fill in"), queryset, row)


def sessions_to_close(*, user, today) -> Waiting | None:
    """Open sessions of the councils the person chairs (only the chair closes)."""
    if not _may_sit(user):
        return None
    chaired = Q(
        council__members__user=user,
        council__members__role=MemberRole.CHAIR,
        council__members__body=Body.COUNCIL,
        council__members__active=True,
    )
    queryset = (
        Session.objects.filter(chaired, state=SessionState.OPEN)
        .select_related("council")
        .annotate(
            pending=Count(
                "items",
                filter=~Q(items__status__in=[ItemStatus.DECIDED, ItemStatus.WITHDRAWN]),
            )
        )
        .order_by("opened_at", "pk")
    )

    def row(session) -> QueueItem:
        detail = (
            _("%(n)s products without a result") % {"n": session.pending}
            if session.pending
            else _("every product has its result: ready to close")
        )
        return QueueItem(
            title=str(session),
            url=reverse("evaluation:session", args=[session.pk]),
            detail=str(detail),
            unit=session.council.name,
            since=session.opened_at,
        )

    return Waiting("sessions", _("Council sessions to close"), queryset, row)
