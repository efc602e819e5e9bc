"""Deadline reminders and overdue marks for dossiers and accepted ideas.

Run by the periodic job in ``ocop.cycles.periodic``; safe to run twice or
concurrently: each reminder is recorded as a ``SentReminder`` whose unique key
names the object, the state, the deadline and the kind of reminder, and the key
is created in the same transaction as the notification it stands for. The
``SentReminder`` rows are the record of what was sent and when.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ocop.accounts.enums import Role
from ocop.accounts.models import RoleAssignment
from ocop.core.domain.notify import notify
from ocop.core.models import SentReminder
from ocop.core.workdays import add_working_days
from ocop.cycles.enums import DossierState, IdeaState
from ocop.cycles.models import Dossier, Idea

from .queries import WAITING_ON

# How many working days before a deadline the next actor is reminded.
REMIND_WORKING_DAYS = 2

# Dossier states that carry a deadline (``workflow._next_deadline``) and the side
# that acts next; other states have no ``due_on``.
DEADLINE_STATES = [s for s in WAITING_ON if s != DossierState.EVALUATED]


@dataclass
class ReminderCounts:
    dossiers_reminded: int = 0
    dossiers_overdue: int = 0
    ideas_reminded: int = 0
    ideas_late: int = 0
    notifications: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class _Actors:
    """The accounts that act next (as ``workflow.next_actors`` chooses them),
    loaded in one query for a batch of dossiers or ideas."""

    by_subject: dict[int, list] = field(default_factory=dict)
    by_commune: dict[int, list] = field(default_factory=dict)
    by_province: dict[tuple[int, str], list] = field(default_factory=dict)

    @classmethod
    def load(cls, objects, *, today: date) -> "_Actors":
        index = cls()
        objects = list(objects)
        if not objects:
            return index
        subjects = {o.subject_id for o in objects}
        communes = {o.commune_id for o in objects}
        provinces = {o.province_id for o in objects}
        rows = (
            RoleAssignment.objects.active(at=today)
            .filter(
                Q(subject_id__in=subjects, role__in=[Role.PRODUCER, Role.CONSULTANT])
                | Q(unit_id__in=communes, role=Role.COMMUNE_OFFICER)
                | Q(unit_id__in=provinces, role__in=[Role.PROVINCE_OFFICER, Role.ADVISORY_TEAM])
            )
            .select_related("user")
            .order_by("pk")
        )
        for row in rows:
            if row.role in (Role.PRODUCER, Role.CONSULTANT):
                index.by_subject.setdefault(row.subject_id, []).append(row.user)
            elif row.role == Role.COMMUNE_OFFICER:
                index.by_commune.setdefault(row.unit_id, []).append(row.user)
            else:
                index.by_province.setdefault((row.unit_id, row.role), []).append(row.user)
        return index

    def for_side(self, obj, side: str) -> list:
        if side == "producer":
            return list(self.by_subject.get(obj.subject_id, []))
        if side == "commune":
            return list(self.by_commune.get(obj.commune_id, []))
        if side in ("province", "scheduler"):
            users = list(self.by_province.get((obj.province_id, Role.PROVINCE_OFFICER), []))
            if side == "province":
                users += self.by_province.get((obj.province_id, Role.ADVISORY_TEAM), [])
            return users
        return []

    def province_officers(self, obj) -> list:
        return self.for_side(obj, "scheduler")


def _send_once(key: str, send) -> bool:
    """Record ``key`` and call ``send()`` in one transaction, unless the key
    was recorded before (by an earlier or a concurrent run)."""
    with transaction.atomic():
        _, created = SentReminder.objects.get_or_create(key=key)
        if created:
            send()
        return created


def _date(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _dossier_url(dossier: Dossier) -> str:
    return reverse("cycles:dossier", args=[dossier.pk])


def _idea_url(idea: Idea) -> str:
    try:
        return reverse("cycles:idea", args=[idea.pk])
    except NoReverseMatch:
        return reverse("cycles:tasks")


def _exclude(users, others) -> list:
    seen = {u.pk for u in others}
    return [u for u in users if u.pk not in seen]


def dossier_key(dossier: Dossier, kind: str) -> str:
    # The version tells a resubmission apart from the first submission even
    # when both fall on the same day (same state, same deadline).
    return (
        f"dossier:{dossier.pk}:v{dossier.version}:{dossier.state}:"
        f"{dossier.due_on.isoformat()}:{kind}"
    )


def idea_key(idea: Idea, kind: str) -> str:
    return f"idea:{idea.pk}:{idea.state}:{idea.plan_due.isoformat()}:{kind}"


def _new(objects, key, kind) -> list:
    """The objects whose reminder of ``kind`` has not been recorded yet (one query)."""
    objects = list(objects)
    keys = {key(o, kind) for o in objects}
    sent = set(SentReminder.objects.filter(key__in=keys).values_list("key", flat=True))
    return [o for o in objects if key(o, kind) not in sent]


def remind_dossiers(*, today: date, counts: ReminderCounts, within: int) -> None:
    horizon = add_working_days(today, within)
    waiting = (
        Dossier.objects.filter(state__in=DEADLINE_STATES, due_on__isnull=False)
        .select_related("commune", "province")
        .order_by("due_on", "pk")
    )
    soon = _new(waiting.filter(due_on__gte=today, due_on__lte=horizon), dossier_key, "soon")
    late = _new(waiting.filter(due_on__lt=today), dossier_key, "overdue")
    actors = _Actors.load([*soon, *late], today=today)

    for dossier in soon:
        users = actors.for_side(dossier, WAITING_ON[dossier.state])
        text = _("Dossier “%(product)s” (%(state)s) is due on %(date)s.") % {
            "product": dossier.product_name,
            "state": DossierState(dossier.state).label,
            "date": _date(dossier.due_on),
        }

        def send(users=users, text=text, dossier=dossier):
            counts.notifications += len(notify(users=users, text=text, url=_dossier_url(dossier)))

        if _send_once(dossier_key(dossier, "soon"), send):
            counts.dossiers_reminded += 1

    for dossier in late:
        users = actors.for_side(dossier, WAITING_ON[dossier.state])
        officers = _exclude(actors.province_officers(dossier), users)
        values = {
            "product": dossier.product_name,
            "state": DossierState(dossier.state).label,
            "date": _date(dossier.due_on),
            "commune": dossier.commune.name,
        }
        text = _("Dossier “%(product)s” (%(state)s) is overdue: it was due on %(date)s.") % values
        officer_text = (
            _(
                "Dossier “%(product)s” of %(commune)s (%(state)s) is overdue: "
                "it was due on %(date)s."
            )
            % values
        )

        def send(dossier=dossier, users=users, officers=officers, text=text, otext=officer_text):
            Dossier.objects.filter(pk=dossier.pk).update(overdue=True)
            url = _dossier_url(dossier)
            counts.notifications += len(notify(users=users, text=text, url=url))
            counts.notifications += len(notify(users=officers, text=otext, url=url))

        if _send_once(dossier_key(dossier, "overdue"), send):
            counts.dossiers_overdue += 1

    # Whatever is past its deadline is marked, even when its reminder went out
    # before (the same state and deadline reached again).
    Dossier.objects.filter(state__in=DEADLINE_STATES, due_on__lt=today, overdue=False).update(
        overdue=True
    )


def remind_ideas(*, today: date, counts: ReminderCounts, within: int) -> None:
    horizon = add_working_days(today, within)
    waiting = (
        Idea.objects.filter(state=IdeaState.ACCEPTED, plan_due__isnull=False, plan__isnull=True)
        .select_related("commune")
        .order_by("plan_due", "pk")
    )
    soon = _new(waiting.filter(plan_due__gte=today, plan_due__lte=horizon), idea_key, "soon")
    late = _new(waiting.filter(plan_due__lt=today), idea_key, "late")
    actors = _Actors.load([*soon, *late], today=today)

    for idea in soon:
        text = _("The business plan of “%(product)s” is due on %(date)s.") % {
            "product": idea.product_name,
            "date": _date(idea.plan_due),
        }

        def send(idea=idea, text=text):
            users = actors.for_side(idea, "producer")
            counts.notifications += len(notify(users=users, text=text, url=_idea_url(idea)))

        if _send_once(idea_key(idea, "soon"), send):
            counts.ideas_reminded += 1

    for idea in late:
        users = actors.for_side(idea, "producer")
        officers = _exclude(actors.province_officers(idea), users)
        values = {
            "product": idea.product_name,
            "date": _date(idea.plan_due),
            "commune": idea.commune.name,
        }
        text = _("The business plan of “%(product)s” is late: it was due on %(date)s.") % values
        officer_text = (
            _("The business plan of “%(product)s” (%(commune)s) is late: it was due on %(date)s.")
            % values
        )

        def send(idea=idea, users=users, officers=officers, text=text, otext=officer_text):
            url = _idea_url(idea)
            counts.notifications += len(notify(users=users, text=text, url=url))
            counts.notifications += len(notify(users=officers, text=otext, url=url))

        if _send_once(idea_key(idea, "late"), send):
            counts.ideas_late += 1


def run_reminders(*, today: date, within: int = REMIND_WORKING_DAYS) -> dict[str, int]:
    """Remind the next actors of deadlines within ``within`` working days, mark
    and report what is overdue; returns how many of each were sent."""
    counts = ReminderCounts()
    remind_dossiers(today=today, counts=counts, within=within)
    remind_ideas(today=today, counts=counts, within=within)
    return counts.as_dict()
