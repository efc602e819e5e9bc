"""Decisions on a loaded sheet: an administrator confirms the correction of a
flagged sheet, and scoring refuses a sheet that is still flagged.

A sheet is *flagged* when its file names faults that its own structure cannot
settle (docs/criteria-format.md, "Flags"): it loads so that councils can read
it, but no session opens scoring on it until a central or provincial
administrator confirms, with a reason, what was checked against the signed
text (or a corrected file is loaded, which carries no flag).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.domain.activity import log_action
from ocop.criteria import engine
from ocop.criteria.models import Sheet
from ocop.criteria.rules import can_confirm_sheet_flags


@transaction.atomic
def confirm_sheet_flags(*, sheet: Sheet, by, reason: str) -> Sheet:
    """Record that an administrator confirmed the correction of a flagged sheet."""
    if not can_confirm_sheet_flags(by):
        raise PermissionDenied(_("Only a central or provincial administrator confirms this."))
    sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
    if not sheet.flags:
        raise ValidationError(_("This sheet is not flagged."))
    if sheet.flag_confirmed_at is not None:
        raise ValidationError(_("The correction of this sheet has already been confirmed."))
    if not reason.strip():
        raise ValidationError(
            _("Say what was checked against the signed text and why scoring may proceed.")
        )
    sheet.flag_confirmed_at = timezone.now()
    sheet.flag_confirmed_by = by
    sheet.flag_confirmation = reason.strip()
    sheet.save(update_fields=["flag_confirmed_at", "flag_confirmed_by", "flag_confirmation"])
    log_action(
        action="ocop.criteria.sheet_flags_confirmed",
        by=by,
        obj=sheet,
        data={"code": sheet.code, "version": sheet.version, "flags": sheet.flags, "reason": reason},
    )
    return sheet


def scoring_refusal(sheet: Sheet) -> str | None:
    """Why scoring cannot open on ``sheet`` (``None`` when it can)."""
    if sheet.is_flagged:
        return _(
            "The criteria sheet %(code)s is flagged (%(where)s) and no administrator has "
            "confirmed a correction yet."
        ) % {"code": sheet.code, "where": ", ".join(f["at"] for f in sheet.flags)}
    return None


def with_case_choice(*, spec, current: dict | None, requested: dict) -> dict:
    """The cases chosen after ``requested`` (section code → case code; an
    empty value keeps the current choice) is applied to ``current``. An unknown
    section or case is refused, naming it."""
    valid = {
        s.code: {b.code for b in engine.branches_of(spec, s.code)}
        for s in engine.branching_sections(spec)
    }
    chosen = dict(current or {})
    for section, branch in requested.items():
        if not branch:
            continue
        if branch not in valid.get(section, ()):
            raise ValidationError(
                _("Section %(section)s has no case “%(branch)s”.")
                % {"section": section, "branch": branch}
            )
        chosen[section] = branch
    return chosen
