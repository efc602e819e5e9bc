"""Activities: creating and editing them, and their one state-transition
function ``set_activity_state`` with its explicit table:

    planned ──open──▶ open ──close──▶ planned
    planned / open ──hold──▶ held        (on or after the first day)
    planned / open ──cancel──▶ cancelled (with a reason; registrants are told)

Held and cancelled are final. Every change is logged.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.core.domain.activity import changed_fields, log_action
from ocop.core.domain.notify import notify
from ocop.core.workflow import Move, Transition, Workflow
from ocop.geo.enums import Level

from .. import rules
from ..enums import ActivityLevel, ActivityState, Audience, RegistrationState
from ..models import Activity

ACTIVITY_FIELDS = (
    "title",
    "kind",
    "level",
    "province",
    "commune",
    "organiser",
    "starts_on",
    "start_time",
    "ends_on",
    "place",
    "target_groups",
    "speakers",
    "description",
    "funding_source",
    "cost",
    "capacity",
    "is_public",
)


def _clean(activity: Activity) -> None:
    """Check the activity's own data; the unit follows the level."""
    errors: dict[str, list[str]] = {}
    level = activity.level
    if level == ActivityLevel.CENTRAL:
        activity.province = None
        activity.commune = None
    elif level in (ActivityLevel.PROVINCE, ActivityLevel.DISTRICT):
        activity.commune = None
        if activity.province is None:
            errors["province"] = [_("Choose the province that organises the activity.")]
        elif activity.province.level != Level.PROVINCE or not activity.province.is_current:
            errors["province"] = [_("Choose a province (as of 1 July 2025).")]
    elif level == ActivityLevel.COMMUNE:
        if activity.commune is None:
            errors["commune"] = [_("Choose the commune or ward that organises the activity.")]
        elif activity.commune.level != Level.COMMUNE or not activity.commune.is_current:
            errors["commune"] = [_("Choose a commune or ward (as of 1 July 2025).")]
        else:
            activity.province = activity.commune.province
    if activity.starts_on and activity.ends_on and activity.ends_on < activity.starts_on:
        errors["ends_on"] = [_("The last day cannot be before the first day.")]
    if activity.cost is not None and activity.cost < 0:
        errors["cost"] = [_("The cost cannot be negative.")]
    if activity.capacity is not None and activity.capacity < 1:
        errors["capacity"] = [_("Give at least one place, or leave it empty for no limit.")]
    unknown = [g for g in activity.target_groups or [] if g not in Audience.values]
    if unknown:
        errors["target_groups"] = [_("Unknown participant group: %(g)s.") % {"g": unknown[0]}]
    if errors:
        raise ValidationError(errors)
    activity.full_clean(exclude=["province", "commune", "target_groups", "created_by"])


def _check_capacity(activity: Activity) -> None:
    if activity.capacity is None or not activity.pk:
        return
    registered = activity.registrations.filter(state=RegistrationState.REGISTERED).count()
    if registered > activity.capacity:
        raise ValidationError(
            {
                "capacity": [
                    _("%(n)s people are already registered: give at least that many places.")
                    % {"n": registered}
                ]
            }
        )


@transaction.atomic
def create_activity(*, by, data: dict, topics=()) -> Activity:
    activity = Activity(**{k: v for k, v in data.items() if k in ACTIVITY_FIELDS})
    _clean(activity)
    if not rules.can_manage_unit(by, activity.unit):
        raise PermissionDenied(_("You may only create activities of your own unit."))
    activity.created_by = by
    activity.save()
    activity.topics.set(topics)
    log_action(
        action="ocop.activity.created",
        by=by,
        obj=activity,
        unit=activity.unit,
        data={
            "kind": activity.kind,
            "level": activity.level,
            "starts_on": activity.starts_on.isoformat(),
            "start_time": activity.start_time.strftime("%H:%M") if activity.start_time else "",
            "ends_on": activity.ends_on.isoformat(),
            "topics": [t.code for t in activity.topics.all()],
        },
    )
    return activity


@transaction.atomic
def update_activity(*, by, activity: Activity, data: dict, topics=None) -> Activity:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not rules.can_manage(by, activity):
        raise PermissionDenied(_("You may not change this activity."))
    if activity.state == ActivityState.CANCELLED:
        raise ValidationError(_("A cancelled activity can no longer be changed."))
    before = {f: getattr(activity, f) for f in ACTIVITY_FIELDS}
    for field, value in data.items():
        if field in ACTIVITY_FIELDS:
            setattr(activity, field, value)
    _clean(activity)
    if not rules.can_manage_unit(by, activity.unit):
        raise PermissionDenied(_("You may only move an activity to a unit in your scope."))
    _check_capacity(activity)
    activity.save()
    changes = changed_fields(before, activity)
    if topics is not None:
        old = sorted(activity.topics.values_list("code", flat=True))
        activity.topics.set(topics)
        new = sorted(t.code for t in topics)
        if old != new:
            changes["topics"] = [", ".join(old), ", ".join(new)]
    if changes:
        log_action(
            action="ocop.activity.changed", by=by, obj=activity, unit=activity.unit, data=changes
        )
    return activity


# The activity's transitions ---------------------------------------------------------


def _not_over(move: Move) -> None:
    if move.obj.ends_on < move.today:
        raise ValidationError(_("The activity is over: it can no longer open for registration."))


def _has_begun(move: Move) -> None:
    if move.obj.starts_on > move.today:
        raise ValidationError(
            _("An activity can be marked as held only from its first day (%(date)s).")
            % {"date": date_format(move.obj.starts_on, "SHORT_DATE_FORMAT")}
        )


def _cancel(move: Move) -> None:
    move.obj.cancel_reason = move.reason
    move.fields.append("cancel_reason")


def _tell_registrants(move: Move) -> None:
    activity, reason = move.obj, move.reason
    users = [
        r.user
        for r in activity.registrations.filter(
            state=RegistrationState.REGISTERED, user__isnull=False
        ).select_related("user")
    ]
    if users:
        notify(
            users=users,
            text=_("“%(title)s” (%(date)s) has been cancelled: %(reason)s")
            % {
                "title": activity.title,
                "date": date_format(activity.starts_on, "SHORT_DATE_FORMAT"),
                "reason": reason,
            },
            url=reverse("events:activity", args=[activity.pk]),
        )


TRANSITIONS = (
    Transition(
        "open",
        gettext_lazy("Open registration"),
        (ActivityState.PLANNED,),
        ActivityState.OPEN,
        log="ocop.activity.open",
        may=rules.can_manage,
        step=_not_over,
    ),
    Transition(
        "close",
        gettext_lazy("Close registration"),
        (ActivityState.OPEN,),
        ActivityState.PLANNED,
        log="ocop.activity.close",
        may=rules.can_manage,
    ),
    Transition(
        "hold",
        gettext_lazy("Mark as held"),
        (ActivityState.PLANNED, ActivityState.OPEN),
        ActivityState.HELD,
        log="ocop.activity.hold",
        may=rules.can_manage,
        step=_has_begun,
    ),
    Transition(
        "cancel",
        gettext_lazy("Cancel the activity"),
        (ActivityState.PLANNED, ActivityState.OPEN),
        ActivityState.CANCELLED,
        log="ocop.activity.cancel",
        may=rules.can_manage,
        needs_reason=True,
        step=_cancel,
        notify=_tell_registrants,
    ),
)
WORKFLOW = Workflow(
    model=Activity,
    states=ActivityState,
    transitions=TRANSITIONS,
    unit=lambda activity: activity.unit,
    illegal=gettext_lazy("An activity that is “%(state)s” cannot be “%(action)s”."),
    forbidden=gettext_lazy("You may not change this activity."),
    reason_missing=gettext_lazy("Say why the activity is cancelled."),
    fields=("updated_at",),
)
available = WORKFLOW.available  # (activity, user) -> the buttons on the activity page


def set_activity_state(*, activity: Activity, action: str, by, reason: str = "") -> Activity:
    """Open or close registration, mark as held, or cancel; or refuse with a
    reason. Cancelling tells the registrants who have an account (once the
    transaction has committed)."""
    return WORKFLOW.apply(obj=activity, action=action, by=by, reason=reason)


# The report after the event ------------------------------------------------------------


@transaction.atomic
def save_report(*, activity: Activity, by, outcome: str) -> Activity:
    """Write (or rewrite) the report after a held activity: its outcome."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not rules.can_manage(by, activity):
        raise PermissionDenied(_("You may not change this activity."))
    if activity.state != ActivityState.HELD:
        raise ValidationError(
            _("The report is written after the event: mark the activity as held first.")
        )
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": [_("Describe the outcome of the activity.")]})
    first = activity.reported_at is None
    activity.outcome = outcome
    activity.reported_at = timezone.now()
    activity.reported_by = by
    activity.save(update_fields=["outcome", "reported_at", "reported_by", "updated_at"])
    log_action(
        action="ocop.activity.reported",
        by=by,
        obj=activity,
        unit=activity.unit,
        data={"first": first, "length": len(outcome)},
    )
    return activity
