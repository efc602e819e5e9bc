"""The scoring rules as pure functions: no database, no request, no clock.

Everything here works on the frozen dataclasses below, built from the database
by ``ocop.criteria.domain.queries.sheet_spec`` (or from a file by the loader),
so that the rules are tested exhaustively (``tests/criteria/test_engine.py``
uses hypothesis) and judged the same way everywhere.

Numbers: points are ``Decimal``; means are ``Fraction`` so that they stay
exact (a mean of three totals is not a terminating decimal) and banding is
done on the exact value, never on a rounded one.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from math import sqrt

from django.utils.translation import gettext as _

SINGLE, MULTI, NUMBER = "single", "multi", "number"
MANDATORY, DISQUALIFYING = "mandatory", "disqualifying"
HUNDRED = Decimal(100)


class AnswerError(ValueError):
    """An answer that the criterion does not allow (unknown option, number out of range…)."""


@dataclass(frozen=True)
class OptionSpec:
    code: str
    points: Decimal
    text: str = ""


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    part: str
    max_points: Decimal
    kind: str = SINGLE
    options: tuple[OptionSpec, ...] = ()
    section: str | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    text: str = ""

    def option(self, code: str) -> OptionSpec | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class SectionSpec:
    code: str
    part: str
    parent: str | None = None
    max_points: Decimal | None = None
    title: str = ""


@dataclass(frozen=True)
class PartSpec:
    code: str
    max_points: Decimal
    title: str = ""


@dataclass(frozen=True)
class ConditionSpec:
    code: str
    kind: str
    criterion: str
    star: int | None = None
    option_codes: frozenset[str] = frozenset()
    min_points: Decimal | None = None
    description: str = ""


@dataclass(frozen=True)
class SheetSpec:
    parts: tuple[PartSpec, ...]
    criteria: tuple[CriterionSpec, ...]
    sections: tuple[SectionSpec, ...] = ()
    conditions: tuple[ConditionSpec, ...] = ()
    total: Decimal = HUNDRED

    def criterion(self, code: str) -> CriterionSpec | None:
        return next((c for c in self.criteria if c.code == code), None)


@dataclass(frozen=True)
class Answer:
    """A member's answer to one criterion: chosen option codes, or a number."""

    options: frozenset[str] = frozenset()
    value: Decimal | None = None


# Validation of a sheet ---------------------------------------------------------


def validate_sheet(spec: SheetSpec) -> list[str]:
    """Every reason the sheet does not add up, each naming the criterion,
    section or part at fault (empty when the sheet is sound)."""
    errors: list[str] = []
    seen: set[str] = set()
    for code in (
        [p.code for p in spec.parts]
        + [s.code for s in spec.sections]
        + [c.code for c in spec.criteria]
    ):
        if code in seen:
            errors.append(_("The code “%(code)s” is used twice in the sheet.") % {"code": code})
        seen.add(code)
    part_codes = {p.code for p in spec.parts}
    section_codes = {s.code for s in spec.sections}
    for criterion in spec.criteria:
        errors.extend(_criterion_errors(criterion, part_codes, section_codes))
    sections = {s.code: s for s in spec.sections}
    cyclic = _cyclic_sections(spec.sections)
    for code in sorted(cyclic):
        errors.append(_("Section %(code)s is its own ancestor.") % {"code": code})
    for section in spec.sections:
        if section.parent is not None and section.parent not in sections:
            errors.append(
                _("Section %(code)s belongs to an unknown section “%(parent)s”.")
                % {"code": section.code, "parent": section.parent}
            )
        elif (
            section.parent is not None
            and section.part in part_codes
            and sections[section.parent].part != section.part
        ):
            errors.append(
                _("Section %(code)s is in part %(part)s but its parent section is not.")
                % {"code": section.code, "part": section.part}
            )
    for criterion in spec.criteria:
        section = sections.get(criterion.section)
        if section is not None and section.part in part_codes and section.part != criterion.part:
            errors.append(
                _("Criterion %(code)s is in part %(part)s but its section %(section)s is not.")
                % {"code": criterion.code, "part": criterion.part, "section": criterion.section}
            )
    for section in spec.sections:
        if section.part not in part_codes:
            errors.append(
                _("Section %(code)s belongs to an unknown part “%(part)s”.")
                % {"code": section.code, "part": section.part}
            )
        if section.max_points is not None and section.code not in cyclic:
            total = _section_total(spec, section.code)
            if total != section.max_points:
                errors.append(
                    _(
                        "Section %(code)s: its criteria add up to %(total)s points, "
                        "but its maximum is %(max)s."
                    )
                    % {"code": section.code, "total": total, "max": section.max_points}
                )
    for part in spec.parts:
        total = sum((c.max_points for c in spec.criteria if c.part == part.code), Decimal(0))
        if total != part.max_points:
            errors.append(
                _(
                    "Part %(code)s: its criteria add up to %(total)s points, "
                    "but its maximum is %(max)s."
                )
                % {"code": part.code, "total": total, "max": part.max_points}
            )
    parts_total = sum((p.max_points for p in spec.parts), Decimal(0))
    if parts_total != spec.total:
        errors.append(
            _("The parts add up to %(total)s points instead of %(max)s.")
            % {"total": parts_total, "max": spec.total}
        )
    criteria = {c.code: c for c in spec.criteria}
    for condition in spec.conditions:
        target = criteria.get(condition.criterion)
        if target is None:
            errors.append(
                _("Condition %(code)s refers to an unknown criterion “%(criterion)s”.")
                % {"code": condition.code, "criterion": condition.criterion}
            )
            continue
        unknown = sorted(condition.option_codes - {o.code for o in target.options})
        if unknown:
            errors.append(
                _(
                    "Condition %(code)s names options that criterion %(criterion)s "
                    "does not have: %(options)s."
                )
                % {"code": condition.code, "criterion": target.code, "options": ", ".join(unknown)}
            )
        if condition.kind == MANDATORY and condition.star not in (1, 2, 3, 4, 5):
            errors.append(
                _("Condition %(code)s is mandatory but names no star level from 1 to 5.")
                % {"code": condition.code}
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
    """Points of the criteria in a section and in all its sub-sections."""
    children = {s.code for s in spec.sections if s.parent == code}
    total = sum((c.max_points for c in spec.criteria if c.section == code), Decimal(0))
    return total + sum((_section_total(spec, child) for child in children), Decimal(0))


# One member's sheet ------------------------------------------------------------


def criterion_points(criterion: CriterionSpec, answer: Answer) -> Decimal:
    """Points of one answer; never above the criterion's maximum."""
    if criterion.kind == NUMBER:
        if answer.options:
            raise AnswerError(
                _("Criterion %(code)s takes a number, not options.") % {"code": criterion.code}
            )
        if answer.value is None:
            return Decimal(0)
        low = criterion.min_value if criterion.min_value is not None else Decimal(0)
        high = criterion.max_value if criterion.max_value is not None else criterion.max_points
        if not (low <= answer.value <= high):
            raise AnswerError(
                _(
                    "Criterion %(code)s takes a number from %(low)s to %(high)s; "
                    "%(value)s is outside."
                )
                % {"code": criterion.code, "low": low, "high": high, "value": answer.value}
            )
        return min(answer.value, criterion.max_points)
    if answer.value is not None:
        raise AnswerError(
            _("Criterion %(code)s takes options, not a number.") % {"code": criterion.code}
        )
    chosen = []
    for code in sorted(answer.options):
        option = criterion.option(code)
        if option is None:
            raise AnswerError(
                _("Criterion %(code)s has no option “%(option)s”.")
                % {"code": criterion.code, "option": code}
            )
        chosen.append(option)
    if criterion.kind == SINGLE and len(chosen) > 1:
        raise AnswerError(_("Criterion %(code)s takes one option only.") % {"code": criterion.code})
    return min(sum((o.points for o in chosen), Decimal(0)), criterion.max_points)


def is_answered(criterion: CriterionSpec, answer: Answer | None) -> bool:
    """Whether a member has given an answer (a multi-option criterion may be
    answered with no option, worth 0, once the member has touched it)."""
    if answer is None:
        return False
    if criterion.kind == NUMBER:
        return answer.value is not None
    if criterion.kind == SINGLE:
        return len(answer.options) == 1
    return True


@dataclass(frozen=True)
class SheetScore:
    total: Decimal
    parts: dict[str, Decimal]
    criteria: dict[str, Decimal]


def score_sheet(spec: SheetSpec, answers: Mapping[str, Answer]) -> SheetScore:
    """Totals of one member's sheet (unanswered criteria count 0)."""
    criteria: dict[str, Decimal] = {}
    parts = {p.code: Decimal(0) for p in spec.parts}
    for criterion in spec.criteria:
        answer = answers.get(criterion.code)
        points = criterion_points(criterion, answer) if answer is not None else Decimal(0)
        criteria[criterion.code] = points
        parts[criterion.part] = parts.get(criterion.part, Decimal(0)) + points
    return SheetScore(total=sum(parts.values(), Decimal(0)), parts=parts, criteria=criteria)


def condition_holds(
    condition: ConditionSpec, criterion: CriterionSpec, answer: Answer | None
) -> bool:
    """Whether one member's answer satisfies a condition."""
    if answer is None:
        return False
    if condition.option_codes and not (answer.options & condition.option_codes):
        return False
    if condition.min_points is not None:
        return criterion_points(criterion, answer) >= condition.min_points
    return True


# The council's result ---------------------------------------------------------


@dataclass(frozen=True)
class Aggregate:
    count: int
    mean: Fraction
    spread: Decimal
    stdev: float
    deviations: tuple[Fraction, ...] = field(default=())

    @property
    def furthest(self) -> tuple[int, ...]:
        """Indexes of the totals furthest from the mean."""
        if not self.deviations:
            return ()
        worst = max(abs(d) for d in self.deviations)
        return tuple(i for i, d in enumerate(self.deviations) if abs(d) == worst)


def aggregate(totals: Sequence[Decimal]) -> Aggregate:
    """Mean (exact), spread (highest − lowest), population standard deviation
    and each total's deviation from the mean."""
    if not totals:
        raise ValueError("aggregate() needs at least one total")
    values = [Fraction(t) for t in totals]
    mean = sum(values, Fraction(0)) / len(values)
    deviations = tuple(v - mean for v in values)
    variance = sum((d * d for d in deviations), Fraction(0)) / len(values)
    return Aggregate(
        count=len(values),
        mean=mean,
        spread=max(totals) - min(totals),
        stdev=sqrt(variance),
        deviations=deviations,
    )


@dataclass(frozen=True)
class Band:
    star: int
    min_score: Decimal
    max_score: Decimal | None = None  # exclusive; None = up to 100 inclusive


def band_for(score: Fraction | Decimal, bands: Iterable[Band]) -> int:
    """The star whose band holds the exact score (0 if none does)."""
    value = Fraction(score)
    for band in sorted(bands, key=lambda b: b.star, reverse=True):
        if value >= Fraction(band.min_score) and (
            band.max_score is None or value < Fraction(band.max_score)
        ):
            return band.star
    return 0


def majority(count: int, of: int) -> bool:
    """A strict majority: more than half of the members."""
    return of > 0 and 2 * count > of


@dataclass(frozen=True)
class LevelRule:
    stars: frozenset[int]
    propose_from: Decimal | None = None


@dataclass(frozen=True)
class Ranking:
    band_star: int  # the band of the score alone
    star: int  # after the caps of mandatory conditions (0 = disqualified)
    achieved: bool  # reaches the lowest recognised star
    recognised_star: int | None  # what this level may recognise, if anything
    proposed: bool  # proposed to the level above (e.g. ≥ 90 at province)
    capped_by: int | None = None  # the star level whose conditions failed
    disqualified: bool = False
    # Every unmet mandatory condition (by star level, then in sheet order), and
    # those of the level that capped the star: the criteria to name in the result.
    unmet: tuple[ConditionSpec, ...] = ()
    capping: tuple[ConditionSpec, ...] = ()


def rank(
    *,
    score: Fraction | Decimal,
    bands: Iterable[Band],
    unmet_levels: Iterable[int] = (),
    unmet_conditions: Iterable[ConditionSpec] = (),
    disqualified: bool = False,
    min_recognised_star: int = 3,
    level: LevelRule | None = None,
) -> Ranking:
    """Star of a product: the highest star N up to the band of its exact score
    such that the mandatory conditions of every level up to N hold (3★ for 3★;
    3★ and 4★ for 4★ …), i.e. the band capped below the lowest star level with
    an unmet condition; not achieved when the result is below
    ``min_recognised_star`` (so a product whose 3★ conditions fail is not
    recognised) or a disqualifying condition holds. The unmet levels are
    ``unmet_levels`` and the levels of ``unmet_conditions`` (which the ranking
    then names). ``level`` says which stars the evaluating level recognises and
    from which score it proposes the product to the level above."""
    unmet = tuple(sorted((c for c in unmet_conditions if c.star), key=lambda c: c.star or 0))
    band_star = band_for(score, bands)
    star = band_star
    capped_by = None
    levels = set(unmet_levels) | {c.star for c in unmet if c.star}
    failing = sorted(s for s in levels if s <= band_star)
    if failing:
        capped_by = failing[0]
        star = capped_by - 1
    if disqualified:
        star = 0
    achieved = star >= min_recognised_star
    recognised = None
    proposed = False
    if level is not None and achieved:
        allowed = [s for s in level.stars if s <= star]
        recognised = max(allowed) if allowed else None
        proposed = (
            level.propose_from is not None
            and Fraction(score) >= Fraction(level.propose_from)
            and star > max(level.stars, default=0)
        )
    return Ranking(
        band_star=band_star,
        star=star,
        achieved=achieved,
        recognised_star=recognised,
        proposed=proposed,
        capped_by=capped_by,
        disqualified=disqualified,
        unmet=unmet,
        capping=tuple(c for c in unmet if c.star == capped_by) if capped_by else (),
    )


def unmet_conditions(
    conditions: Iterable[ConditionSpec], holds_count: Mapping[str, int], members: int
) -> tuple[tuple[ConditionSpec, ...], bool]:
    """Judge the conditions for a product from how many members' sheets
    satisfy each (``holds_count``): a condition is met when a strict majority
    of the members who submitted satisfy it (a tie is not a majority). Returns
    the unmet mandatory conditions, in the sheet's order, and whether a
    disqualifying condition holds."""
    unmet: list[ConditionSpec] = []
    disqualified = False
    for condition in conditions:
        met = majority(holds_count.get(condition.code, 0), members)
        if condition.kind == MANDATORY and not met and condition.star:
            unmet.append(condition)
        elif condition.kind == DISQUALIFYING and met:
            disqualified = True
    return tuple(unmet), disqualified


def unmet_star_levels(
    conditions: Iterable[ConditionSpec], holds_count: Mapping[str, int], members: int
) -> tuple[set[int], bool]:
    """The star levels with an unmet mandatory condition (see
    ``unmet_conditions``) and whether a disqualifying condition holds."""
    unmet, disqualified = unmet_conditions(conditions, holds_count, members)
    return {c.star for c in unmet if c.star}, disqualified


def calibration(deviations: Iterable[Fraction]) -> Fraction | None:
    """A member's calibration: mean deviation of their totals from the council
    means over the products they scored (positive = more generous)."""
    values = list(deviations)
    if not values:
        return None
    return sum(values, Fraction(0)) / len(values)
