"""Template helpers of the registry import/export, for the list pages of the
apps below it (which do not import this app)."""

from django import template

from ocop.registry.rules import can_import

register = template.Library()


@register.filter
def may_import(user) -> bool:
    """``{% if request.user|may_import %}``: the "Import from Excel" button."""
    return can_import(user)
