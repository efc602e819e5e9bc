"""``{% fig figure %}``: a dashboard number as a link to the list it counts
(a plain 0 when the statistics layer has no cell). A tag, not an include:
a national dashboard shows a few hundred numbers."""

from functools import cache
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ocop.core.templatetags.ocop import num

register = template.Library()


@cache
def _list_url(name: str) -> str:
    return reverse(name)


def _url(figure) -> str:
    """``figure.url`` without a ``reverse()`` per number."""
    base = _list_url(figure.list_name)
    return f"{base}?{urlencode(figure.params)}" if figure.params else base


@register.simple_tag
def fig(figure, label=""):
    if figure is None:
        return mark_safe("<span data-zero>0</span>")
    shown = num(figure.value)
    if label:
        return format_html(
            '<a href="{}" data-figure="{}" aria-label="{}: {}">{}</a>',
            _url(figure),
            figure.value,
            label,
            shown,
            shown,
        )
    return format_html('<a href="{}" data-figure="{}">{}</a>', _url(figure), figure.value, shown)
