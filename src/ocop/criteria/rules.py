"""Who reads the criteria sheets: every officer and every council member.
Sheets are national rules, not scoped by administrative unit."""

from ocop.accounts.enums import Role
from ocop.accounts.rules import has_role

READER_ROLES = (*Role.officer_roles, Role.COUNCIL_MEMBER)


def can_view_criteria(user) -> bool:
    return bool(user and user.is_authenticated) and has_role(user, *READER_ROLES)
