"""Who may do what with points of sale, listings, export markets and
buyers' inquiries.

* Points of sale are registered by the commune they lie in or its province
  (commune and provincial officers and administrators), or the central office.
* A product's listings and export markets are kept by the people who edit the
  product (its subject's producers and consultants, the commune and provincial
  officers of its unit: ``producers.rules.can_edit_subject``).
* A buyer's inquiry is handled by the subject's producers and consultants and
  by the provincial officers of its province (the central office anywhere);
  new ones are sent to the subject's people and the province's officers.
* Officers read the counts of their unit (the reports' sentences).
"""

from ocop.accounts.enums import Role
from ocop.accounts.rules import has_role, scope_for
from ocop.producers.rules import can_edit_subject

POINT_MANAGER_ROLES = (
    Role.COMMUNE_OFFICER,
    Role.PROVINCE_OFFICER,
    Role.PROVINCE_ADMIN,
    Role.CENTRAL_OFFICER,
    Role.CENTRAL_ADMIN,
)
READER_ROLES = tuple(Role.officer_roles)
SUBJECT_SIDE = (Role.PRODUCER, Role.CONSULTANT)
INQUIRY_OFFICER_ROLES = (
    Role.PROVINCE_OFFICER,
    Role.PROVINCE_ADMIN,
    Role.CENTRAL_OFFICER,
    Role.CENTRAL_ADMIN,
)
INQUIRY_ROLES = (*SUBJECT_SIDE, *INQUIRY_OFFICER_ROLES)
# Who is told of a new inquiry, besides the subject's own people.
NOTIFIED_OFFICER_ROLES = (Role.PROVINCE_OFFICER,)


def is_point_manager(user) -> bool:
    return has_role(user, *POINT_MANAGER_ROLES)


def is_reader(user) -> bool:
    return has_role(user, *READER_ROLES)


def can_manage_points_of(user, commune) -> bool:
    """Whether ``user`` registers and edits points of sale in ``commune``."""
    return scope_for(user).covers_unit(commune, POINT_MANAGER_ROLES)


def can_manage_point(user, point) -> bool:
    return can_manage_points_of(user, point.commune)


def can_edit_trade(user, product) -> bool:
    """Whether ``user`` keeps the product's listings and export markets."""
    return can_edit_subject(user, product.subject)


def handles_inquiries(user) -> bool:
    return has_role(user, *INQUIRY_ROLES)


def can_handle_inquiry(user, inquiry) -> bool:
    scope = scope_for(user)
    if inquiry.subject_id in scope.subject_ids(SUBJECT_SIDE):
        return True
    return scope.covers_unit(inquiry.province, INQUIRY_OFFICER_ROLES)
