"""Councils, their members and advisory teams."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.core.domain.activity import changed_fields, log_action
from ocop.criteria.enums import EvaluationLevel
from ocop.geo.enums import Level

from ..enums import Body, MemberRole
from ..models import Council, CouncilMember
from ..rules import can_create_council, can_manage_council

COUNCIL_FIELDS = (
    "name",
    "level",
    "unit",
    "decision_number",
    "decision_date",
    "decision_issuer",
    "quorum_percent",
    "quorum_requires_chair",
    "max_spread",
    "max_criterion_spread",
)


def _check_unit(*, level: str, unit) -> None:
    if level == EvaluationLevel.CENTRAL:
        if unit is not None:
            raise ValidationError(_("A central council belongs to no province."))
        return
    if unit is None:
        raise ValidationError(_("Choose the province (or district) of the council."))
    if level == EvaluationLevel.PROVINCE and unit.level != Level.PROVINCE:
        raise ValidationError(_("A provincial council belongs to a province."))
    if level == EvaluationLevel.DISTRICT and unit.level != Level.DISTRICT:
        raise ValidationError(
            _("A district council belongs to a district (for records before 1 July 2025).")
        )


@transaction.atomic
def create_council(*, by, **fields) -> Council:
    if not can_create_council(by):
        raise PermissionDenied(_("You cannot set up councils."))
    _check_unit(level=fields["level"], unit=fields.get("unit"))
    council = Council(created_by=by, **{k: v for k, v in fields.items() if k in COUNCIL_FIELDS})
    if not can_manage_council(by, council):
        raise PermissionDenied(_("This council is outside your area."))
    council.save()
    log_action(
        action="ocop.council.created",
        by=by,
        obj=council,
        unit=council.unit,
        data={"decision": council.decision_number, "level": council.level},
    )
    return council


@transaction.atomic
def update_council(*, council: Council, by, **fields) -> Council:
    if not can_manage_council(by, council):
        raise PermissionDenied(_("You cannot change this council."))
    _check_unit(level=fields.get("level", council.level), unit=fields.get("unit", council.unit))
    before = {k: getattr(council, k) for k in COUNCIL_FIELDS if k in fields}
    for key, value in fields.items():
        if key in COUNCIL_FIELDS:
            setattr(council, key, value)
    if not can_manage_council(by, council):
        raise PermissionDenied(_("This council is outside your area."))
    council.save()
    changes = changed_fields(before, council)
    if changes:
        log_action(
            action="ocop.council.changed", by=by, obj=council, unit=council.unit, data=changes
        )
    return council


@transaction.atomic
def add_member(
    *,
    council: Council,
    user,
    by,
    body: str = Body.COUNCIL,
    role: str = MemberRole.MEMBER,
    organisation: str = "",
    position: str = "",
    commune=None,
    expertise=(),
) -> CouncilMember:
    if not can_manage_council(by, council):
        raise PermissionDenied(_("You cannot change this council."))
    if body == Body.ADVISORY and role not in (MemberRole.TEAM_LEADER, MemberRole.MEMBER):
        raise ValidationError(_("An advisory team has a team leader and members."))
    if body == Body.COUNCIL and role == MemberRole.TEAM_LEADER:
        raise ValidationError(_("A council has a chair, vice-chairs, members and a secretary."))
    if (
        role == MemberRole.CHAIR
        and council.members.filter(body=Body.COUNCIL, role=MemberRole.CHAIR, active=True)
        .exclude(user=user)
        .exists()
    ):
        raise ValidationError(_("The council already has a chair."))
    member, created = CouncilMember.objects.update_or_create(
        council=council,
        user=user,
        body=body,
        defaults={
            "role": role,
            "organisation": organisation,
            "position": position,
            "commune": commune,
            "active": True,
        },
    )
    if expertise:
        member.expertise.set(expertise)
    log_action(
        action="ocop.council.member_added" if created else "ocop.council.member_changed",
        by=by,
        obj=council,
        unit=council.unit,
        data={"member": member.name, "role": role, "body": body},
    )
    return member


@transaction.atomic
def remove_member(*, member: CouncilMember, by) -> None:
    """Members are deactivated, never deleted: their past sheets stay."""
    if not can_manage_council(by, member.council):
        raise PermissionDenied(_("You cannot change this council."))
    member.active = False
    member.save(update_fields=["active"])
    log_action(
        action="ocop.council.member_removed",
        by=by,
        obj=member.council,
        unit=member.council.unit,
        data={"member": member.name},
    )
