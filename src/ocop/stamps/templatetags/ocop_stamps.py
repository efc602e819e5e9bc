"""Stamp facts on other apps' pages (the product page)."""

from django import template

from ocop.products.enums import OcopStatus

from ..domain.queries import batches_visible_to
from ..rules import can_request

register = template.Library()


@register.simple_tag
def stamp_batches_of(product, user, limit: int = 20):
    """The product's stamp batches this person may see, newest first."""
    return list(batches_visible_to(user).filter(product=product).order_by("-requested_at")[:limit])


@register.filter
def may_request_stamps(product, user) -> bool:
    return product.status == OcopStatus.CERTIFIED and can_request(user, product)
