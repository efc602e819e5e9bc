"""Who may do what in certification, scoped by administrative unit.

* The authority that recognises a star issues the decision and revokes the
  certificate: province officers and administrators of the decision's
  province for province-level decisions (and for the district-level decisions
  of the old districts now inside it), central officers and administrators for
  central (5★) decisions.
* An imported certificate carries no level: the level is the one whose
  recognition rule (data, `criteria/data/rules.yaml`) recognised its star on
  its decision date; the district's certificates are the province's now.
* Everyone who reads the registry of a product sees its certificates.
"""

from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.accounts.rules import has_role, scope_for
from ocop.criteria.domain.queries import recognising_level

from .enums import AuthorityLevel

PROVINCE_ROLES = (Role.PROVINCE_OFFICER, Role.PROVINCE_ADMIN)
CENTRAL_ROLES = (Role.CENTRAL_OFFICER, Role.CENTRAL_ADMIN)
DECISION_ROLES = (*PROVINCE_ROLES, *CENTRAL_ROLES)
READER_ROLES = Role.registry_roles


def can_act_for(user, *, level: str, unit) -> bool:
    """Whether the user acts for the authority of ``level`` (and ``unit``)."""
    scope = scope_for(user)
    if level == AuthorityLevel.CENTRAL:
        return scope.is_national(CENTRAL_ROLES)
    if unit is None:
        return False
    return scope.covers_unit(unit, PROVINCE_ROLES)


def can_manage_decisions(user) -> bool:
    """Whether the user may draft decisions at all (for menus and buttons)."""
    return has_role(user, *DECISION_ROLES)


def can_manage_decision(user, decision) -> bool:
    return can_act_for(user, level=decision.level, unit=decision.unit)


def can_draft_from_session(user, session) -> bool:
    council = session.council
    return can_act_for(user, level=council.level, unit=council.unit)


def revoking_level(certificate) -> str:
    """The level that recognised the certificate's star, and so revokes it."""
    if certificate.authority_level:
        return certificate.authority_level
    day = certificate.decision_date or timezone.localdate()
    level = recognising_level(star=certificate.star, on=day)
    return AuthorityLevel.CENTRAL if level == AuthorityLevel.CENTRAL else AuthorityLevel.PROVINCE


def can_revoke(user, certificate) -> bool:
    level = revoking_level(certificate)
    if level == AuthorityLevel.CENTRAL:
        return can_act_for(user, level=level, unit=None)
    return can_act_for(user, level=level, unit=certificate.product.province)
