from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for
from ocop.producers.models import EXPIRING_DAYS, EvidenceDocument, Subject

REGISTRY = Role.registry_roles


def subjects_visible_to(user):
    """Subjects a person may see: their own (producers, consultants), their
    commune or province (officers), everything (central office)."""
    scope = scope_for(user)
    return Subject.objects.filter(
        scope.q(province="province", commune="commune", subject="pk", roles=REGISTRY)
    ).select_related("commune", "province")


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


def filter_subjects(queryset, *, filters: dict):
    from ocop.core.search import match_order, search  # noqa: PLC0415 -- leaf

    if filters.get("province"):
        queryset = queryset.filter(province=filters["province"])
    if filters.get("commune"):
        queryset = queryset.filter(commune=filters["commune"])
    if filters.get("legal_form"):
        queryset = queryset.filter(legal_form=filters["legal_form"])
    ordering = SUBJECT_SORTS.get(filters.get("sort") or "name")
    if filters.get("q"):
        queryset = search(queryset, filters["q"])
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
