"""Who reads and who sets targets.

* Provincial officers and administrators set their province's targets (and
  those of its communes); the central office sets any province's.
* Officers read the targets of their scope: a commune officer those of their
  commune, a provincial role its province's, the centre all.
"""

from ocop.accounts.enums import Role
from ocop.accounts.rules import has_role, scope_for

SETTER_ROLES = (
    Role.PROVINCE_OFFICER,
    Role.PROVINCE_ADMIN,
    Role.CENTRAL_OFFICER,
    Role.CENTRAL_ADMIN,
)
READER_ROLES = tuple(Role.officer_roles)


def is_target_reader(user) -> bool:
    return has_role(user, *READER_ROLES)


def is_target_setter(user) -> bool:
    return has_role(user, *SETTER_ROLES)


def can_set_targets(user, province) -> bool:
    """Whether ``user`` sets the targets of ``province`` (a 2025 province)."""
    return province is not None and scope_for(user).covers_unit(province, SETTER_ROLES)
