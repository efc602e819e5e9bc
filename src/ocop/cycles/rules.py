"""Who acts on ideas and dossiers, scoped by administrative unit.

* The producer side: the subject's producer and consultant accounts; a
  commune officer of the subject's commune may act on the producer's behalf.
* The commune: commune officers whose scope covers the subject's commune.
* The province: provincial officers and administrators, and the advisory
  team, whose scope covers the subject's province (for records of the 148
  path they also act for the abolished district level).
* Central officers see every dossier and act where the province does.
"""

from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for

PRODUCER_ROLES = (Role.PRODUCER, Role.CONSULTANT)
COMMUNE_ROLES = (Role.COMMUNE_OFFICER,)
PROVINCE_ROLES = (
    Role.PROVINCE_OFFICER,
    Role.PROVINCE_ADMIN,
    Role.ADVISORY_TEAM,
    Role.CENTRAL_OFFICER,
    Role.CENTRAL_ADMIN,
)
SCHEDULER_ROLES = (
    Role.PROVINCE_OFFICER,
    Role.PROVINCE_ADMIN,
    Role.CENTRAL_OFFICER,
    Role.CENTRAL_ADMIN,
)


def acts_for_subject(user, subject) -> bool:
    scope = scope_for(user)
    return subject.pk in scope.subject_ids(PRODUCER_ROLES)


def is_commune_officer_for(user, commune) -> bool:
    return scope_for(user).covers_unit(commune, COMMUNE_ROLES)


def is_province_officer_for(user, commune, roles=PROVINCE_ROLES) -> bool:
    return scope_for(user).covers_unit(commune, roles)


def producer_side(user, obj) -> bool:
    """The subject's own people, or a commune officer acting on their behalf."""
    return acts_for_subject(user, obj.subject) or is_commune_officer_for(user, obj.commune)


def commune_side(user, obj) -> bool:
    return is_commune_officer_for(user, obj.commune) or is_province_officer_for(
        user, obj.commune, SCHEDULER_ROLES
    )


def province_side(user, obj) -> bool:
    return is_province_officer_for(user, obj.commune)


def scheduler(user, obj) -> bool:
    return is_province_officer_for(user, obj.commune, SCHEDULER_ROLES)


def visible_q(user, *, commune="commune", province="province", subject="subject"):
    """Objects with commune/province/subject fields in the user's scope."""
    roles = (*PRODUCER_ROLES, *COMMUNE_ROLES, *PROVINCE_ROLES)
    return scope_for(user).q(province=province, commune=commune, subject=subject, roles=roles)


CENTRAL_ROLES = (Role.CENTRAL_OFFICER, Role.CENTRAL_ADMIN)


def central(user, obj) -> bool:
    """The central office, which puts proposed products on the central council."""
    return scope_for(user).is_national(CENTRAL_ROLES)
