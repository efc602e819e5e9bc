"""Throttling of failed logins and of password-reset requests, shared by all
web processes (kept in the database).

Failures count against the **account**, whatever identifier was typed: five
wrong passwords typed as the username and five more typed as the e-mail
address are ten against the same account. An identifier that names no account
is counted as typed (so probing unknown names is throttled too)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ocop.accounts.domain.queries import account_by_login
from ocop.accounts.models import LoginFailure, PasswordResetRequest
from ocop.core.text import fold_vi


def _key(username: str) -> str:
    """The throttling key of a typed identifier: its account's username when
    it names one (by username or e-mail), else the identifier itself."""
    account = account_by_login(username) if username else None
    return fold_vi(account.username if account else (username or ""))[:254]


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
    day_ago = timezone.now() - timedelta(days=1)
    deleted, _ = LoginFailure.objects.filter(at__lt=day_ago).delete()
    resets, _ = PasswordResetRequest.objects.filter(at__lt=day_ago).delete()
    return deleted + resets


def password_reset_refusal(*, email: str, ip_address: str | None) -> str | None:
    """Why a password-reset request must wait (``"email"``: this address asked
    too often; ``"client"``: this client did), or None; the request is then
    counted. Unknown addresses count like known ones, so the answer never tells
    whether an account exists."""
    since = timezone.now() - timedelta(hours=1)
    recent = PasswordResetRequest.objects.filter(at__gte=since)
    email_key = fold_vi(email)[:254]
    if recent.filter(email=email_key).count() >= settings.OCOP_PASSWORD_RESET_PER_EMAIL_HOUR:
        return "email"
    if (
        ip_address
        and recent.filter(ip_address=ip_address).count()
        >= settings.OCOP_PASSWORD_RESET_PER_CLIENT_HOUR
    ):
        return "client"
    PasswordResetRequest.objects.create(email=email_key, ip_address=ip_address or None)
    return None
