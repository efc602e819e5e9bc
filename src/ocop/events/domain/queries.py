"""Reads of activities, registrations, distributions and support, scoped to the user."""

from django.db.models import Count, Exists, OuterRef, Q, Sum

from ocop.accounts.rules import EVERYTHING, scope_for
from ocop.geo.models import AdminUnit

from ..enums import ActivityState, MaterialKind, RegistrationState
from ..models import Activity, MaterialDistribution, Registration, Support
from ..rules import READER_ROLES


def _reader_q(user, *, province: str, commune: str) -> Q:
    """Records of the reader's scope, plus those of the provinces of a
    commune officer's communes (they see the province's own activities)."""
    scope = scope_for(user)
    if scope.is_national(READER_ROLES):
        return EVERYTHING
    condition = scope.q(province=province, commune=commune, roles=READER_ROLES)
    communes = scope.commune_ids(READER_ROLES)
    if communes:
        provinces = AdminUnit.objects.filter(pk__in=sorted(communes)).values("province_id")
        condition |= Q(**{f"{province}__in": provinces, f"{commune}__isnull": True})
    return condition


def activities_visible_to(user):
    """Activities a person may open: public ones, the centre's and their
    scope's (officers), and those they are registered for."""
    condition = Q(is_public=True)
    if user is not None and user.is_authenticated:
        scope = scope_for(user)
        if scope.roles.intersection(READER_ROLES):
            condition |= Q(province__isnull=True) | _reader_q(
                user, province="province", commune="commune"
            )
        condition |= Exists(Registration.objects.filter(activity=OuterRef("pk"), user=user))
    return Activity.objects.filter(condition).select_related("province", "commune")


def activities_of_scope(user):
    """The officer's list: activities of their scope and of the centre (not
    other provinces' public ones)."""
    if not scope_for(user).roles.intersection(READER_ROLES):
        return Activity.objects.none()
    return Activity.objects.filter(
        Q(province__isnull=True) | _reader_q(user, province="province", commune="commune")
    ).select_related("province", "commune")


def public_calendar(*, today):
    """Upcoming public activities that are planned or open for registration."""
    return (
        Activity.objects.filter(
            is_public=True,
            state__in=(ActivityState.PLANNED, ActivityState.OPEN),
            ends_on__gte=today,
        )
        .select_related("province", "commune")
        .prefetch_related("topics")
        .order_by("starts_on", "start_time", "id")
    )


def distributions_visible_to(user):
    if not scope_for(user).roles.intersection(READER_ROLES):
        return MaterialDistribution.objects.none()
    return MaterialDistribution.objects.filter(
        _reader_q(user, province="province", commune="commune")
    ).select_related("province", "commune", "activity")


def distribution_totals(distributions) -> list[dict]:
    """Quantity, number of records and value by kind of material (one query),
    each row with its ``label``."""
    totals = list(
        distributions.order_by("kind")
        .values("kind")
        .annotate(quantity=Sum("quantity"), records=Count("id"), value=Sum("value"))
    )
    labels = dict(MaterialKind.choices)
    for row in totals:
        row["label"] = labels.get(row["kind"], row["kind"])
    return totals


def supports_visible_to(user):
    """Support records of subjects the person may see (officers of the
    subject's unit, the subject's own people)."""
    from ocop.producers.domain.queries import subjects_visible_to  # noqa: PLC0415 -- leaf

    return Support.objects.filter(
        subject__in=subjects_visible_to(user).values("pk")
    ).select_related("subject", "product", "activity")


# Counting and filtering registrations ---------------------------------------------------

_REGISTERED = Q(registrations__state=RegistrationState.REGISTERED)
_ATTENDED = _REGISTERED & Q(registrations__checked_in_at__isnull=False)


def with_registration_counts(activities):
    """Activities annotated with ``registered_count`` (standing registrations)
    and ``attended_count`` (of those, checked in), in the list's one query."""
    return activities.annotate(
        registered_count=Count("registrations", filter=_REGISTERED, distinct=True),
        attended_count=Count("registrations", filter=_ATTENDED, distinct=True),
    )


def registration_counts(activity) -> dict[str, int]:
    """``registered``, ``attended`` and ``cancelled`` of one activity, in one query."""
    registered = Q(state=RegistrationState.REGISTERED)
    return activity.registrations.aggregate(
        registered=Count("pk", filter=registered),
        attended=Count("pk", filter=registered & Q(checked_in_at__isnull=False)),
        cancelled=Count("pk", filter=Q(state=RegistrationState.CANCELLED)),
    )


def places_left(activity, *, registered: int) -> int | None:
    """Places still free (None: no limit)."""
    if activity.capacity is None:
        return None
    return max(activity.capacity - registered, 0)


def filter_registrations(rows, *, show: str = "", query: str = ""):
    """The participant list's filter: ``attended``, ``absent``, ``cancelled``,
    ``all``, or (by default) the standing registrations; ``query`` searches
    name, phone, organisation and subject."""
    query = query.strip()
    if query:
        rows = rows.filter(
            Q(full_name__icontains=query)
            | Q(phone__icontains=query)
            | Q(organisation__icontains=query)
            | Q(subject__name__icontains=query)
        )
    standing = Q(state=RegistrationState.REGISTERED)
    conditions = {
        "attended": standing & Q(checked_in_at__isnull=False),
        "absent": standing & Q(checked_in_at__isnull=True),
        "cancelled": Q(state=RegistrationState.CANCELLED),
        "all": Q(),
    }
    return rows.filter(conditions.get(show, standing))


def my_registrations(user):
    """The person's own registrations (``events:mine``), newest activity first."""
    return (
        Registration.objects.filter(user=user)
        .select_related("activity", "subject")
        .order_by("-activity__starts_on", "-pk")
    )


def upcoming_registrations(user, *, today):
    """The person's standing registrations for activities that have not
    started and are not cancelled (``events:mine?upcoming=1``)."""
    return my_registrations(user).filter(
        state=RegistrationState.REGISTERED,
        activity__starts_on__gte=today,
        activity__state__in=[ActivityState.PLANNED, ActivityState.OPEN],
    )
