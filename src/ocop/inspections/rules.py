"""Who handles consumer complaints and flagged stamps: provincial officers,
administrators and inspectors of the product's province; central officers
everywhere (and alone for complaints about unknown codes, which have no
province)."""

from ocop.accounts.enums import Role
from ocop.accounts.rules import has_role, scope_for

HANDLER_ROLES = (
    Role.PROVINCE_OFFICER,
    Role.PROVINCE_ADMIN,
    Role.INSPECTOR,
    Role.CENTRAL_OFFICER,
    Role.CENTRAL_ADMIN,
)
# Who is told when a complaint is filed or a stamp is flagged.
NOTIFIED_ROLES = (Role.PROVINCE_OFFICER, Role.INSPECTOR)
NOTIFIED_CENTRAL_ROLES = (Role.CENTRAL_OFFICER,)


def can_view_inspections(user) -> bool:
    return has_role(user, *HANDLER_ROLES)


def can_handle(user, province) -> bool:
    """Whether ``user`` acts on a complaint or flag of ``province`` (None:
    an unknown code, for the central office)."""
    return scope_for(user).covers_unit(province, HANDLER_ROLES)
