from django import template

from ocop.trade.domain.countries import country_name as _country_name

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    """The country's name in the active language."""
    return _country_name(code)
