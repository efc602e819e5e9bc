"""A province's annual cycle: its settings, its phases and its evaluation rounds.

Only the province's officers and administrators (and the central office) set
up and change a cycle; everything they decide is logged.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ocop.accounts.rules import has_role, scope_for
from ocop.core.domain.activity import changed_fields, log_action
from ocop.cycles import rules
from ocop.cycles.enums import LateSubmission, PhaseKind
from ocop.cycles.models import Cycle, EvaluationRound, Phase
from ocop.geo.enums import Level

# Who runs a province's cycle: its officers and administrators, and the centre.
MANAGER_ROLES = rules.SCHEDULER_ROLES
SETTINGS = ("plan_deadline_days", "commune_check_days", "province_check_days", "supplement_days")
# What happens to a dossier submitted after its round's deadline (LateSubmission).
POLICIES = ("late_submissions",)


def can_create_cycle(user) -> bool:
    """Whether to offer the "new cycle" button (the province is checked on saving)."""
    return has_role(user, *MANAGER_ROLES)


def can_manage_cycle(user, province) -> bool:
    return province is not None and scope_for(user).covers_unit(province, MANAGER_ROLES)


def _require_manager(user, province) -> None:
    if not can_manage_cycle(user, province):
        raise PermissionDenied(_("Only the province's OCOP officers may manage its cycle."))


def _check_settings(values: dict) -> None:
    errors = {
        name: _("Enter between 1 and 60 working days.")
        for name in SETTINGS
        if name in values and not 1 <= int(values[name]) <= 60
    }
    if "late_submissions" in values and values["late_submissions"] not in LateSubmission.values:
        errors["late_submissions"] = _("Choose what happens to late dossiers.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_cycle(*, by, province, year: int, title: str, **settings) -> Cycle:
    """Open the province's cycle for ``year``; ``settings`` are the deadlines
    in working days (``plan_deadline_days``…), the model's defaults otherwise."""
    unknown = set(settings) - {*SETTINGS, *POLICIES}
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    if province is None or province.level != Level.PROVINCE or not province.is_current:
        raise ValidationError({"province": _("Choose a current province.")})
    _require_manager(by, province)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the cycle a title.")})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Enter a year such as 2025.")})
    _check_settings(settings)
    if Cycle.objects.filter(province=province, year=year).exists():
        raise ValidationError(
            {
                "year": _("%(province)s already has a cycle for %(year)s.")
                % {"province": province.name, "year": year}
            }
        )
    cycle = Cycle.objects.create(
        province=province, year=year, title=title, created_by=by, **settings
    )
    log_action(
        action="ocop.cycle.created",
        by=by,
        obj=cycle,
        unit=province,
        data={"year": year, **{name: getattr(cycle, name) for name in (*SETTINGS, *POLICIES)}},
    )
    return cycle


@transaction.atomic
def update_cycle(*, cycle: Cycle, by, **values) -> Cycle:
    """Change the title or the deadlines (working days) of a cycle."""
    allowed = {"title", *SETTINGS, *POLICIES}
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _require_manager(by, cycle.province)
    if "title" in values:
        values["title"] = (values["title"] or "").strip()
        if not values["title"]:
            raise ValidationError({"title": _("Give the cycle a title.")})
    _check_settings(values)
    before = {name: getattr(cycle, name) for name in values}
    for name, value in values.items():
        setattr(cycle, name, value)
    changes = changed_fields(before, cycle)
    if changes:
        cycle.save(update_fields=list(changes))
        log_action(action="ocop.cycle.changed", by=by, obj=cycle, unit=cycle.province, data=changes)
    return cycle


@transaction.atomic
def set_phase(*, cycle: Cycle, by, kind: str, starts_on, ends_on) -> Phase:
    """Set the dates of one phase of the cycle (each phase once per cycle)."""
    _require_manager(by, cycle.province)
    if kind not in PhaseKind.values:
        raise ValidationError({"kind": _("Choose a phase.")})
    if starts_on is None or ends_on is None:
        raise ValidationError(_("Enter both the first and the last day of the phase."))
    if ends_on < starts_on:
        raise ValidationError(
            {
                "ends_on": _("The phase cannot end (%(end)s) before it starts (%(start)s).")
                % {
                    "end": date_format(ends_on, "SHORT_DATE_FORMAT"),
                    "start": date_format(starts_on, "SHORT_DATE_FORMAT"),
                }
            }
        )
    phase = Phase.objects.filter(cycle=cycle, kind=kind).first()
    old = None
    if phase is None:
        phase = Phase.objects.create(cycle=cycle, kind=kind, starts_on=starts_on, ends_on=ends_on)
    else:
        old = [phase.starts_on.isoformat(), phase.ends_on.isoformat()]
        phase.starts_on, phase.ends_on = starts_on, ends_on
        phase.save(update_fields=["starts_on", "ends_on"])
    log_action(
        action="ocop.cycle.phase_set",
        by=by,
        obj=cycle,
        unit=cycle.province,
        data={
            "phase": kind,
            "from": starts_on.isoformat(),
            "until": ends_on.isoformat(),
            "before": old,
        },
    )
    return phase


@transaction.atomic
def add_round(*, cycle: Cycle, by, number: int, title: str, submission_deadline) -> EvaluationRound:
    """Add an evaluation round (đợt) with its submission deadline."""
    _require_manager(by, cycle.province)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the round a title.")})
    if number is None or int(number) < 1:
        raise ValidationError({"number": _("Number the rounds from 1.")})
    if submission_deadline is None:
        raise ValidationError({"submission_deadline": _("Enter the submission deadline.")})
    if cycle.rounds.filter(number=number).exists():
        raise ValidationError(
            {"number": _("This cycle already has a round %(number)s.") % {"number": number}}
        )
    evaluation_round = EvaluationRound.objects.create(
        cycle=cycle, number=number, title=title, submission_deadline=submission_deadline
    )
    log_action(
        action="ocop.cycle.round_added",
        by=by,
        obj=cycle,
        unit=cycle.province,
        data={
            "round": number,
            "title": title,
            "submission_deadline": submission_deadline.isoformat(),
        },
    )
    return evaluation_round
