"""Who exchanges: a province's officers and administrators export their
province's packages; the central office imports them."""

from ocop.accounts.enums import Role
from ocop.accounts.rules import has_role, scope_for, unit_in_scope

EXPORTERS = (Role.PROVINCE_OFFICER, Role.PROVINCE_ADMIN)
IMPORTERS = (Role.CENTRAL_OFFICER, Role.CENTRAL_ADMIN)


def can_export(user) -> bool:
    return has_role(user, *EXPORTERS)


def can_export_province(user, province) -> bool:
    return can_export(user) and unit_in_scope(user, province, roles=EXPORTERS)


def can_import(user) -> bool:
    return has_role(user, *IMPORTERS)


def can_use(user) -> bool:
    return can_export(user) or can_import(user)


def export_provinces(user):
    """The province ids whose packages ``user`` may make."""
    return scope_for(user).province_ids(EXPORTERS)
