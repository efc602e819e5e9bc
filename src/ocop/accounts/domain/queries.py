"""Reads for accounts, always filtered by what the reader may see."""

from django.db.models import Exists, OuterRef

from ocop.accounts.enums import Role
from ocop.accounts.models import RoleAssignment, User
from ocop.accounts.rules import scope_for


def accounts_visible_to(user):
    """Accounts a person may see: all for a central administrator; for a
    provincial administrator, the accounts holding a role inside their province."""
    scope = scope_for(user)
    qs = User.objects.select_related("organisation")
    if scope.is_national((Role.CENTRAL_ADMIN,)):
        return qs
    if Role.PROVINCE_ADMIN not in scope.roles:
        return qs.filter(pk=user.pk)
    in_scope = RoleAssignment.objects.filter(user=OuterRef("pk")).filter(
        scope.q(province="unit__province", roles=(Role.PROVINCE_ADMIN,))
        | scope.q(province="subject__province", roles=(Role.PROVINCE_ADMIN,))
    )
    return qs.filter(Exists(in_scope))


def active_assignments(user):
    return (
        RoleAssignment.objects.active()
        .filter(user=user)
        .select_related("unit", "unit__parent", "subject")
        .order_by("role")
    )


def account_by_login(login: str) -> User | None:
    """The account a person means by a username or an e-mail address
    (case-insensitive; an e-mail shared by two accounts matches neither)."""
    login = (login or "").strip()
    if not login:
        return None
    if "@" in login:
        candidates = list(User.objects.filter(email__iexact=login)[:2])
        return candidates[0] if len(candidates) == 1 else None
    return User.objects.filter(username__iexact=login).first()
