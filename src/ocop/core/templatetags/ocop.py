from django import template
from django.template.defaultfilters import floatformat

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
