"""Notifications: an in-app inbox entry per person, and an e-mail sent by a
background task once the transaction that caused it has committed."""

from django.db import transaction

from ocop.core.models import Notification
from ocop.core.tasks import send_notification_emails


def notify(*, users, text: str, url: str = "", email: bool = True) -> list[Notification]:
    """Tell ``users`` (accounts, duplicates ignored) that something awaits them."""
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, text=text[:500], url=url[:300]))
    created = Notification.objects.bulk_create(rows)
    if email and created:
        ids = [n.pk for n in created if n.pk is not None] or list(
            Notification.objects.filter(
                user_id__in=seen, text=text[:500], emailed=False
            ).values_list("pk", flat=True)
        )
        transaction.on_commit(lambda: _enqueue(ids))
    return created


def _enqueue(ids: list[int]) -> None:
    send_notification_emails.enqueue(ids)


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
