"""Permission predicates for subjects, their products and documents."""

from ocop.accounts.enums import Role
from ocop.accounts.rules import has_role, is_national, scope_for

EDITOR_OFFICER_ROLES = (Role.COMMUNE_OFFICER, Role.PROVINCE_OFFICER, Role.PROVINCE_ADMIN)


def can_view_subject(user, subject) -> bool:
    scope = scope_for(user)
    return (
        is_national(user) or subject.pk in scope.subject_ids() or scope.covers_unit(subject.commune)
    )


def can_edit_subject(user, subject) -> bool:
    """The subject's own producers and consultants, and commune/provincial
    officers of its unit, may edit it and its products and documents."""
    scope = scope_for(user)
    if subject.pk in scope.subject_ids((Role.PRODUCER, Role.CONSULTANT)):
        return True
    return scope.covers_unit(subject.commune, EDITOR_OFFICER_ROLES)


def can_create_subject(user, commune=None) -> bool:
    """Officers register subjects in their unit (producers then act for them)."""
    if commune is None:
        return has_role(user, *EDITOR_OFFICER_ROLES)
    return scope_for(user).covers_unit(commune, EDITOR_OFFICER_ROLES)
