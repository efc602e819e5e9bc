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
CENTRAL_ROLES = (Role.CENTRAL_OFFICER, Role.CENTRAL_ADMIN)


def can_view_inspections(user) -> bool:
    return has_role(user, *HANDLER_ROLES)


def can_handle(user, province) -> bool:
    """Whether ``user`` acts on a complaint or flag of ``province`` (None:
    an unknown code, for the central office)."""
    return scope_for(user).covers_unit(province, HANDLER_ROLES)


# Post-certification inspection -------------------------------------------------------

# Who sees a province's plans, visits and figures.
PLAN_VIEWER_ROLES = HANDLER_ROLES
# Who prepares a plan (proposes candidates, adds by hand, submits, assigns visits).
PLAN_PREPARER_ROLES = (Role.INSPECTOR, Role.PROVINCE_OFFICER, Role.PROVINCE_ADMIN)
# Who approves it for the province (or returns it with a reason).
PLAN_APPROVER_ROLES = (Role.PROVINCE_OFFICER, Role.PROVINCE_ADMIN)


def can_view_plans(user) -> bool:
    return has_role(user, *PLAN_VIEWER_ROLES)


def can_prepare_plan(user, province) -> bool:
    return scope_for(user).covers_unit(province, PLAN_PREPARER_ROLES)


def may_prepare(user, plan) -> bool:
    return can_prepare_plan(user, plan.province)


def may_approve(user, plan) -> bool:
    return scope_for(user).covers_unit(plan.province, PLAN_APPROVER_ROLES)


def may_record(user, visit) -> bool:
    """Only the assigned inspector records a visit (while still an inspector there)."""
    return visit.inspector_id == getattr(user, "pk", None) and scope_for(user).covers_unit(
        visit.province, (Role.INSPECTOR,)
    )


def may_manage_visit(user, visit) -> bool:
    """Reassign or cancel a planned visit: who prepares the province's plans."""
    return can_prepare_plan(user, visit.province)


def may_decide_proposal(user, proposal) -> bool:
    """The province's officers look at a revocation proposal; the revocation
    itself is checked again by the certification app (the authority of the star)."""
    return scope_for(user).covers_unit(proposal.province, PLAN_APPROVER_ROLES + CENTRAL_ROLES)
