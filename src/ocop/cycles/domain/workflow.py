"""The dossier's one state-transition function and its explicit table.

From 6 July 2025 (Decision 1489): producer submits → commune returns it for
supplements or forwards it with its report on the local criteria → the
provincial advisory team returns it or pre-checks it → the office puts it on a
council session → the council's result → proposal to the centre at 90 points.
Before that date (Decision 148) the commune forwards to the district, whose
step the provincial office records for historical dossiers.

Every transition checks the actor's role and scope, records who, when and
why, notifies the next actor (inbox and e-mail) and sets the next deadline in
working days. An illegal transition raises a clear error and changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.accounts.enums import Role
from ocop.accounts.models import RoleAssignment
from ocop.core.domain.activity import log_action
from ocop.core.domain.notify import notify
from ocop.core.workdays import add_working_days
from ocop.cycles import rules
from ocop.cycles.enums import DossierPath
from ocop.cycles.enums import DossierState as S
from ocop.cycles.models import Dossier, DossierVersion

from . import checks, versions


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    allowed: Callable  # (user, dossier) -> bool
    paths: tuple[str, ...] = (DossierPath.P1489, DossierPath.P148)
    needs_reason: bool = False
    notify: str = ""  # who acts next: producer / commune / province / scheduler


TRANSITIONS = (
    Transition(
        "submit",
        gettext_lazy("Submit to the commune"),
        (S.DRAFT, S.RETURNED),
        S.SUBMITTED,
        rules.producer_side,
        notify="commune",
    ),
    Transition(
        "withdraw",
        gettext_lazy("Withdraw the dossier"),
        (S.DRAFT, S.SUBMITTED, S.RETURNED),
        S.WITHDRAWN,
        rules.producer_side,
        needs_reason=True,
    ),
    Transition(
        "return",
        gettext_lazy("Return for supplements"),
        (S.SUBMITTED,),
        S.RETURNED,
        rules.commune_side,
        needs_reason=True,
        notify="producer",
    ),
    Transition(
        "forward",
        gettext_lazy("Forward to the province"),
        (S.SUBMITTED,),
        S.FORWARDED,
        rules.commune_side,
        paths=(DossierPath.P1489,),
        notify="province",
    ),
    Transition(
        "forward_district",
        gettext_lazy("Forward to the district"),
        (S.SUBMITTED,),
        S.DISTRICT,
        rules.commune_side,
        paths=(DossierPath.P148,),
        notify="province",
    ),
    Transition(
        "district_forward",
        gettext_lazy("District forwards to the province"),
        (S.DISTRICT,),
        S.FORWARDED,
        rules.scheduler,
        paths=(DossierPath.P148,),
        notify="province",
    ),
    Transition(
        "province_return",
        gettext_lazy("Return for supplements"),
        (S.FORWARDED,),
        S.RETURNED,
        rules.province_side,
        needs_reason=True,
        notify="producer",
    ),
    Transition(
        "precheck",
        gettext_lazy("Pre-check passed"),
        (S.FORWARDED,),
        S.PRECHECKED,
        rules.province_side,
        notify="scheduler",
    ),
    Transition(
        "schedule",
        gettext_lazy("Put on a council session"),
        (S.PRECHECKED,),
        S.SCHEDULED,
        rules.scheduler,
    ),
    Transition(
        "unschedule",
        gettext_lazy("Withdrawn from the council session"),
        (S.SCHEDULED,),
        S.PRECHECKED,
        rules.scheduler,
        notify="scheduler",
    ),
    Transition(
        "unschedule_central",
        gettext_lazy("Withdrawn from the central council's session"),
        (S.SCHEDULED,),
        S.PROPOSED,
        rules.central,
    ),
    Transition(
        "schedule_central",
        gettext_lazy("Put on the central council's session"),
        (S.PROPOSED,),
        S.SCHEDULED,
        rules.central,
    ),
    Transition(
        "evaluated",
        gettext_lazy("Council result recorded"),
        (S.SCHEDULED,),
        S.EVALUATED,
        rules.scheduler,
        notify="producer",
    ),
    Transition(
        "propose",
        gettext_lazy("Propose to the centre"),
        (S.EVALUATED,),
        S.PROPOSED,
        rules.scheduler,
        notify="producer",
    ),
)
BY_ACTION = {t.action: t for t in TRANSITIONS}
# Taken by the council session (scheduling, withdrawal, result), never by a button.
SESSION_ACTIONS = ("schedule", "schedule_central", "unschedule", "unschedule_central", "evaluated")
EDITABLE_STATES = (S.DRAFT, S.RETURNED)


def available(user, dossier: Dossier) -> list[Transition]:
    """The transitions this user may take now (for the buttons on the page)."""
    return [
        t
        for t in TRANSITIONS
        if dossier.state in t.sources
        and dossier.path in t.paths
        and t.action not in SESSION_ACTIONS
        and t.allowed(user, dossier)
    ]


@transaction.atomic
def set_dossier_state(
    *, dossier: Dossier, action: str, by, reason: str = "", missing=(), system: bool = False
) -> Dossier:
    """Take ``action`` on the dossier or refuse with a reason; nothing is half-saved."""
    dossier = (
        Dossier.objects.select_for_update().select_related("product", "subject").get(pk=dossier.pk)
    )
    transition = BY_ACTION.get(action)
    if transition is None:
        raise ValidationError(_("Unknown action “%(action)s”.") % {"action": action})
    if dossier.state not in transition.sources or dossier.path not in transition.paths:
        raise ValidationError(
            _("A dossier that is “%(state)s” cannot be “%(action)s”.")
            % {"state": S(dossier.state).label, "action": transition.label}
        )
    if not system and not transition.allowed(by, dossier):
        raise PermissionDenied(_("You cannot do this on this dossier."))
    missing = [m.strip() for m in missing if m and m.strip()]
    if transition.needs_reason and not (reason.strip() or missing):
        raise ValidationError(_("Say why, or list what is missing."))
    today = timezone.localdate()
    _check(transition, dossier, today=today)
    old = dossier.state
    dossier.state = transition.target
    dossier.state_changed_at = timezone.now()
    dossier.overdue = False
    dossier.due_on = _next_deadline(transition.target, dossier, today)
    if transition.action in ("return", "province_return"):
        dossier.missing = missing or [reason.strip()]
    elif transition.action == "submit":
        dossier.missing = []
    dossier.save()
    if transition.action == "submit":
        _keep_version(dossier, by)
    log_action(
        action="ocop.dossier.transition",
        by=by,
        obj=dossier,
        unit=dossier.commune,
        data={
            "action": action,
            "from": old,
            "to": dossier.state,
            "reason": reason,
            "missing": dossier.missing if transition.action.endswith("return") else [],
            "version": dossier.version,
            "due_on": dossier.due_on.isoformat() if dossier.due_on else None,
        },
    )
    _notify_next(transition, dossier, reason=reason)
    return dossier


def _check(transition: Transition, dossier: Dossier, *, today) -> None:
    if transition.action == "submit":
        problems = checks.submission_problems(dossier, today=today)
    elif transition.action in ("forward", "forward_district"):
        problems = checks.forwarding_problems(dossier)
    elif transition.action in ("schedule", "schedule_central"):
        problems = [] if dossier.agenda_item_id else [_("Choose the council session.")]
    elif transition.action == "propose":
        item = dossier.agenda_item
        problems = (
            []
            if item is not None and item.proposed
            else [
                _(
                    "Only a product the council proposes to the level above "
                    "(90 points or more) can be proposed to the centre."
                )
            ]
        )
    else:
        problems = []
    if problems:
        raise ValidationError(problems)


def _next_deadline(state: str, dossier: Dossier, today):
    cycle = dossier.cycle
    days = {
        S.SUBMITTED: cycle.commune_check_days if cycle else 5,
        S.RETURNED: cycle.supplement_days if cycle else 10,
        S.FORWARDED: cycle.province_check_days if cycle else 10,
        S.DISTRICT: cycle.province_check_days if cycle else 10,
    }.get(state)
    if days is None:
        return None
    return add_working_days(today, days)


def _keep_version(dossier: Dossier, by) -> None:
    dossier.version += 1
    dossier.save(update_fields=["version"])
    DossierVersion.objects.create(
        dossier=dossier,
        number=dossier.version,
        submitted_by=by,
        snapshot=versions.snapshot(dossier),
    )


def next_actors(dossier: Dossier, who: str):
    """Accounts that act next on a dossier: its producers, its commune's
    officers, or the province's officers (and advisory team)."""
    assignments = RoleAssignment.objects.active().select_related("user")
    if who == "producer":
        rows = assignments.filter(
            subject=dossier.subject, role__in=[Role.PRODUCER, Role.CONSULTANT]
        )
    elif who == "commune":
        rows = assignments.filter(unit=dossier.commune, role=Role.COMMUNE_OFFICER)
    elif who in ("province", "scheduler"):
        roles = [Role.PROVINCE_OFFICER]
        if who == "province":
            roles.append(Role.ADVISORY_TEAM)
        rows = assignments.filter(unit=dossier.province, role__in=roles)
    else:
        return []
    return [a.user for a in rows]


def _notify_next(transition: Transition, dossier: Dossier, *, reason: str) -> None:
    if not transition.notify:
        return
    text = _("Dossier “%(product)s”: %(state)s.") % {
        "product": dossier.product_name,
        "state": S(dossier.state).label,
    }
    if dossier.due_on:
        text += " " + _("Next deadline: %(date)s.") % {
            "date": date_format(dossier.due_on, "SHORT_DATE_FORMAT")
        }
    if reason:
        text += " " + reason[:200]
    notify(
        users=next_actors(dossier, transition.notify),
        text=text,
        url=reverse("cycles:dossier", args=[dossier.pk]),
    )
