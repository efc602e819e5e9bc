"""Personal API tokens (``models.ApiToken``).

A person makes a token for themselves (``create_api_token``), chooses which
of their active roles it carries and whether it may write, and gets the
secret once; only its SHA-256 is stored. Each call of the API with the
token (``token_for_secret``) acts with the person's roles *at that moment*
narrowed to the token's (``rules.narrowed``): a role given up or expired
since is gone from the token too. Every call is recorded (``record_use``);
a token is revoked by its owner (``revoke_api_token``) and stops at once.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts import rules
from ocop.accounts.models import ApiToken, ApiTokenUse
from ocop.accounts.tokens import hash_token
from ocop.core.domain.activity import log_action

PREFIX = "ocop_"
SHOWN_PREFIX_LENGTH = 12


def max_days() -> int:
    return settings.OCOP_API_TOKEN_MAX_DAYS


@transaction.atomic
def create_api_token(
    *, user, name: str, days: int, roles: list[str], can_write: bool = False
) -> tuple[ApiToken, str]:
    """A new token of ``user`` and its secret (shown once, never stored)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the token a name, so you can tell your tokens apart."))
    if not 1 <= days <= max_days():
        raise ValidationError(_("A token is valid for 1 to %(max)d days.") % {"max": max_days()})
    held = rules.scope_for(user).roles
    chosen = sorted(set(roles))
    if not chosen:
        raise ValidationError(_("Choose at least one of your roles for the token."))
    wider = [r for r in chosen if r not in held]
    if wider:
        raise PermissionDenied(_("A token cannot carry a role you do not hold."))
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        token_hash=hash_token(secret),
        roles=chosen,
        can_write=can_write,
        expires_at=timezone.now() + timedelta(days=days),
    )
    log_action(
        action="ocop.api_token.created",
        by=user,
        obj=token,
        data={"name": token.name, "roles": chosen, "can_write": can_write, "days": days},
    )
    return token, secret


@transaction.atomic
def revoke_api_token(*, token: ApiToken, by) -> ApiToken:
    """The owner revokes their token; it stops working at once."""
    if token.user_id != by.pk:
        raise PermissionDenied(_("Only the token's owner may revoke it."))
    if token.revoked_at is not None:
        raise ValidationError(_("This token is already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    log_action(action="ocop.api_token.revoked", by=by, obj=token, data={"name": token.name})
    return token


def token_for_secret(secret: str) -> ApiToken | None:
    """The usable token with this secret (its person active), with the
    person's scope narrowed to the token's roles; None otherwise."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    user = token.user
    user._ocop_scope = rules.narrowed(rules.scope_for(user), token.roles)
    user.api_token = token
    return token


def record_use(*, token: ApiToken, method: str, path: str, status: int, client: str = "") -> None:
    now = timezone.now()
    ApiTokenUse.objects.create(
        token=token, at=now, method=method[:10], path=path[:300], status=status, client=client[:64]
    )
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def tokens_of(user):
    return ApiToken.objects.filter(user=user)


def recent_uses(token: ApiToken, limit: int = 20):
    return ApiTokenUse.objects.filter(token=token).order_by("-at", "-id")[:limit]
