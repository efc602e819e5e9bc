from django import template

from ocop.core.qr import qr_svg_data_uri

register = template.Library()


@register.simple_tag
def qr_data_uri(data: str, scale: int = 4) -> str:
    """A QR code as an SVG data URI for ``<img src>`` (pages and PDFs)."""
    return qr_svg_data_uri(data, scale=scale)
