"""Periodic jobs of the cycles app: deadline reminders and overdue marks."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation

from ocop.core.periodic import periodic_job
from ocop.cycles.domain.deadlines import run_reminders


@periodic_job(minimum_interval=timedelta(hours=1))
def send_deadline_reminders():
    # Notifications are stored in the site's language (Vietnamese), whatever
    # language the command happens to run in.
    with translation.override(settings.LANGUAGE_CODE):
        return run_reminders(today=timezone.localdate())
