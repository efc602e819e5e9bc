"""Periodic jobs of the portal: the catalogue's counts after midnight (the
products whose certificate ended yesterday leave them) and whenever a
background rebuild was missed."""

from datetime import timedelta

from django.utils import timezone

from ocop.core.periodic import periodic_job

from . import cache
from .domain.summary import is_current, refresh


@periodic_job(minimum_interval=timedelta(minutes=5))
def refresh_catalogue_summary_due():
    if is_current(today=timezone.localdate()):
        return "current"
    refresh()
    cache.bump()
    return "rebuilt"
