"""Mandatory criteria per star, read from a sheet's conditions: the star levels
a criterion is mandatory for, and what a set of answers still needs for the
next star. Pure functions on the engine's dataclasses: no database, no request.

A star mark of Phụ lục III becomes a mandatory condition (docs/criteria-format.md,
"Mandatory criteria per star"): for a single-choice criterion it lists the
marked option and every option worth more ("this option or a better one"); for
a tick-box criterion, the marked box. A product reaches N★ only if the
conditions of every level up to N hold (``engine.rank``).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .engine import (
    DISQUALIFYING,
    MANDATORY,
    SINGLE,
    Answer,
    Band,
    ConditionSpec,
    CriterionSpec,
    OptionSpec,
    SheetSpec,
    branches_of_any,
    condition_holds,
    counted_criteria,
    rank,
    score_sheet,
)


def mandatory_levels(spec: SheetSpec) -> dict[str, tuple[int, ...]]:
    """The star levels each criterion is mandatory for, by criterion code
    (criteria without a mandatory condition are left out)."""
    levels: dict[str, set[int]] = {}
    for condition in spec.conditions:
        if condition.kind == MANDATORY and condition.star:
            levels.setdefault(condition.criterion, set()).add(condition.star)
    return {code: tuple(sorted(stars)) for code, stars in levels.items()}


@dataclass(frozen=True)
class Requirement:
    """An unmet mandatory condition, with the option it asks for."""

    condition: ConditionSpec
    criterion: CriterionSpec
    option: OptionSpec | None  # the least option that satisfies it (the marked one)
    or_better: bool  # single choice: "this option or one worth more"

    @property
    def star(self) -> int:
        return self.condition.star or 0


def requirement_for(condition: ConditionSpec, criterion: CriterionSpec) -> Requirement:
    allowed = [o for o in criterion.options if o.code in condition.option_codes]
    option = min(allowed, key=lambda o: o.points) if allowed else None
    better = [o for o in allowed if option is not None and o.points > option.points]
    return Requirement(
        condition=condition,
        criterion=criterion,
        option=option,
        or_better=criterion.kind == SINGLE and bool(better),
    )


@dataclass(frozen=True)
class StarGap:
    """Where a set of answers stands and what the next star still needs."""

    total: Decimal
    band_star: int  # the band of the total alone
    star: int  # after the mandatory criteria (0 when a disqualifying condition holds)
    next_star: int | None  # the star to aim for; None at the top
    points_missing: Decimal  # points below the next star's band (0 when already in it)
    requirements: tuple[Requirement, ...]  # unmet mandatory criteria up to the next star
    achieved: bool = False  # the star is a recognised one (3★ or more)
    disqualified: bool = False

    @property
    def complete(self) -> bool:
        """Nothing is missing for the next star."""
        return not self.points_missing and not self.requirements


def star_gap(
    spec: SheetSpec,
    answers: Mapping[str, Answer],
    bands: Iterable[Band],
    *,
    min_recognised_star: int = 3,
    branches: Mapping[str, str] | None = None,
) -> StarGap:
    """The star one set of answers reaches (a self-assessment: one person, so
    each condition holds or not on these answers alone) and, for the next star
    (at least the lowest recognised one), the points missing to its band and
    the mandatory criteria of every level up to it that are not met. With
    alternative cases, only the chosen ``branches`` count (their criteria and
    the conditions on them)."""
    bands = list(bands)
    total = score_sheet(spec, answers, branches).total
    counted = counted_criteria(spec, branches) if branches_of_any(spec) else spec.criteria
    criteria = {c.code: c for c in counted}
    unmet: list[ConditionSpec] = []
    disqualified = False
    for condition in spec.conditions:
        criterion = criteria.get(condition.criterion)
        if criterion is None:
            continue
        holds = condition_holds(condition, criterion, answers.get(condition.criterion))
        if condition.kind == MANDATORY and condition.star and not holds:
            unmet.append(condition)
        elif condition.kind == DISQUALIFYING and holds:
            disqualified = True
    ranking = rank(
        score=total,
        bands=bands,
        unmet_conditions=unmet,
        disqualified=disqualified,
        min_recognised_star=min_recognised_star,
    )
    by_star = {b.star: b for b in bands}
    target = max(ranking.star + 1, min_recognised_star)
    if target not in by_star:
        return StarGap(
            total=total,
            band_star=ranking.band_star,
            star=ranking.star,
            next_star=None,
            points_missing=Decimal(0),
            requirements=(),
            achieved=ranking.achieved,
            disqualified=disqualified,
        )
    return StarGap(
        total=total,
        band_star=ranking.band_star,
        star=ranking.star,
        next_star=target,
        points_missing=max(Decimal(by_star[target].min_score) - total, Decimal(0)),
        requirements=tuple(
            requirement_for(c, criteria[c.criterion])
            for c in ranking.unmet
            if c.star is not None and c.star <= target
        ),
        achieved=ranking.achieved,
        disqualified=disqualified,
    )
