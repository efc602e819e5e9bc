"""This app's part of the work queue (``ocop.core.queue``): dossiers and
product ideas waiting for the person (``queries.waiting_dossiers`` and
``queries.waiting_ideas`` say who waits for what)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ocop.accounts.rules import scope_for
from ocop.core.queue import QueueItem, Waiting

from . import queries

ACTING_ROLES = {role for roles in queries.SIDE_ROLES.values() for role in roles}

# The columns a queue row reads, and the two related rows it names. The page
# reads these and nothing more: with the lists' five related rows in full, a
# dossier row cost about 0.5 ms to fetch and build, most of the commune
# officer's page at national scale (docs/benchmarks.md).
DOSSIER_ROW = (
    "product_name",
    "state",
    "state_changed_at",
    "created_at",
    "due_on",
    "overdue",
    "subject__name",
    "commune__name",
)
IDEA_ROW = (
    "product_name",
    "state",
    "decided_at",
    "registered_at",
    "plan_due",
    "subject__name",
    "commune__name",
)


def _slim(queryset, fields):
    return queryset.select_related(None).select_related("subject", "commune").only(*fields)


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
        _slim(queries.waiting_dossiers(user), DOSSIER_ROW),
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
        "ideas",
        _("Product ideas"),
        _slim(queries.waiting_ideas(user), IDEA_ROW),
        row,
        reverse("cycles:ideas"),
    )
