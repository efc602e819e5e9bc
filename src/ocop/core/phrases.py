"""Strings that Django itself shows but whose Vietnamese translation is missing
from Django's own catalogue; listed here so that ours provides it."""

from django.utils.translation import gettext_lazy as _

DJANGO_GAPS = [
    _("- Select an option -"),  # django.db.models.fields.BLANK_CHOICE_LABEL (Django 6.1)
]

# How each activity-log action reads in the history shown to officers.
ACTION_LABELS = {
    "ocop.account.created": _("account created"),
    "ocop.account.password_link_sent": _("password e-mail sent"),
    "ocop.account.role_assigned": _("role given"),
    "ocop.document.added": _("document added"),
    "ocop.import.applied": _("Excel list imported"),
    "ocop.product.changed": _("product changed"),
    "ocop.product.created": _("product registered"),
    "ocop.product.image_added": _("photo added"),
    "ocop.subject.changed": _("subject changed"),
    "ocop.subject.consultant_authorised": _("consultant authorised"),
    "ocop.subject.created": _("subject registered"),
}
