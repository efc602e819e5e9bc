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

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.accounts.enums import Role
from ocop.accounts.models import RoleAssignment
from ocop.core.domain.notify import notify
from ocop.core.workdays import add_working_days
from ocop.core.workflow import Move, Transition, Workflow
from ocop.cycles import rules
from ocop.cycles.enums import DossierPath, LateSubmission
from ocop.cycles.enums import DossierState as S
from ocop.cycles.models import Dossier, DossierVersion

from . import checks, versions

# The steps: the checks of a transition, then what every transition records.


def _problems(problems: list) -> None:
    if problems:
        raise ValidationError(problems)


def _submitting(move: Move) -> None:
    """The dossier is complete and, the first time, within its round's
    deadline (or the cycle accepts it marked late); the submitted version is
    kept."""
    dossier = move.obj
    problems = checks.submission_problems(dossier, today=move.today)
    late = dossier.version == 0 and checks.after_deadline(dossier, today=move.today)
    if late and dossier.round.cycle.late_submissions == LateSubmission.REFUSE:
        problems.insert(0, checks.deadline_refusal(dossier.round))
    _problems(problems)
    if late:
        dossier.submitted_late = True
        move.fields.append("submitted_late")
        move.log["late"] = dossier.round.submission_deadline.isoformat()
    _keep_version(dossier, move.by)
    move.fields.append("version")


def _forwarding(move: Move) -> None:
    _problems(checks.forwarding_problems(move.obj))


def _scheduling(move: Move) -> None:
    _problems([] if move.obj.agenda_item_id else [_("Choose the council session.")])


def _proposing(move: Move) -> None:
    item = move.obj.agenda_item
    if item is None or not item.proposed:
        _problems(
            [
                _(
                    "Only a product the council proposes to the level above "
                    "(90 points or more) can be proposed to the centre."
                )
            ]
        )


def _settle(move: Move) -> None:
    """Every transition: when, the next deadline in working days, and the
    list of what is missing (set on a return, cleared on a submission)."""
    dossier = move.obj
    dossier.state_changed_at = timezone.now()
    dossier.overdue = False
    dossier.due_on = _next_deadline(move.target, dossier, move.today)
    returning = move.action in ("return", "province_return")
    if returning:
        missing = [m.strip() for m in move.data.get("missing", ()) if m and m.strip()]
        dossier.missing = missing or [move.reason]
    elif move.action == "submit":
        dossier.missing = []
    move.fields += ["state_changed_at", "overdue", "due_on", "missing"]
    move.log.update(
        missing=dossier.missing if returning else [],
        version=dossier.version,
        due_on=dossier.due_on.isoformat() if dossier.due_on else None,
    )


def _reason_or_missing(reason: str, data: dict) -> bool:
    return bool(reason or any(m and m.strip() for m in data.get("missing", ())))


def _tell(who: str):
    """The notification of a transition: tell ``who`` acts next
    (producer / commune / province / scheduler)."""

    def tell(move: Move) -> None:
        _notify_next(move.obj, who, reason=move.reason)

    tell.__name__ = f"tell_{who}"
    return tell


def on_path(*paths: str):
    """The transition exists only for dossiers on these legal paths."""

    def when(dossier: Dossier) -> bool:
        return dossier.path in paths

    return when


ONLY_148 = on_path(DossierPath.P148)
ONLY_1489 = on_path(DossierPath.P1489)

TRANSITIONS = (
    Transition(
        "submit",
        gettext_lazy("Submit to the commune"),
        (S.DRAFT, S.RETURNED),
        S.SUBMITTED,
        log="ocop.dossier.transition",
        may=rules.producer_side,
        step=_submitting,
        notify=_tell("commune"),
    ),
    Transition(
        "withdraw",
        gettext_lazy("Withdraw the dossier"),
        (S.DRAFT, S.SUBMITTED, S.RETURNED),
        S.WITHDRAWN,
        log="ocop.dossier.transition",
        may=rules.producer_side,
        needs_reason=True,
    ),
    Transition(
        "return",
        gettext_lazy("Return for supplements"),
        (S.SUBMITTED,),
        S.RETURNED,
        log="ocop.dossier.transition",
        may=rules.commune_side,
        needs_reason=True,
        notify=_tell("producer"),
    ),
    Transition(
        "forward",
        gettext_lazy("Forward to the province"),
        (S.SUBMITTED,),
        S.FORWARDED,
        log="ocop.dossier.transition",
        may=rules.commune_side,
        when=ONLY_1489,
        step=_forwarding,
        notify=_tell("province"),
    ),
    Transition(
        "forward_district",
        gettext_lazy("Forward to the district"),
        (S.SUBMITTED,),
        S.DISTRICT,
        log="ocop.dossier.transition",
        may=rules.commune_side,
        when=ONLY_148,
        step=_forwarding,
        notify=_tell("province"),
    ),
    Transition(
        "district_forward",
        gettext_lazy("District forwards to the province"),
        (S.DISTRICT,),
        S.FORWARDED,
        log="ocop.dossier.transition",
        may=rules.scheduler,
        when=ONLY_148,
        notify=_tell("province"),
    ),
    Transition(
        "province_return",
        gettext_lazy("Return for supplements"),
        (S.FORWARDED,),
        S.RETURNED,
        log="ocop.dossier.transition",
        may=rules.province_side,
        needs_reason=True,
        notify=_tell("producer"),
    ),
    Transition(
        "precheck",
        gettext_lazy("Pre-check passed"),
        (S.FORWARDED,),
        S.PRECHECKED,
        log="ocop.dossier.transition",
        may=rules.province_side,
        notify=_tell("scheduler"),
    ),
    # Taken by the council session (scheduling, withdrawal, result), never by a button.
    Transition(
        "schedule",
        gettext_lazy("Put on a council session"),
        (S.PRECHECKED,),
        S.SCHEDULED,
        log="ocop.dossier.transition",
        may=rules.scheduler,
        step=_scheduling,
        button=False,
    ),
    Transition(
        "unschedule",
        gettext_lazy("Withdrawn from the council session"),
        (S.SCHEDULED,),
        S.PRECHECKED,
        log="ocop.dossier.transition",
        may=rules.scheduler,
        notify=_tell("scheduler"),
        button=False,
    ),
    Transition(
        "unschedule_central",
        gettext_lazy("Withdrawn from the central council's session"),
        (S.SCHEDULED,),
        S.PROPOSED,
        log="ocop.dossier.transition",
        may=rules.central,
        button=False,
    ),
    Transition(
        "schedule_central",
        gettext_lazy("Put on the central council's session"),
        (S.PROPOSED,),
        S.SCHEDULED,
        log="ocop.dossier.transition",
        may=rules.central,
        step=_scheduling,
        button=False,
    ),
    Transition(
        "evaluated",
        gettext_lazy("Council result recorded"),
        (S.SCHEDULED,),
        S.EVALUATED,
        log="ocop.dossier.transition",
        may=rules.scheduler,
        notify=_tell("producer"),
        button=False,
    ),
    Transition(
        "propose",
        gettext_lazy("Propose to the centre"),
        (S.EVALUATED,),
        S.PROPOSED,
        log="ocop.dossier.transition",
        may=rules.scheduler,
        step=_proposing,
        notify=_tell("producer"),
    ),
)
WORKFLOW = Workflow(
    model=Dossier,
    states=S,
    transitions=TRANSITIONS,
    unit=lambda dossier: dossier.commune,
    illegal=gettext_lazy("A dossier that is “%(state)s” cannot be “%(action)s”."),
    forbidden=gettext_lazy("You cannot do this on this dossier."),
    reason_missing=gettext_lazy("Say why, or list what is missing."),
    reason_given=_reason_or_missing,
    related=("product", "subject", "round__cycle"),
    step=_settle,
)
SESSION_ACTIONS = tuple(t.action for t in TRANSITIONS if not t.button)
EDITABLE_STATES = (S.DRAFT, S.RETURNED)
available = WORKFLOW.available  # (dossier, user) -> the buttons on the dossier page


def set_dossier_state(
    *, dossier: Dossier, action: str, by, reason: str = "", missing=(), system: bool = False
) -> Dossier:
    """Take ``action`` on the dossier or refuse with a reason; nothing is half-saved.

    ``missing`` lists what a return asks for (it stands for the reason);
    ``system`` is for the steps the council session takes (no user acts)."""
    return WORKFLOW.apply(
        obj=dossier, action=action, by=by, reason=reason, system=system, missing=missing
    )


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
    """Number and keep the submitted version (the dossier is saved by the engine)."""
    dossier.version += 1
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


def _notify_next(dossier: Dossier, who: str, *, reason: str) -> None:
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
        users=next_actors(dossier, who),
        text=text,
        url=reverse("cycles:dossier", args=[dossier.pk]),
    )
