from django import template

from ocop.trade.domain.countries import country_name as _country_name
from ocop.trade.selectors import inquiry_url_for_subject, public_trade_for_product

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    """The country's name in the active language."""
    return _country_name(code)


@register.simple_tag
def public_trade(product):
    """``{% public_trade product as trade %}``: where to buy ``product``
    (``trade.selectors.PublicTrade``), for the public product page."""
    return public_trade_for_product(product)


@register.simple_tag
def subject_inquiry_url(subject) -> str:
    """``{% subject_inquiry_url subject as url %}``: the producer's inquiry form, or ""."""
    return inquiry_url_for_subject(subject)
