"""Reads of activities, registrations, distributions and support, scoped to the user."""

from django.db.models import Exists, OuterRef, Q

from ocop.accounts.rules import scope_for
from ocop.geo.models import AdminUnit

from ..enums import ActivityState
from ..models import Activity, MaterialDistribution, Registration, Support
from ..rules import READER_ROLES


def _reader_q(user, *, province: str, commune: str) -> Q:
    """Records of the reader's scope, plus those of the provinces of a
    commune officer's communes (they see the province's own activities)."""
    scope = scope_for(user)
    if scope.is_national(READER_ROLES):
        return Q()
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
        .order_by("starts_on", "id")
    )


def distributions_visible_to(user):
    if not scope_for(user).roles.intersection(READER_ROLES):
        return MaterialDistribution.objects.none()
    return MaterialDistribution.objects.filter(
        _reader_q(user, province="province", commune="commune")
    ).select_related("province", "commune", "activity")


def supports_visible_to(user):
    """Support records of subjects the person may see (officers of the
    subject's unit, the subject's own people)."""
    from ocop.producers.domain.queries import subjects_visible_to  # noqa: PLC0415 -- leaf

    return Support.objects.filter(
        subject__in=subjects_visible_to(user).values("pk")
    ).select_related("subject", "product", "activity")
