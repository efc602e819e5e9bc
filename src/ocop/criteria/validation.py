"""Checks that a criteria sheet adds up (docs/criteria-format.md), as pure
functions over the engine's specs: every reason is reported, each naming the
part, section or criterion at fault, so that a file is corrected in one go or
loaded *flagged* at a fault its own structure cannot settle."""

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from ocop.criteria.engine import (
    MANDATORY,
    MAX_CRITERIA,
    MAX_OPTIONS,
    MULTI,
    NUMBER,
    SINGLE,
    CriterionSpec,
    SectionSpec,
    SheetSpec,
    branches_of,
)


def validate_sheet(spec: SheetSpec) -> list[str]:
    """Every reason the sheet does not add up, each naming the criterion,
    section or part at fault (empty when the sheet is sound)."""
    return [message for _where, message in located_errors(spec)]


def located_errors(spec: SheetSpec) -> list[tuple[str | None, str]]:
    """``validate_sheet`` with the code of the part, section or criterion at
    fault beside each message (``None`` for the sheet as a whole), so that a
    sheet may be loaded *flagged* at a fault its structure cannot settle."""
    errors: list[tuple[str | None, str]] = []
    seen: set[str] = set()
    for code in (
        [p.code for p in spec.parts]
        + [s.code for s in spec.sections]
        + [c.code for c in spec.criteria]
    ):
        if code in seen:
            errors.append(
                (None, _("The code “%(code)s” is used twice in the sheet.") % {"code": code})
            )
        seen.add(code)
    if len(spec.criteria) > MAX_CRITERIA:
        errors.append(
            (
                None,
                _("The sheet has %(count)s criteria; a sheet has at most %(max)s.")
                % {"count": len(spec.criteria), "max": MAX_CRITERIA},
            )
        )
    part_codes = {p.code for p in spec.parts}
    section_codes = {s.code for s in spec.sections}
    for criterion in spec.criteria:
        errors.extend(
            (criterion.code, message)
            for message in _criterion_errors(criterion, part_codes, section_codes)
        )
    sections = {s.code: s for s in spec.sections}
    cyclic = _cyclic_sections(spec.sections)
    for code in sorted(cyclic):
        errors.append((code, _("Section %(code)s is its own ancestor.") % {"code": code}))
    for section in spec.sections:
        if section.parent is not None and section.parent not in sections:
            errors.append(
                (
                    section.code,
                    _("Section %(code)s belongs to an unknown section “%(parent)s”.")
                    % {"code": section.code, "parent": section.parent},
                )
            )
        elif (
            section.parent is not None
            and section.part in part_codes
            and sections[section.parent].part != section.part
        ):
            errors.append(
                (
                    section.code,
                    _("Section %(code)s is in part %(part)s but its parent section is not.")
                    % {"code": section.code, "part": section.part},
                )
            )
    for criterion in spec.criteria:
        section = sections.get(criterion.section)
        if section is not None and section.part in part_codes and section.part != criterion.part:
            errors.append(
                (
                    criterion.code,
                    _("Criterion %(code)s is in part %(part)s but its section %(section)s is not.")
                    % {
                        "code": criterion.code,
                        "part": criterion.part,
                        "section": criterion.section,
                    },
                )
            )
    for section in spec.sections:
        if section.part not in part_codes:
            errors.append(
                (
                    section.code,
                    _("Section %(code)s belongs to an unknown part “%(part)s”.")
                    % {"code": section.code, "part": section.part},
                )
            )
        if section.code in cyclic:
            continue
        if section.branch and section.parent not in sections:
            errors.append(
                (
                    section.code,
                    _("Branch %(code)s is not inside a section.") % {"code": section.code},
                )
            )
        if branches_of(spec, section.code):
            errors.extend(_branch_errors(spec, section))
        elif section.max_points is not None:
            total = _section_total(spec, section.code)
            if total != section.max_points:
                errors.append(
                    (
                        section.code,
                        _(
                            "Section %(code)s: its criteria add up to %(total)s points, "
                            "but its maximum is %(max)s."
                        )
                        % {"code": section.code, "total": total, "max": section.max_points},
                    )
                )
    for part in spec.parts:
        total = sum((c.max_points for c in spec.criteria if c.part == part.code), Decimal(0)) - sum(
            (_branch_excess(spec, s.code) for s in _outer_branching(spec, cyclic, part.code)),
            Decimal(0),
        )
        if total != part.max_points:
            errors.append(
                (
                    part.code,
                    _(
                        "Part %(code)s: its criteria add up to %(total)s points, "
                        "but its maximum is %(max)s."
                    )
                    % {"code": part.code, "total": total, "max": part.max_points},
                )
            )
    parts_total = sum((p.max_points for p in spec.parts), Decimal(0))
    if parts_total != spec.total:
        errors.append(
            (
                None,
                _("The parts add up to %(total)s points instead of %(max)s.")
                % {"total": parts_total, "max": spec.total},
            )
        )
    criteria = {c.code: c for c in spec.criteria}
    for condition in spec.conditions:
        target = criteria.get(condition.criterion)
        if target is None:
            errors.append(
                (
                    None,
                    _("Condition %(code)s refers to an unknown criterion “%(criterion)s”.")
                    % {"code": condition.code, "criterion": condition.criterion},
                )
            )
            continue
        unknown = sorted(condition.option_codes - {o.code for o in target.options})
        if unknown:
            errors.append(
                (
                    None,
                    _(
                        "Condition %(code)s names options that criterion %(criterion)s "
                        "does not have: %(options)s."
                    )
                    % {
                        "code": condition.code,
                        "criterion": target.code,
                        "options": ", ".join(unknown),
                    },
                )
            )
        if condition.kind == MANDATORY and condition.star not in (1, 2, 3, 4, 5):
            errors.append(
                (
                    None,
                    _("Condition %(code)s is mandatory but names no star level from 1 to 5.")
                    % {"code": condition.code},
                )
            )
    return errors


def _outer_branching(spec: SheetSpec, cyclic: set[str], part: str) -> list[SectionSpec]:
    """Sections of a part with alternative branches, not inside another branch."""
    sections = {s.code: s for s in spec.sections}
    found = []
    for section in spec.sections:
        if section.part != part or section.code in cyclic or not branches_of(spec, section.code):
            continue
        parent, inside = section.parent, False
        while parent is not None and parent in sections and parent not in cyclic:
            if sections[parent].branch:
                inside = True
                break
            parent = sections[parent].parent
        if not inside:
            found.append(section)
    return found


def _branch_excess(spec: SheetSpec, code: str) -> Decimal:
    """What the criteria of all the branches of a section add beyond the one
    branch that is scored (its maximum)."""
    section = next(s for s in spec.sections if s.code == code)
    below = {code}
    changed = True
    while changed:
        grown = below | {s.code for s in spec.sections if s.parent in below}
        changed, below = grown != below, grown
    total = sum((c.max_points for c in spec.criteria if c.section in below), Decimal(0))
    return total - (section.max_points or Decimal(0))


def _branch_errors(spec: SheetSpec, section: SectionSpec) -> list[tuple[str | None, str]]:
    """A section with alternative branches holds only its branches, has a
    maximum, and each branch adds up to that maximum on its own."""
    errors: list[tuple[str | None, str]] = []
    names = {"code": section.code}
    branches = branches_of(spec, section.code)
    others = [s for s in spec.sections if s.parent == section.code and not s.branch]
    if others or any(c.section == section.code for c in spec.criteria):
        errors.append(
            (
                section.code,
                _(
                    "Section %(code)s has alternative branches, so all its criteria "
                    "must be inside the branches."
                )
                % names,
            )
        )
    if len(branches) < 2:
        errors.append(
            (section.code, _("Section %(code)s has only one alternative branch.") % names)
        )
    if section.max_points is None:
        errors.append(
            (section.code, _("Section %(code)s has alternative branches but no maximum.") % names)
        )
        return errors
    for branch in branches:
        total = _section_total(spec, branch.code)
        expected = branch.max_points if branch.max_points is not None else section.max_points
        if total != expected or expected != section.max_points:
            errors.append(
                (
                    branch.code,
                    _(
                        "Section %(code)s, branch %(branch)s: its criteria add up to %(total)s "
                        "points, but the section's maximum is %(max)s."
                    )
                    % {
                        "code": section.code,
                        "branch": branch.code,
                        "total": total,
                        "max": section.max_points,
                    },
                )
            )
    return errors


def _criterion_errors(criterion: CriterionSpec, parts: set[str], sections: set[str]) -> list[str]:
    errors = []
    names = {"code": criterion.code, "max": criterion.max_points}
    if criterion.part not in parts:
        errors.append(
            _("Criterion %(code)s belongs to an unknown part “%(part)s”.")
            % {"code": criterion.code, "part": criterion.part}
        )
    if criterion.section is not None and criterion.section not in sections:
        errors.append(
            _("Criterion %(code)s belongs to an unknown section “%(section)s”.")
            % {"code": criterion.code, "section": criterion.section}
        )
    if criterion.max_points <= 0:
        errors.append(_("Criterion %(code)s has no points (maximum %(max)s).") % names)
    option_codes = [o.code for o in criterion.options]
    if len(option_codes) > MAX_OPTIONS:
        errors.append(
            _("Criterion %(code)s has %(count)s options; a criterion has at most %(limit)s.")
            % {**names, "count": len(option_codes), "limit": MAX_OPTIONS}
        )
    if len(set(option_codes)) != len(option_codes):
        errors.append(_("Criterion %(code)s has two options with the same code.") % names)
    if any(o.points < 0 for o in criterion.options):
        errors.append(_("Criterion %(code)s has an option with negative points.") % names)
    if criterion.kind == SINGLE:
        best = max((o.points for o in criterion.options), default=None)
        if best is None:
            errors.append(_("Criterion %(code)s has no options.") % names)
        elif best != criterion.max_points:
            errors.append(
                _(
                    "Criterion %(code)s: its best option gives %(best)s points, "
                    "but its maximum is %(max)s."
                )
                % {**names, "best": best}
            )
    elif criterion.kind == MULTI:
        if not criterion.options:
            errors.append(_("Criterion %(code)s has no options.") % names)
        elif sum(o.points for o in criterion.options) < criterion.max_points:
            errors.append(
                _(
                    "Criterion %(code)s: all its options together cannot reach "
                    "its maximum of %(max)s."
                )
                % names
            )
        for option in criterion.options:
            if option.points > criterion.max_points:
                errors.append(
                    _(
                        "Criterion %(code)s: option %(option)s gives %(points)s points, "
                        "more than the criterion's maximum of %(max)s."
                    )
                    % {**names, "option": option.code, "points": option.points}
                )
    elif criterion.kind == NUMBER:
        if criterion.min_value is None or criterion.max_value is None:
            errors.append(_("Criterion %(code)s is a number but has no range.") % names)
        elif (
            criterion.max_value != criterion.max_points
            or criterion.min_value < 0
            or criterion.min_value > criterion.max_value
        ):
            errors.append(
                _(
                    "Criterion %(code)s: its range must run from 0 or more "
                    "up to its maximum of %(max)s."
                )
                % names
            )
    else:
        errors.append(
            _("Criterion %(code)s has an unknown kind “%(kind)s”.")
            % {**names, "kind": criterion.kind}
        )
    return errors


def _cyclic_sections(sections: Iterable[SectionSpec]) -> set[str]:
    """Codes of sections whose chain of parents loops back on itself."""
    parents = {s.code: s.parent for s in sections}
    cyclic: set[str] = set()
    for code in parents:
        seen = {code}
        current = parents.get(code)
        while current is not None and current in parents:
            if current in seen:
                cyclic.add(code)
                break
            seen.add(current)
            current = parents[current]
    return cyclic


def _section_total(spec: SheetSpec, code: str) -> Decimal:
    """Points of the criteria in a section and in all its sub-sections; a
    section with alternative branches counts its maximum (one branch is
    scored, and each branch is checked against that maximum)."""
    section = next(s for s in spec.sections if s.code == code)
    if branches_of(spec, code):
        return section.max_points or Decimal(0)
    children = {s.code for s in spec.sections if s.parent == code}
    total = sum((c.max_points for c in spec.criteria if c.section == code), Decimal(0))
    return total + sum((_section_total(spec, child) for child in children), Decimal(0))
