"""Creating accounts and giving roles: always checked against the acting
administrator's scope, always logged."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.accounts.enums import ROLE_SCOPE, Role, ScopeKind
from ocop.accounts.models import RoleAssignment, User
from ocop.accounts.rules import can_assign_role, forget_scope
from ocop.core.domain.activity import log_action
from ocop.geo.enums import Level


def validate_role_scope(*, role: str, unit=None, subject=None) -> None:
    """The scope must match what the role needs (ROLE_SCOPE)."""
    kind = ROLE_SCOPE[Role(role)]
    if kind == ScopeKind.SUBJECT and subject is None:
        raise ValidationError(_("This role needs a subject."))
    if kind == ScopeKind.NATIONAL and (unit is not None or subject is not None):
        raise ValidationError(_("A central role covers the whole country: leave the unit empty."))
    if kind in (ScopeKind.COMMUNE, ScopeKind.PROVINCE):
        if unit is None:
            raise ValidationError(_("This role needs an administrative unit."))
        if not unit.is_current:
            raise ValidationError(_("Choose a unit in force since 1 July 2025."))
        expected = Level.COMMUNE if kind == ScopeKind.COMMUNE else Level.PROVINCE
        if unit.level != expected:
            if expected == Level.COMMUNE:
                raise ValidationError(_("This role needs a commune or ward."))
            raise ValidationError(_("This role needs a province."))


@transaction.atomic
def assign_role(
    *,
    by,
    user: User,
    role: str,
    unit=None,
    subject=None,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> RoleAssignment:
    validate_role_scope(role=role, unit=unit, subject=subject)
    if by is not None and not can_assign_role(by, role=role, unit=unit, subject=subject):
        raise PermissionDenied(_("You may not give this role in this unit."))
    assignment = RoleAssignment(user=user, role=role, unit=unit, subject=subject, created_by=by)
    if valid_from is not None:
        assignment.valid_from = valid_from
    assignment.valid_to = valid_to
    assignment.full_clean()
    assignment.save()
    forget_scope(user)
    log_action(
        action="ocop.account.role_assigned",
        by=by,
        obj=user,
        unit=unit or (subject.commune if subject else None),
        data={
            "role": role,
            "unit": unit.code if unit else None,
            "subject": subject.pk if subject else None,
            "valid_from": assignment.valid_from.isoformat(),
            "valid_to": valid_to.isoformat() if valid_to else None,
        },
    )
    return assignment


@transaction.atomic
def create_account(
    *,
    by,
    username: str,
    email: str = "",
    full_name: str = "",
    password: str | None = None,
    role: str,
    unit=None,
    subject=None,
    organisation=None,
    valid_to: date | None = None,
) -> User:
    """Create an account with its first role. Refused (nothing saved) when the
    acting administrator may not give that role in that unit."""
    validate_role_scope(role=role, unit=unit, subject=subject)
    if by is not None and not can_assign_role(by, role=role, unit=unit, subject=subject):
        raise PermissionDenied(_("You may only create accounts inside your own province."))
    user = User(username=username.strip(), email=email.strip(), full_name=full_name.strip())
    user.organisation = organisation
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    log_action(
        action="ocop.account.created",
        by=by,
        obj=user,
        unit=unit or (subject.commune if subject else None),
        data={"username": user.username, "email": user.email},
    )
    assign_role(by=by, user=user, role=role, unit=unit, subject=subject, valid_to=valid_to)
    return user
