"""This app's part of the work queue (``ocop.core.queue``): dossiers and
product ideas waiting for the person (``queries.waiting_dossiers`` and
``queries.waiting_ideas`` say who waits for what)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ocop.accounts.rules import scope_for
from ocop.core.queue import QueueItem, Waiting

from . import queries

ACTING_ROLES = {role for roles in queries.SIDE_ROLES.values() for role in roles}


def _acts(user) -> bool:
    return bool(scope_for(user).roles & ACTING_ROLES)


def dossiers_waiting(*, user, today) -> Waiting | None:
    if not _acts(user):
        return None

    def row(d) -> QueueItem:
        return QueueItem(
            title=d.product_name,
            url=reverse("cycles:dossier", args=[d.pk]),
            detail=f"{d.subject.name} · {d.get_state_display()}",
            unit=d.commune.name if d.commune_id else "",
            since=d.waiting_since,
            due=d.due_on,
            late=bool(d.overdue or (d.due_on and d.due_on < today)),
        )

    return Waiting(
        "dossiers",
        _("Evaluation dossiers"),
        queries.waiting_dossiers(user),
        row,
        reverse("cycles:dossiers"),
    )


def ideas_waiting(*, user, today) -> Waiting | None:
    if not _acts(user):
        return None

    def row(i) -> QueueItem:
        return QueueItem(
            title=i.product_name,
            url=reverse("cycles:idea", args=[i.pk]),
            detail=f"{i.subject.name} · {i.get_state_display()}",
            unit=i.commune.name if i.commune_id else "",
            since=i.waiting_since,
            due=i.plan_due,
            late=bool(i.plan_due and i.plan_due < today),
        )

    return Waiting(
        "ideas", _("Product ideas"), queries.waiting_ideas(user), row, reverse("cycles:ideas")
    )
