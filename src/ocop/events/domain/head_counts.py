"""Head counts: attendances that were counted but not named, per participant
group. Reports add them to the named attendances."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ocop.core.domain.activity import log_action

from .. import rules
from ..enums import ActivityState, Audience
from ..models import Activity, HeadCount

MAX_COUNT = 1_000_000


def current_counts(activity: Activity) -> dict[str, int]:
    return dict(activity.head_counts.values_list("audience", "count"))


def _clean(counts: dict) -> dict[str, int]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, int] = {}
    for audience, value in counts.items():
        if audience not in Audience.values:
            errors.setdefault("__all__", []).append(
                _("Unknown participant group: %(g)s.") % {"g": audience}
            )
            continue
        if value is None or value == "":
            value = 0
        if isinstance(value, bool) or not isinstance(value, int | str):
            errors[audience] = [_("Give a whole number of attendances (0 or more).")]
            continue
        try:
            number = int(str(value).strip())
        except ValueError:
            errors[audience] = [_("Give a whole number of attendances (0 or more).")]
            continue
        if number < 0:
            errors[audience] = [_("A number of attendances cannot be negative.")]
        elif number > MAX_COUNT:
            errors[audience] = [_("This number is too large.")]
        else:
            cleaned[audience] = number
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def set_head_counts(*, activity: Activity, by, counts: dict[str, int]) -> dict[str, int]:
    """Set the counted attendances of the groups given (0 removes a group's
    count); the groups not given are left as they are. Returns all counts."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not rules.can_manage(by, activity):
        raise PermissionDenied(_("You may not change this activity."))
    if activity.state == ActivityState.CANCELLED:
        raise ValidationError(_("A cancelled activity has no attendances."))
    if timezone.localdate() < activity.starts_on:
        raise ValidationError(
            _("Attendances can be counted from the first day of the activity (%(date)s).")
            % {"date": date_format(activity.starts_on, "SHORT_DATE_FORMAT")}
        )
    cleaned = _clean(counts)
    before = current_counts(activity)
    for audience, number in cleaned.items():
        if number == 0:
            HeadCount.objects.filter(activity=activity, audience=audience).delete()
        else:
            HeadCount.objects.update_or_create(
                activity=activity,
                audience=audience,
                defaults={"count": number, "recorded_by": by},
            )
    after = current_counts(activity)
    if after != before:
        log_action(
            action="ocop.activity.head_counts",
            by=by,
            obj=activity,
            unit=activity.unit,
            data={"before": before, "counts": after},
        )
    return after
