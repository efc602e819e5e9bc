"""The pure scoring engine (``ocop.criteria.engine``): no database, no request,
no clock. Hypothesis checks the invariants (totals never exceed maxima, bands
are monotone, caps only lower a star, mean and spread are exact); examples pin
the boundaries of the 148/QĐ-TTg bands and the levels of 1489/QĐ-TTg.

No test here requests the ``db`` fixture, so pytest-django would fail any test
that touched the database."""

import ast
import os
import re
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ocop.criteria import engine
from ocop.criteria.engine import (
    DISQUALIFYING,
    MANDATORY,
    MULTI,
    NUMBER,
    SINGLE,
    Aggregate,
    Answer,
    AnswerError,
    Band,
    ConditionSpec,
    CriterionSpec,
    LevelRule,
    OptionSpec,
    PartSpec,
    SectionSpec,
    SheetSpec,
    aggregate,
    band_for,
    calibration,
    condition_holds,
    criterion_points,
    is_answered,
    majority,
    rank,
    score_sheet,
    unmet_star_levels,
)
from ocop.criteria.validation import validate_sheet

FAST = settings(max_examples=200, deadline=None)
D = Decimal

# 148/QĐ-TTg: 1★ [0,30), 2★ [30,50), 3★ [50,70), 4★ [70,90), 5★ [90,100].
BANDS_148 = (
    Band(star=1, min_score=D(0), max_score=D(30)),
    Band(star=2, min_score=D(30), max_score=D(50)),
    Band(star=3, min_score=D(50), max_score=D(70)),
    Band(star=4, min_score=D(70), max_score=D(90)),
    Band(star=5, min_score=D(90)),
)
# From 6 July 2025 (1489/QĐ-TTg): the province recognises 3★ and 4★ and proposes
# from 90 points; the centre recognises 5★.
PROVINCE_1489 = LevelRule(stars=frozenset({3, 4}), propose_from=D(90))
CENTRAL = LevelRule(stars=frozenset({5}))
# Under 148 before 6 July 2025: the district recognises 3★ (proposes from 70),
# the province 4★ (proposes from 90).
DISTRICT_148 = LevelRule(stars=frozenset({3}), propose_from=D(70))
PROVINCE_148 = LevelRule(stars=frozenset({4}), propose_from=D(90))
LEVELS = (PROVINCE_1489, CENTRAL, DISTRICT_148, PROVINCE_148)


def names(message: str, code: str) -> bool:
    """Whether a message names a code as a whole token (``CA1`` is not in ``CA12``)."""
    return re.search(rf"(?<![\w.]){re.escape(code)}(?!\w|\.\w)", message) is not None


def reference_band(score) -> int:
    """The 148 band by counting thresholds, independently of ``band_for``."""
    value = Fraction(score)
    if value < 0:
        return 0
    return 1 + sum(value >= t for t in (30, 50, 70, 90))


# A sound sheet -----------------------------------------------------------------
#
# PA (40): section SA1 (25) with sub-section SA1X (15)
#            CA11 single 10, CA12 multi 15 (in SA1X), CA2 number 15
# PB (35.5): CB1 single 35.5
# PC (24.5): CC1 number 24.5 (range 0–24.5)

CA11 = CriterionSpec(
    code="CA11",
    part="PA",
    section="SA1",
    max_points=D(10),
    kind=SINGLE,
    options=(OptionSpec("a", D(0)), OptionSpec("b", D(5)), OptionSpec("c", D(10))),
)
CA12 = CriterionSpec(
    code="CA12",
    part="PA",
    section="SA1X",
    max_points=D(15),
    kind=MULTI,
    options=(OptionSpec("x", D(5)), OptionSpec("y", D(5)), OptionSpec("z", D(10))),
)
CA2 = CriterionSpec(
    code="CA2", part="PA", max_points=D(15), kind=NUMBER, min_value=D(0), max_value=D(15)
)
CB1 = CriterionSpec(
    code="CB1",
    part="PB",
    max_points=D("35.5"),
    kind=SINGLE,
    options=(OptionSpec("low", D("10.25")), OptionSpec("high", D("35.50"))),
)
CC1 = CriterionSpec(
    code="CC1",
    part="PC",
    max_points=D("24.5"),
    kind=NUMBER,
    min_value=D(0),
    max_value=D("24.5"),
)
SOUND = SheetSpec(
    parts=(PartSpec("PA", D(40)), PartSpec("PB", D("35.5")), PartSpec("PC", D("24.50"))),
    sections=(
        SectionSpec("SA1", "PA", max_points=D(25)),
        SectionSpec("SA1X", "PA", parent="SA1", max_points=D(15)),
    ),
    criteria=(CA11, CA12, CA2, CB1, CC1),
    conditions=(
        ConditionSpec("K3", MANDATORY, "CA11", star=3, option_codes=frozenset({"b", "c"})),
        ConditionSpec("K4", MANDATORY, "CB1", star=4, min_points=D("35.5")),
        ConditionSpec("KL", DISQUALIFYING, "CA12", option_codes=frozenset({"z"})),
    ),
)


# The same sheet without conditions, so that a broken criterion is reported once.
BARE = replace(SOUND, conditions=())


def with_criterion(spec: SheetSpec, code: str, **changes) -> SheetSpec:
    return replace(
        spec,
        criteria=tuple(replace(c, **changes) if c.code == code else c for c in spec.criteria),
    )


def with_section(spec: SheetSpec, code: str, **changes) -> SheetSpec:
    return replace(
        spec,
        sections=tuple(replace(s, **changes) if s.code == code else s for s in spec.sections),
    )


# validate_sheet: examples ------------------------------------------------------


def test_a_sound_sheet_has_no_errors():
    assert validate_sheet(SOUND) == []


def test_a_sound_sheet_scores_one_hundred_at_best():
    best = {
        "CA11": Answer(options=frozenset({"c"})),
        "CA12": Answer(options=frozenset({"x", "y", "z"})),
        "CA2": Answer(value=D(15)),
        "CB1": Answer(options=frozenset({"high"})),
        "CC1": Answer(value=D("24.5")),
    }
    score = score_sheet(SOUND, best)
    assert score.total == D(100)
    assert score.parts == {"PA": D(40), "PB": D("35.5"), "PC": D("24.5")}
    assert score.criteria["CA12"] == D(15)  # 20 points of options, capped at 15


@pytest.mark.parametrize(
    ("spec", "codes"),
    [
        pytest.param(
            with_criterion(
                BARE,
                "CA11",
                options=(OptionSpec("a", D(0)), OptionSpec("b", D(5)), OptionSpec("c", D(8))),
            ),
            ["CA11"],
            id="single-best-option-below-max",
        ),
        pytest.param(
            with_criterion(
                BARE,
                "CA11",
                options=(OptionSpec("a", D(0)), OptionSpec("b", D(5)), OptionSpec("c", D(12))),
            ),
            ["CA11"],
            id="single-best-option-above-max",
        ),
        pytest.param(
            with_criterion(BARE, "CA11", options=()),
            ["CA11"],
            id="single-without-options",
        ),
        pytest.param(
            with_criterion(BARE, "CA12", options=(OptionSpec("x", D(5)), OptionSpec("y", D(5)))),
            ["CA12"],
            id="multi-cannot-reach-max",
        ),
        pytest.param(
            with_criterion(BARE, "CA12", options=()),
            ["CA12"],
            id="multi-without-options",
        ),
        pytest.param(
            with_criterion(BARE, "CA2", min_value=None),
            ["CA2"],
            id="number-without-min",
        ),
        pytest.param(
            with_criterion(BARE, "CC1", max_value=None),
            ["CC1"],
            id="number-without-max",
        ),
        pytest.param(
            with_criterion(BARE, "CC1", max_value=D(20)),
            ["CC1"],
            id="number-range-below-max",
        ),
        pytest.param(
            with_criterion(BARE, "CC1", min_value=D(-1)),
            ["CC1"],
            id="number-range-below-zero",
        ),
        pytest.param(
            with_criterion(
                BARE, "CB1", options=(OptionSpec("low", D(10)), OptionSpec("low", D("35.5")))
            ),
            ["CB1"],
            id="duplicate-option-codes",
        ),
        pytest.param(
            with_criterion(
                BARE, "CB1", options=(OptionSpec("neg", D(-1)), OptionSpec("high", D("35.5")))
            ),
            ["CB1"],
            id="negative-option",
        ),
        pytest.param(
            with_criterion(BARE, "CA2", kind="slider"),
            ["CA2"],
            id="unknown-kind",
        ),
        pytest.param(
            with_section(BARE, "SA1", max_points=D(30)),
            ["SA1"],
            id="section-max-differs",
        ),
        pytest.param(
            with_section(BARE, "SA1X", max_points=D(14)),
            ["SA1X"],
            id="sub-section-max-differs",
        ),
        pytest.param(
            with_section(BARE, "SA1X", part="PZ"),
            ["SA1X", "PZ"],
            id="section-in-unknown-part",
        ),
        pytest.param(
            with_criterion(BARE, "CA2", section="SZZ"),
            ["CA2", "SZZ"],
            id="criterion-in-unknown-section",
        ),
        pytest.param(
            replace(
                BARE,
                sections=(
                    SectionSpec("PA", "PA", max_points=D(25)),
                    SectionSpec("SA1X", "PA", parent="PA", max_points=D(15)),
                ),
                criteria=tuple(
                    replace(c, section="PA") if c.section == "SA1" else c for c in BARE.criteria
                ),
            ),
            ["PA"],
            id="section-code-equals-part-code",
        ),
        pytest.param(
            replace(
                BARE,
                criteria=tuple(
                    replace(c, code="CA11") if c.code == "CA2" else c for c in BARE.criteria
                ),
            ),
            ["CA11"],
            id="duplicate-criterion-code",
        ),
        pytest.param(
            replace(
                BARE,
                conditions=(ConditionSpec("KX", MANDATORY, "CZZ", star=3),),
            ),
            ["KX", "CZZ"],
            id="condition-on-unknown-criterion",
        ),
        pytest.param(
            replace(
                SOUND,
                conditions=(
                    ConditionSpec(
                        "KX", MANDATORY, "CA11", star=3, option_codes=frozenset({"c", "q"})
                    ),
                ),
            ),
            ["KX", "CA11", "q"],
            id="condition-on-unknown-option",
        ),
        pytest.param(
            replace(SOUND, conditions=(ConditionSpec("KX", MANDATORY, "CA11"),)),
            ["KX"],
            id="mandatory-without-star",
        ),
        pytest.param(
            replace(SOUND, conditions=(ConditionSpec("KX", MANDATORY, "CA11", star=6),)),
            ["KX"],
            id="mandatory-star-out-of-range",
        ),
    ],
)
def test_each_defect_gives_exactly_one_message_naming_what_is_at_fault(spec, codes):
    errors = validate_sheet(spec)
    assert len(errors) == 1, errors
    for code in codes:
        assert names(errors[0], code), (code, errors)


def test_a_criterion_in_an_unknown_part_is_named():
    spec = with_criterion(SOUND, "CB1", part="PZ")
    errors = validate_sheet(spec)
    # The criterion names its unknown part, and part PB no longer adds up.
    assert any(names(e, "CB1") and names(e, "PZ") for e in errors), errors
    assert any(names(e, "PB") for e in errors), errors


def test_a_criterion_without_points_is_named():
    spec = with_criterion(SOUND, "CA2", max_points=D(0), max_value=D(0))
    errors = validate_sheet(spec)
    assert any(names(e, "CA2") for e in errors), errors
    assert any(names(e, "PA") for e in errors), errors


def test_parts_not_summing_to_one_hundred():
    spec = replace(
        SOUND,
        parts=SOUND.parts[:2],
        criteria=tuple(c for c in SOUND.criteria if c.part != "PC"),
    )
    errors = validate_sheet(spec)
    assert len(errors) == 1, errors
    assert "75.5" in errors[0]
    assert "100" in errors[0]


def test_a_part_whose_criteria_do_not_add_up_is_named():
    spec = replace(SOUND, parts=(PartSpec("PA", D(45)), *SOUND.parts[1:]))
    errors = validate_sheet(spec)
    # PA is 45 while its criteria give 40, and the parts now add up to 105.
    assert any(names(e, "PA") and "40" in e and "45" in e for e in errors), errors
    assert any("105" in e for e in errors), errors


def test_a_code_used_three_times_is_reported_and_every_defect_is_listed():
    spec = replace(
        SOUND,
        criteria=(
            *SOUND.criteria,
            replace(CA2, code="CB1", part="PB", max_points=D(1), max_value=D(1)),
        ),
        conditions=(ConditionSpec("KX", MANDATORY, "CA11"),),
    )
    errors = validate_sheet(spec)
    assert any(names(e, "CB1") for e in errors)
    assert any(names(e, "PB") for e in errors)
    assert any(names(e, "KX") for e in errors)


def test_a_number_range_that_runs_backwards_is_named():
    """A number criterion whose minimum is above its maximum accepts no answer
    at all (every value raises AnswerError), yet the range is said to run
    "from 0 or more up to its maximum"."""
    spec = with_criterion(BARE, "CC1", min_value=D(30))
    with pytest.raises(AnswerError):
        criterion_points(spec.criterion("CC1"), Answer(value=D(24)))
    errors = validate_sheet(spec)
    assert any(names(e, "CC1") for e in errors), errors


def test_a_section_whose_parent_is_unknown_is_named():
    """A section hanging under a section that does not exist is as much a
    defect as a criterion in a section that does not exist (which is reported);
    its points then silently count towards no parent."""
    spec = with_section(SOUND, "SA1X", parent="SZZ", max_points=D(15))
    spec = with_section(spec, "SA1", max_points=D(10))
    errors = validate_sheet(spec)
    assert any(names(e, "SA1X") and names(e, "SZZ") for e in errors), errors


def test_a_section_cycle_is_reported_not_a_crash():
    """A sheet read from a file or the database may name a section as its own
    ancestor; validation should say so rather than recurse without end."""
    spec = with_section(SOUND, "SA1", parent="SA1X")
    errors = validate_sheet(spec)
    assert any(names(e, "SA1") or names(e, "SA1X") for e in errors), errors


# criterion_points / is_answered / condition_holds ------------------------------


@pytest.mark.parametrize(
    ("criterion", "answer"),
    [
        pytest.param(CA11, Answer(options=frozenset({"nope"})), id="unknown-option"),
        pytest.param(CA12, Answer(options=frozenset({"x", "nope"})), id="unknown-option-multi"),
        pytest.param(CA11, Answer(options=frozenset({"a", "c"})), id="two-options-on-single"),
        pytest.param(CA2, Answer(value=D("15.01")), id="number-above-range"),
        pytest.param(CA2, Answer(value=D("-0.01")), id="number-below-range"),
        pytest.param(
            replace(CA2, min_value=D(5)), Answer(value=D("4.99")), id="number-below-minimum"
        ),
        pytest.param(CA11, Answer(value=D(5)), id="number-on-single"),
        pytest.param(CA12, Answer(value=D(5)), id="number-on-multi"),
        pytest.param(CA2, Answer(options=frozenset({"a"})), id="options-on-number"),
    ],
)
def test_answers_the_criterion_does_not_allow_raise(criterion, answer):
    with pytest.raises(AnswerError) as raised:
        criterion_points(criterion, answer)
    assert names(str(raised.value), criterion.code)


def test_answer_error_is_a_value_error():
    assert issubclass(AnswerError, ValueError)


@pytest.mark.parametrize(
    ("criterion", "answer", "points"),
    [
        (CA11, Answer(), D(0)),
        (CA11, Answer(options=frozenset({"a"})), D(0)),
        (CA11, Answer(options=frozenset({"b"})), D(5)),
        (CA11, Answer(options=frozenset({"c"})), D(10)),
        (CA12, Answer(), D(0)),
        (CA12, Answer(options=frozenset({"x"})), D(5)),
        (CA12, Answer(options=frozenset({"x", "y"})), D(10)),
        (CA12, Answer(options=frozenset({"y", "z"})), D(15)),
        (CA12, Answer(options=frozenset({"x", "y", "z"})), D(15)),
        (CA2, Answer(), D(0)),
        (CA2, Answer(value=D(0)), D(0)),
        (CA2, Answer(value=D("7.25")), D("7.25")),
        (CA2, Answer(value=D(15)), D(15)),
        (CB1, Answer(options=frozenset({"low"})), D("10.25")),
    ],
)
def test_criterion_points(criterion, answer, points):
    assert criterion_points(criterion, answer) == points


def test_is_answered():
    assert not is_answered(CA11, None)
    assert not is_answered(CA11, Answer())
    assert is_answered(CA11, Answer(options=frozenset({"a"})))
    assert is_answered(CA12, Answer())  # a multi answered with nothing is worth 0
    assert not is_answered(CA12, None)
    assert not is_answered(CA2, Answer())
    assert is_answered(CA2, Answer(value=D(0)))


def test_condition_holds():
    k3, k4, kl = SOUND.conditions
    assert not condition_holds(k3, CA11, None)
    assert not condition_holds(k3, CA11, Answer(options=frozenset({"a"})))
    assert condition_holds(k3, CA11, Answer(options=frozenset({"b"})))
    assert condition_holds(k3, CA11, Answer(options=frozenset({"c"})))
    assert not condition_holds(k4, CB1, Answer(options=frozenset({"low"})))
    assert condition_holds(k4, CB1, Answer(options=frozenset({"high"})))
    assert condition_holds(kl, CA12, Answer(options=frozenset({"x", "z"})))
    assert not condition_holds(kl, CA12, Answer(options=frozenset({"x", "y"})))
    at_least_7 = ConditionSpec("K7", MANDATORY, "CA2", star=3, min_points=D(7))
    assert condition_holds(at_least_7, CA2, Answer(value=D(7)))
    assert not condition_holds(at_least_7, CA2, Answer(value=D("6.99")))


def test_unanswered_criteria_count_zero_and_unknown_answers_are_ignored():
    score = score_sheet(SOUND, {"CB1": Answer(options=frozenset({"low"})), "CZZ": Answer()})
    assert score.total == D("10.25")
    assert score.parts == {"PA": D(0), "PB": D("10.25"), "PC": D(0)}
    assert set(score.criteria) == {"CA11", "CA12", "CA2", "CB1", "CC1"}


# Random valid sheets -----------------------------------------------------------


@st.composite
def split(draw, total: int, count: int, step: int = 1):
    """``count`` positive multiples of ``step`` adding up to ``total``."""
    cuts = draw(
        st.lists(
            st.integers(1, total // step - 1),
            min_size=count - 1,
            max_size=count - 1,
            unique=True,
        )
        if count > 1
        else st.just([])
    )
    edges = [0, *sorted(c * step for c in cuts), total]
    return [b - a for a, b in pairwise(edges)]


def cents(n: int) -> Decimal:
    return D(n).scaleb(-2)


@st.composite
def criterion_specs(draw, code: str, part: str, max_cents: int, section: str | None):
    kind = draw(st.sampled_from([SINGLE, MULTI, NUMBER]))
    max_points = cents(max_cents)
    if kind == NUMBER:
        low = draw(st.integers(0, max_cents))
        return CriterionSpec(
            code=code,
            part=part,
            section=section,
            max_points=max_points,
            kind=NUMBER,
            min_value=cents(low),
            max_value=max_points,
        )
    points = draw(st.lists(st.integers(0, max_cents), min_size=0, max_size=4))
    if kind == SINGLE:
        points.insert(draw(st.integers(0, len(points))), max_cents)
    elif sum(points) < max_cents:
        # No tick-box option is worth more than the criterion (the validator refuses it).
        points.append(max_cents - sum(points) + draw(st.integers(0, sum(points))))
    options = tuple(OptionSpec(f"{code}-o{i}", cents(p)) for i, p in enumerate(points))
    return CriterionSpec(
        code=code, part=part, section=section, max_points=max_points, kind=kind, options=options
    )


@st.composite
def sheet_specs(draw):
    step = draw(st.sampled_from([1, 100]))  # maxima with two decimals, or whole points
    part_cents = draw(split(10000, draw(st.integers(1, 5)), step))
    parts, sections, criteria = [], [], []
    for p, p_cents in enumerate(part_cents):
        part = f"P{p}"
        parts.append(PartSpec(part, cents(p_cents)))
        count = draw(st.integers(1, min(6, p_cents)))
        members = []
        for i, c_cents in enumerate(draw(split(p_cents, count))):
            section = draw(st.sampled_from([None, f"S{p}", f"S{p}x"]))
            criterion = draw(criterion_specs(f"C{p}.{i}", part, c_cents, section))
            members.append(criterion)
        criteria.extend(members)
        inner = sum((c.max_points for c in members if c.section == f"S{p}x"), D(0))
        outer = inner + sum((c.max_points for c in members if c.section == f"S{p}"), D(0))
        sections.append(SectionSpec(f"S{p}", part, max_points=draw(st.sampled_from([None, outer]))))
        sections.append(
            SectionSpec(
                f"S{p}x", part, parent=f"S{p}", max_points=draw(st.sampled_from([None, inner]))
            )
        )
    conditions = []
    for k in range(draw(st.integers(0, 4))):
        criterion = draw(st.sampled_from(criteria))
        codes = frozenset(
            draw(st.lists(st.sampled_from([o.code for o in criterion.options]), max_size=2))
            if criterion.options
            else ()
        )
        kind = draw(st.sampled_from([MANDATORY, DISQUALIFYING]))
        conditions.append(
            ConditionSpec(
                f"K{k}",
                kind,
                criterion.code,
                star=draw(st.integers(1, 5)) if kind == MANDATORY else None,
                option_codes=codes,
                min_points=draw(st.none() | st.just(criterion.max_points)),
            )
        )
    return SheetSpec(
        parts=tuple(parts),
        criteria=tuple(criteria),
        sections=tuple(sections),
        conditions=tuple(conditions),
    )


@st.composite
def answer_for(draw, criterion: CriterionSpec):
    if criterion.kind == NUMBER:
        low = int(criterion.min_value.scaleb(2))
        high = int(criterion.max_value.scaleb(2))
        return Answer(value=draw(st.none() | st.integers(low, high).map(cents)))
    codes = [o.code for o in criterion.options]
    if criterion.kind == SINGLE:
        return Answer(options=frozenset(draw(st.lists(st.sampled_from(codes), max_size=1))))
    return Answer(options=frozenset(draw(st.lists(st.sampled_from(codes), unique=True))))


@st.composite
def sheets_with_answers(draw):
    spec = draw(sheet_specs())
    answers = {}
    for criterion in spec.criteria:
        if draw(st.booleans()):
            answers[criterion.code] = draw(answer_for(criterion))
    return spec, answers


def best_answer(criterion: CriterionSpec) -> Answer:
    if criterion.kind == NUMBER:
        return Answer(value=criterion.max_value)
    if criterion.kind == SINGLE:
        best = max(criterion.options, key=lambda o: o.points)
        return Answer(options=frozenset({best.code}))
    return Answer(options=frozenset(o.code for o in criterion.options))


@FAST
@given(sheet_specs())
def test_random_valid_sheets_validate(spec):
    assert sum((p.max_points for p in spec.parts), D(0)) == D(100)
    assert validate_sheet(spec) == []


@FAST
@given(sheet_specs())
def test_the_best_answers_score_exactly_the_maximum(spec):
    score = score_sheet(spec, {c.code: best_answer(c) for c in spec.criteria})
    assert score.total == D(100)
    assert score.parts == {p.code: p.max_points for p in spec.parts}
    assert score.criteria == {c.code: c.max_points for c in spec.criteria}


@FAST
@given(sheets_with_answers())
def test_totals_never_exceed_maxima_and_add_up_exactly(spec_answers):
    spec, answers = spec_answers
    score = score_sheet(spec, answers)
    for criterion in spec.criteria:
        assert D(0) <= score.criteria[criterion.code] <= criterion.max_points
    for part in spec.parts:
        assert D(0) <= score.parts[part.code] <= part.max_points
        assert score.parts[part.code] == sum(
            (score.criteria[c.code] for c in spec.criteria if c.part == part.code), D(0)
        )
    assert set(score.parts) == {p.code for p in spec.parts}
    assert D(0) <= score.total <= D(100)
    assert score.total == sum(score.parts.values(), D(0))
    assert score.total == sum(score.criteria.values(), D(0))


@FAST
@given(sheet_specs(), st.data())
def test_a_criterion_dropped_from_a_valid_sheet_is_reported_with_its_part(spec, data):
    dropped = data.draw(st.sampled_from(spec.criteria))
    broken = replace(
        spec,
        criteria=tuple(c for c in spec.criteria if c.code != dropped.code),
        conditions=tuple(k for k in spec.conditions if k.criterion != dropped.code),
    )
    errors = validate_sheet(broken)
    assert any(names(e, dropped.part) for e in errors), errors


@FAST
@given(sheet_specs(), st.data())
def test_a_single_criterion_whose_best_option_is_lowered_is_reported(spec, data):
    singles = [c for c in spec.criteria if c.kind == SINGLE]
    assume(singles)
    target = data.draw(st.sampled_from(singles))
    lowered = tuple(
        replace(o, points=o.points - D("0.01")) if o.points == target.max_points else o
        for o in target.options
    )
    errors = validate_sheet(with_criterion(spec, target.code, options=lowered))
    assert len(errors) == 1, errors
    assert names(errors[0], target.code)


# Bands ---------------------------------------------------------------------------

scores = st.fractions(min_value=0, max_value=100) | st.decimals(
    min_value=0, max_value=100, places=2
)


@pytest.mark.parametrize(
    ("score", "star"),
    [
        (Fraction(0), 1),
        (D("0.00"), 1),
        (Fraction(2999, 100), 1),
        (D(30), 2),
        (Fraction(4999, 100), 2),
        (D("49.99"), 2),
        (Fraction(50) - Fraction(1, 10**12), 2),
        (Fraction(50), 3),
        (D("50.00"), 3),
        (D("66.36"), 3),
        (Fraction(6999, 100), 3),
        (D(70), 4),
        (Fraction(8999, 100), 4),
        (D("89.99"), 4),
        (Fraction(90), 5),
        (D(90), 5),
        (D(100), 5),
        (Fraction(100), 5),
        (D("-0.01"), 0),
    ],
)
def test_band_boundaries_148(score, star):
    assert band_for(score, BANDS_148) == star


def test_band_for_no_bands_is_zero():
    assert band_for(D(50), ()) == 0


@FAST
@given(scores, scores)
def test_bands_are_monotone(a, b):
    low, high = sorted([Fraction(a), Fraction(b)])
    assert band_for(low, BANDS_148) <= band_for(high, BANDS_148)


@FAST
@given(scores, st.permutations(BANDS_148))
def test_band_matches_the_thresholds_whatever_the_order_of_bands(score, bands):
    assert band_for(score, bands) == reference_band(score)
    assert 1 <= band_for(score, bands) <= 5


@pytest.mark.parametrize(
    ("totals", "mean", "star"),
    [
        # Rounded to two decimals, each of these means would change band.
        (["69.99", "70.00", "70.00"], Fraction(20999, 300), 3),
        (["49.99", "50.00", "50.00"], Fraction(14999, 300), 2),
        (["89.99", "90.00", "90.00"], Fraction(26999, 300), 4),
        (["29.99", "30.00", "30.00"], Fraction(8999, 300), 1),
        (["49.99", "50.00", "50.01"], Fraction(50), 3),
        (["50.00", "50.00", "50.01"], Fraction(15001, 300), 3),
        (["89.98", "90.01", "90.00"], Fraction(26999, 300), 4),
    ],
)
def test_banding_uses_the_exact_mean(totals, mean, star):
    result = aggregate([D(t) for t in totals])
    assert result.mean == mean
    assert result.mean == sum((Fraction(D(t)) for t in totals), Fraction(0)) / 3
    assert band_for(result.mean, BANDS_148) == star
    assert rank(score=result.mean, bands=BANDS_148).band_star == star


# Ranking -------------------------------------------------------------------------

levels_sets = st.sets(st.integers(1, 5))


@FAST
@given(scores, levels_sets, st.booleans(), st.none() | st.sampled_from(LEVELS))
def test_caps_only_lower_a_star(score, unmet, disqualified, level):
    ranking = rank(
        score=score, bands=BANDS_148, unmet_levels=unmet, disqualified=disqualified, level=level
    )
    assert ranking.band_star == band_for(score, BANDS_148)
    assert 0 <= ranking.star <= ranking.band_star
    if disqualified:
        assert ranking.star == 0
    else:
        assert ranking.star == min([ranking.band_star] + [s - 1 for s in unmet])
    if not unmet and not disqualified:
        assert ranking.star == ranking.band_star
        assert ranking.capped_by is None
    if ranking.capped_by is not None:
        assert ranking.capped_by in unmet
        assert ranking.capped_by <= ranking.band_star
    assert ranking.achieved == (ranking.star >= 3)
    if not ranking.achieved:
        assert ranking.recognised_star is None
        assert not ranking.proposed
    if ranking.recognised_star is not None:
        assert level is not None
        assert ranking.recognised_star in level.stars
        assert ranking.recognised_star <= ranking.star
    if ranking.proposed:
        assert level is not None
        assert level.propose_from is not None
        assert Fraction(score) >= Fraction(level.propose_from)


@FAST
@given(scores, levels_sets, levels_sets)
def test_more_unmet_levels_never_raise_a_star(score, unmet, more):
    fewer = rank(score=score, bands=BANDS_148, unmet_levels=unmet)
    worse = rank(score=score, bands=BANDS_148, unmet_levels=unmet | more)
    assert worse.star <= fewer.star


@FAST
@given(scores, scores, levels_sets)
def test_a_higher_score_never_lowers_a_star(a, b, unmet):
    low, high = sorted([Fraction(a), Fraction(b)])
    assert (
        rank(score=low, bands=BANDS_148, unmet_levels=unmet).star
        <= rank(score=high, bands=BANDS_148, unmet_levels=unmet).star
    )


@FAST
@given(scores, levels_sets, st.sampled_from(LEVELS))
def test_an_unmet_3_star_condition_is_not_achieved_whatever_the_score(score, unmet, level):
    ranking = rank(score=score, bands=BANDS_148, unmet_levels=unmet | {3}, level=level)
    assert not ranking.achieved
    assert ranking.star <= 2
    assert ranking.recognised_star is None
    assert not ranking.proposed


@FAST
@given(scores, levels_sets, st.sampled_from(LEVELS))
def test_disqualified_is_zero_stars_and_not_achieved(score, unmet, level):
    ranking = rank(score=score, bands=BANDS_148, unmet_levels=unmet, disqualified=True, level=level)
    assert ranking.star == 0
    assert ranking.disqualified
    assert not ranking.achieved
    assert ranking.recognised_star is None
    assert not ranking.proposed


def test_100_with_an_unmet_3_star_condition_is_not_achieved():
    ranking = rank(score=D(100), bands=BANDS_148, unmet_levels={3}, level=PROVINCE_1489)
    assert ranking.band_star == 5
    assert ranking.star == 2
    assert ranking.capped_by == 3
    assert not ranking.achieved
    assert ranking.recognised_star is None
    assert not ranking.proposed


def test_an_unmet_level_above_the_band_does_not_cap():
    ranking = rank(score=D(75), bands=BANDS_148, unmet_levels={5})
    assert ranking.star == 4
    assert ranking.capped_by is None


def test_the_lowest_unmet_level_caps():
    ranking = rank(score=D(95), bands=BANDS_148, unmet_levels={5, 4})
    assert ranking.star == 3
    assert ranking.capped_by == 4
    assert ranking.achieved


def test_an_unmet_4_star_condition_at_95_is_recognised_3_star_and_not_proposed():
    ranking = rank(score=D(95), bands=BANDS_148, unmet_levels={4}, level=PROVINCE_1489)
    assert ranking.star == 3
    assert ranking.recognised_star == 3
    assert not ranking.proposed


def test_49_99_is_2_stars_and_not_achieved():
    ranking = rank(score=D("49.99"), bands=BANDS_148, level=PROVINCE_1489)
    assert ranking.band_star == ranking.star == 2
    assert not ranking.achieved
    assert ranking.recognised_star is None


def test_50_is_3_stars_recognised_at_province():
    ranking = rank(score=D(50), bands=BANDS_148, level=PROVINCE_1489)
    assert ranking.star == 3
    assert ranking.achieved
    assert ranking.recognised_star == 3
    assert not ranking.proposed


def test_89_99_at_province_is_4_stars_recognised_not_proposed():
    ranking = rank(score=D("89.99"), bands=BANDS_148, level=PROVINCE_1489)
    assert ranking.band_star == ranking.star == 4
    assert ranking.recognised_star == 4
    assert not ranking.proposed


def test_90_at_province_is_recognised_4_stars_and_proposed_to_the_centre():
    ranking = rank(score=D(90), bands=BANDS_148, level=PROVINCE_1489)
    assert ranking.band_star == ranking.star == 5
    assert ranking.achieved
    assert ranking.recognised_star == 4
    assert ranking.proposed


def test_the_published_case_66_36_is_3_stars():
    ranking = rank(score=D("66.36"), bands=BANDS_148, level=PROVINCE_1489)
    assert ranking.band_star == ranking.star == 3
    assert ranking.achieved
    assert ranking.recognised_star == 3
    assert not ranking.proposed
    # Under 148 before 6 July 2025 the district recognised it, the province could not.
    assert rank(score=D("66.36"), bands=BANDS_148, level=DISTRICT_148).recognised_star == 3
    assert rank(score=D("66.36"), bands=BANDS_148, level=PROVINCE_148).recognised_star is None


def test_75_at_district_under_148_is_recognised_3_stars_and_proposed():
    ranking = rank(score=D(75), bands=BANDS_148, level=DISTRICT_148)
    assert ranking.star == 4
    assert ranking.recognised_star == 3
    assert ranking.proposed


def test_69_99_at_district_under_148_is_not_proposed():
    ranking = rank(score=D("69.99"), bands=BANDS_148, level=DISTRICT_148)
    assert ranking.recognised_star == 3
    assert not ranking.proposed


def test_a_central_council_only_recognises_5_stars():
    ranking = rank(score=D(85), bands=BANDS_148, level=CENTRAL)
    assert ranking.star == 4
    assert ranking.achieved
    assert ranking.recognised_star is None
    assert not ranking.proposed
    top = rank(score=D(90), bands=BANDS_148, level=CENTRAL)
    assert top.recognised_star == 5
    assert not top.proposed


def test_the_province_under_148_proposes_from_90():
    assert rank(score=D(90), bands=BANDS_148, level=PROVINCE_148).proposed
    assert rank(score=D(90), bands=BANDS_148, level=PROVINCE_148).recognised_star == 4
    assert not rank(score=D("89.99"), bands=BANDS_148, level=PROVINCE_148).proposed


def test_rank_without_a_level_recognises_nothing():
    ranking = rank(score=D(95), bands=BANDS_148)
    assert ranking.achieved
    assert ranking.recognised_star is None
    assert not ranking.proposed


def test_min_recognised_star_is_configurable():
    assert rank(score=D(35), bands=BANDS_148, min_recognised_star=2).achieved
    assert not rank(score=D(35), bands=BANDS_148).achieved


# Aggregate -----------------------------------------------------------------------

totals_lists = st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=15)


@FAST
@given(totals_lists)
def test_mean_and_spread_are_exact(totals):
    result = aggregate(totals)
    assert result.count == len(totals)
    assert isinstance(result.mean, Fraction)
    assert result.mean == Fraction(sum(totals, D(0))) / len(totals)
    assert min(totals) <= result.mean <= max(totals)
    assert isinstance(result.spread, Decimal)
    assert result.spread == max(totals) - min(totals)
    assert result.spread >= 0


@FAST
@given(totals_lists)
def test_deviations_and_standard_deviation(totals):
    result = aggregate(totals)
    assert len(result.deviations) == len(totals)
    assert sum(result.deviations, Fraction(0)) == 0
    for total, deviation in zip(totals, result.deviations, strict=True):
        assert deviation == Fraction(total) - result.mean
    variance = sum((d * d for d in result.deviations), Fraction(0)) / len(totals)
    assert result.stdev >= 0
    assert result.stdev == pytest.approx(float(variance) ** 0.5, rel=1e-9, abs=1e-12)
    assert result.stdev <= float(result.spread) + 1e-9
    if len(set(totals)) == 1:
        assert result.stdev == 0
        assert result.spread == 0
    else:
        assert result.stdev > 0


@FAST
@given(totals_lists)
def test_furthest_are_the_totals_furthest_from_the_mean(totals):
    result = aggregate(totals)
    distances = [abs(Fraction(t) - result.mean) for t in totals]
    expected = tuple(i for i, d in enumerate(distances) if d == max(distances))
    assert result.furthest == expected
    assert result.furthest
    extremes = {min(totals), max(totals)}
    assert all(totals[i] in extremes for i in result.furthest)


@FAST
@given(st.decimals(min_value=0, max_value=100, places=2), st.integers(1, 15))
def test_equal_totals_have_no_spread(total, count):
    result = aggregate([total] * count)
    assert result.mean == Fraction(total)
    assert result.spread == 0
    assert result.stdev == 0
    assert result.deviations == (Fraction(0),) * count
    assert result.furthest == tuple(range(count))


def test_aggregate_example():
    result = aggregate([D("60.00"), D("70.50"), D("65.25"), D("80.00")])
    assert result.mean == Fraction(27575, 400)
    assert result.spread == D("20.00")
    assert result.deviations == (
        Fraction(-3575, 400),
        Fraction(625, 400),
        Fraction(-1475, 400),
        Fraction(4425, 400),
    )
    assert result.furthest == (3,)


def test_aggregate_needs_a_total():
    with pytest.raises(ValueError, match="at least one"):
        aggregate([])


def test_furthest_without_deviations_is_empty():
    assert Aggregate(count=0, mean=Fraction(0), spread=D(0), stdev=0.0).furthest == ()


# Majority and conditions ---------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "of", "expected"),
    [
        (0, 0, False),
        (0, 1, False),
        (1, 1, True),
        (1, 2, False),
        (2, 2, True),
        (1, 3, False),
        (2, 3, True),
        (2, 4, False),
        (3, 4, True),
        (2, 5, False),
        (3, 5, True),
        (3, 6, False),
        (4, 7, True),
    ],
)
def test_majority_is_strict(count, of, expected):
    assert majority(count, of) is expected


@FAST
@given(st.integers(0, 50), st.integers(0, 50))
def test_majority_is_more_than_half(count, of):
    assume(count <= of)
    assert majority(count, of) == (Fraction(count, of) > Fraction(1, 2) if of else False)


def test_a_mandatory_3_star_condition_met_by_1_of_3_members_is_unmet():
    condition = ConditionSpec("K3", MANDATORY, "CA11", star=3)
    assert unmet_star_levels([condition], {"K3": 1}, 3) == ({3}, False)
    assert unmet_star_levels([condition], {"K3": 2}, 3) == (set(), False)
    assert unmet_star_levels([condition], {}, 3) == ({3}, False)


def test_a_mandatory_condition_met_by_2_of_4_members_is_unmet():
    condition = ConditionSpec("K4", MANDATORY, "CB1", star=4)
    assert unmet_star_levels([condition], {"K4": 2}, 4) == ({4}, False)
    assert unmet_star_levels([condition], {"K4": 3}, 5) == (set(), False)


def test_a_disqualifying_condition_met_by_a_majority_disqualifies():
    condition = ConditionSpec("KL", DISQUALIFYING, "CA12")
    assert unmet_star_levels([condition], {"KL": 2}, 3) == (set(), True)
    assert unmet_star_levels([condition], {"KL": 1}, 3) == (set(), False)
    assert unmet_star_levels([condition], {"KL": 2}, 4) == (set(), False)
    assert unmet_star_levels([condition], {}, 3) == (set(), False)


def test_conditions_of_the_sound_sheet_end_to_end():
    # Five members; K3 held by 2 (not a majority), K4 by 5, KL by 1.
    unmet, disqualified = unmet_star_levels(SOUND.conditions, {"K3": 2, "K4": 5, "KL": 1}, 5)
    assert unmet == {3}
    assert not disqualified
    ranking = rank(
        score=D(95),
        bands=BANDS_148,
        unmet_levels=unmet,
        disqualified=disqualified,
        level=PROVINCE_1489,
    )
    assert ranking.star == 2
    assert not ranking.achieved


conditions_strategy = st.lists(
    st.tuples(st.sampled_from([MANDATORY, DISQUALIFYING]), st.integers(1, 5)),
    min_size=0,
    max_size=6,
)


@FAST
@given(conditions_strategy, st.integers(1, 15), st.data())
def test_unmet_star_levels_follow_the_strict_majority(kinds, members, data):
    conditions = [
        ConditionSpec(f"K{i}", kind, "C", star=star if kind == MANDATORY else None)
        for i, (kind, star) in enumerate(kinds)
    ]
    counts = {c.code: data.draw(st.integers(0, members)) for c in conditions}
    unmet, disqualified = unmet_star_levels(conditions, counts, members)
    assert unmet == {
        c.star for c in conditions if c.kind == MANDATORY and not 2 * counts[c.code] > members
    }
    assert disqualified == any(
        c.kind == DISQUALIFYING and 2 * counts[c.code] > members for c in conditions
    )


# Calibration ---------------------------------------------------------------------


def test_calibration_is_the_mean_deviation():
    assert calibration([]) is None
    assert calibration(iter([])) is None
    assert calibration([Fraction(2), Fraction(-1), Fraction(1, 3)]) == Fraction(4, 9)
    assert calibration([Fraction(-5, 2)]) == Fraction(-5, 2)


@FAST
@given(st.lists(st.fractions(min_value=-100, max_value=100), min_size=1, max_size=20))
def test_calibration_is_exact(deviations):
    result = calibration(deviations)
    assert isinstance(result, Fraction)
    assert result == sum(deviations, Fraction(0)) / len(deviations)
    assert min(deviations) <= result <= max(deviations)


@FAST
@given(totals_lists)
def test_a_whole_council_calibrates_to_zero(totals):
    assert calibration(aggregate(totals).deviations) == 0


# Purity --------------------------------------------------------------------------


def test_the_engine_imports_only_the_standard_library_and_translation():
    tree = ast.parse(Path(engine.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    allowed = {
        "collections.abc",
        "dataclasses",
        "decimal",
        "fractions",
        "math",
        "django.utils.translation",
    }
    assert imported <= allowed, imported - allowed


def test_importing_the_engine_loads_no_model_and_no_database_layer():
    src = str(Path(engine.__file__).resolve().parents[2])
    code = (
        "import sys; import ocop.criteria.engine; "
        "print(sorted(m for m in sys.modules "
        "if m.startswith(('django.db', 'ocop.criteria.models', 'ocop.evaluation'))))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": src},
    )
    assert result.stdout.strip() == "[]"


def test_the_database_is_out_of_reach_here():
    """These tests do not request ``db``; touching the database would fail."""
    from django.db import connection

    with pytest.raises(RuntimeError, match="Database access not allowed"):
        connection.cursor()
