"""The scoring rules as pure functions: no database, no request, no clock.

Everything here works on the frozen dataclasses below (the checks that a
sheet adds up are in ``ocop.criteria.validation``), built from the database
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
# Bounds of a sheet (docs/criteria-format.md): a scoring form, not a database.
MAX_OPTIONS = 30  # options of one criterion
MAX_CRITERIA = 400  # criteria of one sheet


class AnswerError(ValueError):
    """An answer that the criterion does not allow (unknown option, number out of range…)."""


@dataclass(frozen=True)
class OptionSpec:
    code: str
    points: Decimal
    text: str = ""
    stars: int | None = None  # marked as required (this option or a better one) for N★


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
    branch: bool = False  # one alternative case of its parent section


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


# Alternative branches ------------------------------------------------------------


def branches_of(spec: SheetSpec, code: str) -> tuple[SectionSpec, ...]:
    """The alternative branches of a section (empty for most sections)."""
    return tuple(s for s in spec.sections if s.parent == code and s.branch)


def branching_sections(spec: SheetSpec) -> tuple[SectionSpec, ...]:
    """Sections whose alternative branches the council chooses between."""
    parents = {s.parent for s in spec.sections if s.branch}
    return tuple(s for s in spec.sections if s.code in parents)


def _in_chosen_branches(spec: SheetSpec, section: str | None, chosen: Mapping[str, str]) -> bool:
    sections = {s.code: s for s in spec.sections}
    seen: set[str] = set()
    while section is not None and section in sections and section not in seen:
        seen.add(section)
        node = sections[section]
        if node.branch and chosen.get(node.parent) != node.code:
            return False
        section = node.parent
    return True


def counted_criteria(
    spec: SheetSpec, branches: Mapping[str, str] | None = None
) -> tuple[CriterionSpec, ...]:
    """The criteria that are scored and counted: all of them, except those of
    a branch that is not the chosen one (``branches``: section code → the
    code of its chosen branch; a section with no choice counts no branch)."""
    chosen = dict(branches or {})
    return tuple(c for c in spec.criteria if _in_chosen_branches(spec, c.section, chosen))


def missing_branch_choices(
    spec: SheetSpec, branches: Mapping[str, str] | None = None
) -> list[SectionSpec]:
    """Branching sections (that count) with no valid branch chosen."""
    chosen = dict(branches or {})
    return [
        s
        for s in branching_sections(spec)
        if _in_chosen_branches(spec, s.code, chosen)
        and chosen.get(s.code) not in {b.code for b in branches_of(spec, s.code)}
    ]


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


def score_sheet(
    spec: SheetSpec, answers: Mapping[str, Answer], branches: Mapping[str, str] | None = None
) -> SheetScore:
    """Totals of one member's sheet (unanswered criteria count 0). Only the
    chosen ``branches`` of a section with alternative branches count: the
    criteria of the other branches count 0 whatever their answers."""
    criteria: dict[str, Decimal] = {c.code: Decimal(0) for c in spec.criteria}
    parts = {p.code: Decimal(0) for p in spec.parts}
    for criterion in counted_criteria(spec, branches) if branches_of_any(spec) else spec.criteria:
        answer = answers.get(criterion.code)
        points = criterion_points(criterion, answer) if answer is not None else Decimal(0)
        criteria[criterion.code] = points
        parts[criterion.part] = parts.get(criterion.part, Decimal(0)) + points
    return SheetScore(total=sum(parts.values(), Decimal(0)), parts=parts, criteria=criteria)


def branches_of_any(spec: SheetSpec) -> bool:
    """Whether the sheet has alternative branches at all."""
    return any(s.branch for s in spec.sections)


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
