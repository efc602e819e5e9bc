"""Who reads the criteria sheets: every officer and every council member.
Sheets are national rules, not scoped by administrative unit."""

from ocop.accounts.enums import Role
from ocop.accounts.rules import has_role

READER_ROLES = (*Role.officer_roles, Role.COUNCIL_MEMBER)


def can_view_criteria(user) -> bool:
    return bool(user and user.is_authenticated) and has_role(user, *READER_ROLES)


# Who confirms the correction of a flagged sheet (a fault of the transcribed
# text that its structure cannot settle) so that scoring may open on it.
FLAG_CONFIRMER_ROLES = (Role.PROVINCE_ADMIN, Role.CENTRAL_ADMIN)


def can_confirm_sheet_flags(user) -> bool:
    return bool(user and user.is_authenticated) and has_role(user, *FLAG_CONFIRMER_ROLES)
