"""Background tasks of core (run by ``manage.py db_worker`` in production)."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task

from ocop.core.models import Notification


@task
def send_notification_emails(ids: list[int]) -> int:
    """E-mail each notification to its person (once); returns how many were sent."""
    sent = 0
    rows = Notification.objects.filter(pk__in=ids, emailed=False).select_related("user")
    for notification in rows:
        user = notification.user
        if not user.email:
            continue
        link = f"{settings.SITE_URL.rstrip('/')}{notification.url}" if notification.url else ""
        send_mail(
            subject=f"Nền tảng OCOP: {notification.text[:120]}",
            message=f"{notification.text}\n\n{link}\n",
            from_email=None,
            recipient_list=[user.email],
        )
        Notification.objects.filter(pk=notification.pk).update(emailed=True)
        sent += 1
    return sent
