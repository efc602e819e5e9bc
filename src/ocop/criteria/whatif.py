"""What-if of a rule change, as pure functions (no database, no clock): the
star each stored result would get under other bands, another lowest
recognised star, or other mandatory conditions — from the members' stored
answers when there are any, else from the stored totals and the conditions
as the council judged them. Nothing here writes anything; the stored results
are read by ``ocop.evaluation.domain.whatif`` and only compared.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction

from ocop.criteria import engine

ANSWERS, TOTALS = "answers", "totals"


@dataclass(frozen=True)
class Scenario:
    """A scratch copy of the ranking rules.

    ``bands``: the star bands to apply; ``min_recognised_star``: the lowest
    star recognised; ``dropped_levels``: star levels whose mandatory
    conditions no longer apply; ``condition_stars``: condition code → the star
    level it now belongs to (``None``: no longer mandatory)."""

    bands: tuple[engine.Band, ...]
    min_recognised_star: int = 3
    dropped_levels: frozenset[int] = frozenset()
    condition_stars: Mapping[str, int | None] = field(default_factory=dict)

    def conditions(
        self, conditions: Iterable[engine.ConditionSpec]
    ) -> tuple[engine.ConditionSpec, ...]:
        """The conditions as this scenario applies them."""
        kept = []
        for condition in conditions:
            if condition.kind == engine.MANDATORY and condition.code in self.condition_stars:
                star = self.condition_stars[condition.code]
                if star is None:
                    continue
                condition = replace(condition, star=star)
            if condition.kind == engine.MANDATORY and condition.star in self.dropped_levels:
                continue
            kept.append(condition)
        return tuple(kept)


@dataclass(frozen=True)
class StoredResult:
    """One decided agenda item as stored, with what the what-if needs.

    ``sheets``: the answers of each member's submitted sheet of the final
    round (empty when only totals are stored, e.g. results imported from
    paper); ``mean``: the stored exact mean; ``unmet``: the mandatory
    conditions the council found unmet; ``spec`` may be None with no answers."""

    key: int
    province: str
    product_set: str
    star: int
    mean: Fraction
    achieved: bool = True
    spec: engine.SheetSpec | None = None
    branches: Mapping[str, str] = field(default_factory=dict)
    sheets: tuple[Mapping[str, engine.Answer], ...] = ()
    unmet: tuple[engine.ConditionSpec, ...] = ()
    disqualified: bool = False

    @property
    def basis(self) -> str:
        return ANSWERS if self.sheets and self.spec is not None else TOTALS


def rerank(result: StoredResult, scenario: Scenario) -> engine.Ranking:
    """The ranking ``result`` would get under ``scenario``."""
    if result.basis == ANSWERS:
        spec = result.spec
        counted = {c.code for c in engine.counted_criteria(spec, result.branches)}
        totals = [
            engine.score_sheet(spec, answers, result.branches).total for answers in result.sheets
        ]
        mean = engine.aggregate(totals).mean
        criteria = {c.code: c for c in spec.criteria}
        conditions = [c for c in scenario.conditions(spec.conditions) if c.criterion in counted]
        holds = {
            c.code: sum(
                1
                for answers in result.sheets
                if engine.condition_holds(c, criteria[c.criterion], answers.get(c.criterion))
            )
            for c in conditions
        }
        unmet, disqualified = engine.unmet_conditions(conditions, holds, len(result.sheets))
    else:
        mean = result.mean
        unmet = scenario.conditions(result.unmet)
        disqualified = result.disqualified
    return engine.rank(
        score=mean,
        bands=scenario.bands,
        unmet_conditions=unmet,
        disqualified=disqualified,
        min_recognised_star=scenario.min_recognised_star,
    )


@dataclass
class GroupCount:
    province: str
    product_set: str
    results: int = 0
    changed: int = 0
    up: int = 0
    down: int = 0
    totals_only: int = 0


@dataclass
class Report:
    results: int = 0
    changed: int = 0
    up: int = 0
    down: int = 0
    totals_only: int = 0
    lost_recognition: int = 0  # recognised before, below the lowest recognised star now
    groups: dict[tuple[str, str], GroupCount] = field(default_factory=dict)
    # (from star, to star) → how many results move that way
    moves: dict[tuple[int, int], int] = field(default_factory=dict)
    examples: list[tuple[StoredResult, engine.Ranking]] = field(default_factory=list)

    def rows(self) -> list[GroupCount]:
        """By province and product set, the groups with changes first."""
        return sorted(self.groups.values(), key=lambda g: (-g.changed, g.province, g.product_set))


def what_if(
    results: Iterable[StoredResult], scenario: Scenario, *, examples: int = 50, report=None
) -> Report:
    """Count the stored results whose star ``scenario`` would change, by
    province and product set (``report``: add to an earlier report, for
    results read in chunks)."""
    report = report or Report()
    for result in results:
        ranking = rerank(result, scenario)
        group = report.groups.setdefault(
            (result.province, result.product_set),
            GroupCount(province=result.province, product_set=result.product_set),
        )
        report.results += 1
        group.results += 1
        if result.basis == TOTALS:
            report.totals_only += 1
            group.totals_only += 1
        if result.achieved and not ranking.achieved:
            report.lost_recognition += 1
        if ranking.star == result.star:
            continue
        report.changed += 1
        group.changed += 1
        if ranking.star > result.star:
            report.up += 1
            group.up += 1
        else:
            report.down += 1
            group.down += 1
        move = (result.star, ranking.star)
        report.moves[move] = report.moves.get(move, 0) + 1
        if len(report.examples) < examples:
            report.examples.append((result, ranking))
    return report
