from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for
from ocop.core.search import search
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


def filter_products(queryset, *, filters: dict):
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
        queryset = queryset.filter(status=filters["status"])
    if filters.get("q"):
        queryset = search(queryset, filters["q"])
    return queryset.order_by(*PRODUCT_SORTS.get(filters.get("sort") or "name"))
