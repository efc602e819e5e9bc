"""Permission predicates of the registry import (export goes with the lists:
who sees a subject or a product may export it)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for

# The officers who keep the registry of a province (or of the country).
IMPORT_ROLES = (
    Role.PROVINCE_OFFICER,
    Role.PROVINCE_ADMIN,
    Role.CENTRAL_OFFICER,
    Role.CENTRAL_ADMIN,
)


def can_import(user) -> bool:
    """Whether ``user`` may import lists into at least one province."""
    scope = scope_for(user)
    return scope.is_national(IMPORT_ROLES) or bool(scope.province_ids(IMPORT_ROLES))


def can_import_into(user, province) -> bool:
    """Provincial and central officers may import into a province they cover."""
    if province is None:
        return scope_for(user).is_national(IMPORT_ROLES)
    return scope_for(user).covers_unit(province, roles=IMPORT_ROLES)


def check_import_permission(user, province) -> None:
    """Raise PermissionDenied unless ``user`` may import into ``province``.
    ``user=None`` is the system (the management command): always allowed."""
    if user is None:
        return
    if province is None:
        raise PermissionDenied(_("Choose the province to import into."))
    if not can_import_into(user, province):
        raise PermissionDenied(
            _("You may only import products into a province in your scope; %(province)s is not.")
            % {"province": province.full_name}
        )
