"""Strings that Django itself shows but whose Vietnamese translation is missing
from Django's own catalogue; listed here so that ours provides it."""

from django.utils.translation import gettext_lazy as _

DJANGO_GAPS = [
    _("- Select an option -"),  # django.db.models.fields.BLANK_CHOICE_LABEL (Django 6.1)
]
