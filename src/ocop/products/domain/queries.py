from datetime import date

from django.db.models import Case, Count, F, Q, Value, When
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for
from ocop.core.search import match_order, search
from ocop.products.enums import OcopStatus
from ocop.products.models import Product

PRODUCT_SORTS = {
    "name": ["search_text", "id"],
    "-star": ["-star", "search_text", "id"],
    "certified_until": ["certified_until", "id"],
    "-created": ["-created_at", "-id"],
}


REGISTRY = Role.registry_roles


def products_visible_to(user):
    """Products a person may see, by the same scope as their subjects."""
    scope = scope_for(user)
    return Product.objects.filter(
        scope.q(province="province", commune="commune", subject="subject", roles=REGISTRY)
    ).select_related("subject", "commune", "province", "category")


def filter_products(queryset, *, filters: dict, exhaustive: bool = False):
    """Apply the list filters (cleaned data of ProductListFilter)."""
    if filters.get("province"):
        queryset = queryset.filter(province=filters["province"])
    if filters.get("commune"):
        queryset = queryset.filter(commune=filters["commune"])
    if filters.get("group"):
        queryset = queryset.filter(group_code=filters["group"].code)
    if filters.get("category"):
        queryset = queryset.filter(category=filters["category"])
    if filters.get("star"):
        queryset = queryset.filter(star=filters["star"])
    if filters.get("status"):
        queryset = queryset.filter(status_q(filters["status"], today=filters.get("today")))
    ordering = PRODUCT_SORTS.get(filters.get("sort") or "name")
    if filters.get("q"):
        queryset = search(queryset, filters["q"], exhaustive=exhaustive)
        ordering = match_order(ordering)
    return queryset.order_by(*ordering)


# The OCOP status people are shown. The stored status is kept by the
# certification app (issue, expiry job, revocation); a certified product whose
# validity date has passed reads as expired even before the daily job runs.


def ocop_status(product, *, today: date) -> OcopStatus:
    if (
        product.status == OcopStatus.CERTIFIED
        and product.certified_until is not None
        and product.certified_until < today
    ):
        return OcopStatus.EXPIRED
    return OcopStatus(product.status)


def status_q(status: str, *, today: date | None = None) -> Q:
    """Products whose shown status (``ocop_status``) is ``status``."""
    today = today or timezone.localdate()
    lapsed = Q(status=OcopStatus.CERTIFIED, certified_until__lt=today)
    if status == OcopStatus.CERTIFIED:
        return Q(status=OcopStatus.CERTIFIED) & ~lapsed
    if status == OcopStatus.EXPIRED:
        return Q(status=OcopStatus.EXPIRED) | lapsed
    return Q(status=status)


def count_by_status(queryset, *, today: date):
    """Rows ``{"shown_status": …, "n": number of products}`` (one lazy query)."""
    shown = Case(
        When(
            status=OcopStatus.CERTIFIED,
            certified_until__lt=today,
            then=Value(OcopStatus.EXPIRED.value),
        ),
        default=F("status"),
    )
    return queryset.order_by().values(shown_status=shown).annotate(n=Count("id"))


def product_rows_of_subjects(*, subject_ids):
    """The products of some subjects as dicts (oldest first), with the
    fields a registry list is matched and planned on (ocop.registry)."""
    fields = ["id", "subject_id", "name", "commune_id", "category_id", "status", "star"]
    return (
        Product.objects.filter(subject_id__in=subject_ids)
        .order_by("pk")
        .values(*fields, "certified_until")
    )
