from ocop.accounts.rules import scope_for
from ocop.products.models import Product


def products_visible_to(user):
    """Products a person may see, by the same scope as their subjects."""
    scope = scope_for(user)
    return Product.objects.filter(
        scope.q(province="province", commune="commune", subject="subject")
    ).select_related("subject", "commune", "province")
