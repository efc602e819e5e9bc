from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import number_format

from ocop.core.qr import qr_svg_data_uri
from ocop.core.scores import PLACES, score_floor

register = template.Library()


@register.simple_tag
def qr_data_uri(data: str, scale: int = 4) -> str:
    """A QR code as an SVG data URI for ``<img src>`` (pages and PDFs)."""
    return qr_svg_data_uri(data, scale=scale)


@register.filter
def score(value, places: int = PLACES) -> str:
    """A score with two decimals, truncated (never rounded up across a star
    band: 89.9966… shows "89,99"), localised like ``floatformat``."""
    value = score_floor(value, int(places))
    if value is None:
        return ""
    return floatformat(value, int(places))


class Count(int):
    """A whole number that prints with the language's thousands separator
    ("2.000" in Vietnamese, "2,000" in English) wherever it is shown, also as
    the ``count`` of a ``{% blocktranslate %}``, which needs a number."""

    def __str__(self) -> str:
        return number_format(int(self), force_grouping=True)


@register.filter(is_safe=True)
def num(value):
    """A count or quantity for people to read: ``{{ batch.quantity|num }}``.
    Never for years, codes, serials or ids (they are not quantities)."""
    if isinstance(value, bool) or value is None or value == "":
        return value
    if isinstance(value, int):
        return Count(value)
    if isinstance(value, (Decimal, float)):
        return number_format(value, force_grouping=True)
    return value
