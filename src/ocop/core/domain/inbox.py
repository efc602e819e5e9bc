"""The in-app inbox: a person's notifications, and marking them read."""

from django.utils import timezone

from ocop.core.models import Notification


def notifications_for(user):
    """The user's notifications, newest first."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def mark_all_read(*, by) -> int:
    """Mark every unread notification of ``by`` read; returns how many."""
    return Notification.objects.filter(user=by, read_at__isnull=True).update(read_at=timezone.now())
