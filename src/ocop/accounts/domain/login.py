"""Throttling of failed logins, shared by all web processes (kept in the database)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ocop.accounts.models import LoginFailure
from ocop.core.text import fold_vi


def _key(username: str) -> str:
    return fold_vi(username or "")[:254]


def _window_start():
    return timezone.now() - timedelta(minutes=settings.OCOP_LOGIN_LOCKOUT_MINUTES)


def is_locked_out(*, username: str, ip_address: str | None) -> bool:
    """Too many recent failures for this account, or (four times as many) from this address."""
    since = _window_start()
    limit = settings.OCOP_LOGIN_MAX_FAILURES
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(username=_key(username)).count() >= limit:
        return True
    return bool(ip_address) and recent.filter(ip_address=ip_address).count() >= limit * 4


def record_failure(*, username: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(username=_key(username), ip_address=ip_address or None)


def clear_failures(*, username: str) -> None:
    LoginFailure.objects.filter(username=_key(username)).delete()


def prune_failures() -> int:
    deleted, _ = LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()
    return deleted
