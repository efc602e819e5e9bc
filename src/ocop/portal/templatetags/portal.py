from django import template
from django.utils import translation

from .. import seo

register = template.Library()


@register.filter
def product_url(product) -> str:
    return seo.product_path(product)


@register.filter
def producer_url(subject) -> str:
    return seo.producer_path(subject)


@register.filter
def stars(value) -> str:
    return "★" * int(value or 0)


@register.filter
def category_name(category) -> str:
    """The category's name in the page's language (English when there is one)."""
    if category is None:
        return ""
    if translation.get_language() == "en" and category.name_en:
        return category.name_en
    return category.name
