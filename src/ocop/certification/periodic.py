"""Periodic jobs of certification, run daily by ``manage.py run_periodic``:
mark lapsed certificates (and their products) expired, and tell subjects
before their certificates expire. Both are idempotent."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation

from ocop.core.periodic import periodic_job

from .domain.certificates import expire_due, notify_expiring

# Daily; a little under 24 hours so that a timer firing a few seconds early
# does not skip a day.
DAILY = timedelta(hours=23)


@periodic_job(minimum_interval=DAILY)
def expire_certificates():
    return expire_due(today=timezone.localdate()).as_dict()


@periodic_job(minimum_interval=DAILY)
def send_expiry_notices():
    # Notifications are stored in the site's language (Vietnamese).
    with translation.override(settings.LANGUAGE_CODE):
        return notify_expiring(today=timezone.localdate())
