"""Who may do what in evaluation, scoped by administrative unit.

* Provincial coordination officers and administrators manage the councils of
  their province (district councils of the old provinces now inside it count
  too); central officers manage central councils and see every council.
* Advisory-team members see the councils of their province.
* A council member sees only their own councils' sessions and agendas.
* The chair opens scoring, reopens a member's sheet, starts a new round and
  closes the session; the secretary helps with agenda and attendance.
* A member edits only their own draft sheet of the item's current round,
  while the session is open and the item is being scored
  (``scoresheet_lock``: the one rule for the scoring page and the domain).
"""

from django.db.models import Q

from ocop.accounts.enums import Role
from ocop.accounts.rules import EVERYTHING, has_role, scope_for

from .enums import Body, ItemStatus, MemberRole, SessionState, SheetLock, SheetStatus

MANAGER_ROLES = (
    Role.PROVINCE_OFFICER,
    Role.PROVINCE_ADMIN,
    Role.CENTRAL_OFFICER,
    Role.CENTRAL_ADMIN,
)
VIEWER_ROLES = (*MANAGER_ROLES, Role.ADVISORY_TEAM)


def council_scope_q(user, roles=VIEWER_ROLES) -> Q:
    """Councils in the user's administrative scope (not counting membership)."""
    scope = scope_for(user)
    if scope.is_national(roles):
        return EVERYTHING
    ids = sorted(scope.province_ids(roles))
    if not ids:
        return Q(pk__in=[])
    return Q(unit__province__in=ids) | Q(unit__successor_province__in=ids)


def can_create_council(user) -> bool:
    return has_role(user, *MANAGER_ROLES)


def can_manage_council(user, council) -> bool:
    if not has_role(user, *MANAGER_ROLES):
        return False
    return scope_for(user).covers_unit(council.unit, MANAGER_ROLES)


def member_of(user, council, *, body=Body.COUNCIL):
    """The user's active membership of a council (None if not a member)."""
    if user is None or not user.is_authenticated:
        return None
    return council.members.filter(user=user, body=body, active=True).first()


def can_manage_session(user, session) -> bool:
    """Officers of the council's scope, and its chair and secretary."""
    if can_manage_council(user, session.council):
        return True
    member = member_of(user, session.council)
    return member is not None and member.role in (MemberRole.CHAIR, MemberRole.SECRETARY)


def is_chair(user, session) -> bool:
    member = member_of(user, session.council)
    return member is not None and member.role == MemberRole.CHAIR


def scoresheet_lock(user, scoresheet) -> SheetLock | None:
    """Why ``user`` may not change ``scoresheet`` now, or None if they may."""
    if scoresheet.member.user_id != getattr(user, "pk", None):
        return SheetLock.NOT_OWN
    item = scoresheet.item
    if item.session.state != SessionState.OPEN:
        return SheetLock.NOT_OPEN
    if scoresheet.status != SheetStatus.DRAFT:
        return SheetLock.SUBMITTED
    if scoresheet.round != item.round or item.status != ItemStatus.SCORING:
        return SheetLock.ROUND_OVER
    return None


def can_edit_scoresheet(user, scoresheet) -> bool:
    """The member's own draft of the current round, while scoring is open."""
    return scoresheet_lock(user, scoresheet) is None


CENTRAL_OFFICE = (Role.CENTRAL_OFFICER, Role.CENTRAL_ADMIN)


def can_run_what_if(user) -> bool:
    """The what-if of a rule change reads results of the whole country: the
    central office only."""
    return scope_for(user).is_national(CENTRAL_OFFICE)
