"""Background tasks of core (run by ``manage.py db_worker`` in production)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task

from ocop.core.jobs import SOON
from ocop.core.models import Notification
from ocop.core.text import one_line

logger = logging.getLogger(__name__)


@task(priority=SOON)
def send_notification_emails(ids: list[int]) -> int:
    """E-mail each notification to its person (once); returns how many were sent.
    One e-mail that fails (a bad address, a refused header) is logged and
    skipped: it never stops the others, and it is tried again next time."""
    sent = 0
    rows = Notification.objects.filter(pk__in=ids, emailed=False).select_related("user")
    for notification in rows:
        user = notification.user
        if not user.email:
            continue
        link = f"{settings.SITE_URL.rstrip('/')}{notification.url}" if notification.url else ""
        try:
            send_mail(
                subject=one_line(f"Nền tảng OCOP: {notification.text}")[:160],
                message=f"{notification.text}\n\n{link}\n",
                from_email=None,
                recipient_list=[user.email],
            )
        except Exception:
            logger.exception("notification e-mail %s to user %s failed", notification.pk, user.pk)
            continue
        Notification.objects.filter(pk=notification.pk).update(emailed=True)
        sent += 1
    return sent
