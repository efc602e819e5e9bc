"""One-time tokens of invitation links: only the SHA-256 is stored."""

import hashlib
import secrets

from django.conf import settings
from django.urls import reverse


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and its hash."""
    token = secrets.token_urlsafe(24)
    return token, hash_token(token)


def accept_url(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:invitation_accept", args=[token])
