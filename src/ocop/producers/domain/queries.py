from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for
from ocop.geo.domain.queries import current_provinces
from ocop.geo.models import AdminUnit
from ocop.producers.models import EXPIRING_DAYS, EvidenceDocument, Subject

REGISTRY = Role.registry_roles


def subjects_visible_to(user):
    """Subjects a person may see: their own (producers, consultants), their
    commune or province (officers), everything (central office)."""
    scope = scope_for(user)
    return Subject.objects.filter(
        scope.q(province="province", commune="commune", subject="pk", roles=REGISTRY)
    ).select_related("commune", "province")


def provinces_in_scope(user):
    """The current provinces a person's lists can hold, for the choices of a
    province filter: all of them for the central office, otherwise the
    provinces of their own provinces, communes and subjects."""
    provinces = current_provinces()
    scope = scope_for(user)
    if scope.is_national(REGISTRY):
        return provinces
    communes = AdminUnit.objects.filter(pk__in=sorted(scope.commune_ids(REGISTRY)))
    subjects = Subject.objects.filter(pk__in=sorted(scope.subject_ids(REGISTRY)))
    return provinces.filter(
        Q(pk__in=sorted(scope.province_ids(REGISTRY)))
        | Q(pk__in=communes.values("province_id"))
        | Q(pk__in=subjects.values("province_id"))
    )


def home_commune(user) -> AdminUnit | None:
    """The commune a commune officer works in, to start their forms with:
    only when their whole scope is that one commune."""
    scope = scope_for(user)
    if scope.is_national() or scope.province_ids() or scope.subject_ids():
        return None
    communes = scope.commune_ids()
    if len(communes) != 1:
        return None
    return AdminUnit.objects.filter(pk=next(iter(communes))).first()


def documents_visible_to(user):
    scope = scope_for(user)
    return EvidenceDocument.objects.filter(
        scope.q(
            province="subject__province",
            commune="subject__commune",
            subject="subject",
            roles=REGISTRY,
        )
    ).select_related("subject", "product")


def document_flags(subject_ids, *, today=None) -> dict[int, dict[str, int]]:
    """Expired / soon-to-expire document counts for some subjects (one query,
    run on the page being shown rather than on the whole list)."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=EXPIRING_DAYS)
    rows = (
        EvidenceDocument.objects.filter(subject_id__in=list(subject_ids), expires_on__lte=soon)
        .values("subject_id")
        .annotate(
            expired=Count("id", filter=Q(expires_on__lt=today)),
            expiring=Count("id", filter=Q(expires_on__gte=today)),
        )
    )
    return {r["subject_id"]: {"expired": r["expired"], "expiring": r["expiring"]} for r in rows}


SUBJECT_SORTS = {"name": ["search_text", "id"], "-created": ["-created_at", "-id"]}


def registered_by_q(day) -> Q:
    """Subjects recorded on or before ``day`` (the local date)."""
    return Q(created_at__date__lte=day)


def filter_subjects(queryset, *, filters: dict, exhaustive: bool = False):
    from ocop.core.search import match_order, search  # noqa: PLC0415 -- leaf

    if filters.get("province"):
        queryset = queryset.filter(province=filters["province"])
    if filters.get("commune"):
        queryset = queryset.filter(commune=filters["commune"])
    if filters.get("legal_form"):
        queryset = queryset.filter(legal_form=filters["legal_form"])
    if filters.get("led_by_woman"):
        queryset = queryset.filter(led_by_woman=True)
    if filters.get("ethnic_minority"):
        queryset = queryset.filter(ethnic_minority=True)
    if filters.get("on"):
        queryset = queryset.filter(registered_by_q(filters["on"]))
    ordering = SUBJECT_SORTS.get(filters.get("sort") or "name")
    if filters.get("q"):
        queryset = search(queryset, filters["q"], exhaustive=exhaustive)
        ordering = match_order(ordering)
    return queryset.order_by(*ordering)


# The columns a registry list is matched on (ocop.registry).
SUBJECT_MATCH_FIELDS = (
    "id",
    "name",
    "registration_number",
    "legal_form",
    "commune_id",
    "province_id",
    "address",
    "legacy_address",
)


def subject_rows_matching(*, registration_numbers, name_keys_by_province: dict):
    """Subjects (as dicts of ``SUBJECT_MATCH_FIELDS``, oldest first) with one of
    the registration numbers, or one of the folded names in a province
    ({province id: {name_key, …}})."""
    condition = (
        Q(registration_number__in=sorted(registration_numbers))
        if registration_numbers
        else Q(pk__in=[])
    )
    for province_id, keys in name_keys_by_province.items():
        condition |= Q(province_id=province_id, name_key__in=sorted(keys))
    return Subject.objects.filter(condition).order_by("pk").values(*SUBJECT_MATCH_FIELDS)
