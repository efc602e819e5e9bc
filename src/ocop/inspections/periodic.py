"""Periodic jobs of the inspections app: clone detection over the stamps' scan log."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation

from ocop.core.periodic import periodic_job

from .domain.clones import flag_many_clients
from .domain.visits import remind_overdue_actions


@periodic_job(minimum_interval=timedelta(minutes=15))
def flag_stamps_scanned_by_many_clients():
    # Flag reasons and notifications are written in the site's language
    # (the domain function overrides it).
    return flag_many_clients()


@periodic_job(minimum_interval=timedelta(hours=6))
def remind_overdue_corrective_actions():
    """Once per corrective action and deadline: the deadline passed, a re-visit is due."""
    with translation.override(settings.LANGUAGE_CODE):
        return remind_overdue_actions(today=timezone.localdate())
