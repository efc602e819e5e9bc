"""Mandatory criteria per star (``engine.rank`` with unmet conditions, and
``ocop.criteria.stars``), on hand-made conditions and on set 1 of Phụ lục III
(fresh vegetables) as transcribed in ``tests/criteria/data``. No database."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocop.criteria.domain.loading import normalise_sheet, sheet_spec_from_data
from ocop.criteria.engine import (
    MANDATORY,
    Answer,
    Band,
    ConditionSpec,
    rank,
    score_sheet,
    unmet_conditions,
)
from ocop.criteria.stars import mandatory_levels, star_gap
from ocop.criteria.validation import validate_sheet
from tests.factories.sheets import set_1_data

D = Decimal
BANDS_148 = (
    Band(star=1, min_score=D(0), max_score=D(30)),
    Band(star=2, min_score=D(30), max_score=D(50)),
    Band(star=3, min_score=D(50), max_score=D(70)),
    Band(star=4, min_score=D(70), max_score=D(90)),
    Band(star=5, min_score=D(90)),
)


@pytest.fixture(scope="module")
def spec():
    sheet, errors = normalise_sheet(set_1_data())
    assert errors == []
    spec = sheet_spec_from_data(sheet)
    assert validate_sheet(spec) == []
    return spec


def best(spec) -> dict[str, Answer]:
    return {
        c.code: Answer(options=frozenset({max(c.options, key=lambda o: o.points).code}))
        for c in spec.criteria
    }


def answered(spec, **chosen) -> dict[str, Answer]:
    """The best answer everywhere but the criteria given (``c1_d="b"`` is 1.d b)."""
    answers = best(spec)
    for key, option in chosen.items():
        code = key[1:].replace("_", ".").replace("dd", "đ")
        assert spec.criterion(code) is not None, code
        answers[code] = Answer(options=frozenset({option}))
    return answers


def unmet_on(spec, answers) -> tuple[ConditionSpec, ...]:
    holds = {
        k.code: int(
            k.option_codes <= set()
            or bool(answers.get(k.criterion, Answer()).options & k.option_codes)
        )
        for k in spec.conditions
    }
    return unmet_conditions(spec.conditions, holds, 1)[0]


# The cap: the highest N whose levels up to N all hold ------------------------------

condition_sets = st.lists(st.integers(1, 5), max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=100, places=2), condition_sets)
def test_the_star_is_the_highest_level_whose_conditions_up_to_it_all_hold(score, stars):
    unmet = [ConditionSpec(f"K{i}", MANDATORY, "C", star=s) for i, s in enumerate(stars)]
    ranking = rank(score=score, bands=BANDS_148, unmet_conditions=unmet)
    failing = {c.star for c in unmet}
    expected = max(n for n in range(ranking.band_star + 1) if not failing & set(range(1, n + 1)))
    assert ranking.star == expected
    assert ranking.unmet == tuple(sorted(unmet, key=lambda c: c.star))
    assert ranking.capping == tuple(c for c in ranking.unmet if c.star == ranking.capped_by)
    if ranking.capped_by is None:
        assert ranking.capping == ()
    else:
        assert ranking.capping != ()
        assert ranking.star == ranking.capped_by - 1
    # The same result as the levels alone.
    assert rank(score=score, bands=BANDS_148, unmet_levels=failing).star == ranking.star


def test_the_ranking_names_the_conditions_of_the_first_failing_level_only():
    k4 = ConditionSpec("M4-1.d", MANDATORY, "1.d", star=4, description="1.d Liên kết sản xuất")
    k4b = ConditionSpec("M4-6.a", MANDATORY, "6.a", star=4, description="6.a Kích thước")
    k5 = ConditionSpec("M5-1.d", MANDATORY, "1.d", star=5, description="1.d Liên kết sản xuất")
    ranking = rank(score=D(95), bands=BANDS_148, unmet_conditions=[k5, k4, k4b])
    assert (ranking.band_star, ranking.star, ranking.capped_by) == (5, 3, 4)
    assert ranking.capping == (k4, k4b)
    assert ranking.unmet == (k4, k4b, k5)


def test_an_unmet_condition_above_the_band_is_named_but_does_not_cap():
    k5 = ConditionSpec("M5-1.d", MANDATORY, "1.d", star=5)
    ranking = rank(score=D(86), bands=BANDS_148, unmet_conditions=[k5])
    assert (ranking.star, ranking.capped_by, ranking.capping, ranking.unmet) == (4, None, (), (k5,))


def test_unmet_conditions_follow_the_strict_majority_of_members():
    k = ConditionSpec("M3-9.a", MANDATORY, "9.a", star=3)
    assert unmet_conditions([k], {"M3-9.a": 2}, 4) == ((k,), False)
    assert unmet_conditions([k], {"M3-9.a": 3}, 4) == ((), False)
    assert unmet_conditions([k], {"M3-9.a": 2}, 3) == ((), False)


# Set 1 (fresh vegetables) ---------------------------------------------------------


def test_set_1_3_star_marks_are_the_781_minimum(spec):
    """Decision 781's 3★ minimum: own story tied to origin; quality declaration;
    internal control plan with traceability. Set 1's 3★ marks are exactly these."""
    three = [k for k in spec.conditions if k.kind == MANDATORY and k.star == 3]
    marked = [
        (
            k.criterion,
            min(
                (spec.criterion(k.criterion).option(o) for o in k.option_codes),
                key=lambda o: o.points,
            ).text,
        )
        for k in three
    ]
    assert marked == [
        ("5.b", "Có câu chuyện riêng, gắn với nguồn gốc xuất xứ"),
        ("9.a", "Có công bố tiêu chuẩn/chất lượng sản phẩm theo quy định"),
        ("10.a", "Có kế hoạch kiểm soát nội bộ gắn với truy xuất nguồn gốc theo quy định"),
    ]
    # "This option or a better one": the story criterion accepts c (3) and d (5).
    assert [sorted(k.option_codes) for k in three] == [["c", "d"], ["c"], ["c", "d", "e"]]
    assert [len([k for k in spec.conditions if k.star == s]) for s in (3, 4, 5)] == [3, 12, 8]


@pytest.mark.parametrize(
    ("chosen", "total", "capping"),
    [
        ({"c5_b": "b"}, D(96), ["5.b Trí tuệ/bản sắc địa phương"]),
        ({"c9_a": "b"}, D(99), ["9.a Công bố tiêu chuẩn sản phẩm của cơ sở sản xuất"]),
        ({"c10_a": "b"}, D(96), ["10.a ĐẢM BẢO CHẤT LƯỢNG SẢN PHẨM"]),
    ],
)
def test_a_product_missing_a_781_minimum_is_not_recognised_whatever_its_score(
    spec, chosen, total, capping
):
    answers = answered(spec, **chosen)
    assert score_sheet(spec, answers).total == total
    ranking = rank(score=total, bands=BANDS_148, unmet_conditions=unmet_on(spec, answers))
    assert (ranking.band_star, ranking.star, ranking.achieved, ranking.capped_by) == (
        5,
        2,
        False,
        3,
    )
    assert [k.description for k in ranking.capping] == capping


# A product scored by hand on set 1: 86 points, 1.d below its 4★ mark.
BY_HAND_86 = {
    "c1_d": "b",  # Có hợp đồng liên kết sản xuất từ 50% đến dưới 75%: 1 of 3 (4★ needs c)
    "c3_b": "a",  # 0 of 1
    "c4_b": "b",  # Có người chịu trách nhiệm quản lý phân phối: 1 of 4
    "c4_c": "c",  # 2 of 4
    "c5_a": "d",  # câu chuyện trên nhãn/tờ rơi: 3 of 5
    "c6_c": "c",  # 2 of 3
    "c6_d": "c",  # 2 of 3
    "c7_a": "b",  # 1 of 2
    "c12_a": "b",  # 2 of 3
}


def test_86_points_without_the_4_star_option_of_1d_is_3_stars(spec):
    answers = answered(spec, **BY_HAND_86)
    score = score_sheet(spec, answers)
    assert (score.total, score.parts) == (D(86), {"A": D(37), "B": D(18), "C": D(31)})
    ranking = rank(score=score.total, bands=BANDS_148, unmet_conditions=unmet_on(spec, answers))
    assert (ranking.band_star, ranking.star, ranking.achieved, ranking.capped_by) == (4, 3, True, 4)
    assert [k.description for k in ranking.capping] == ["1.d Liên kết sản xuất"]
    assert [k.code for k in ranking.unmet] == ["M4-1.d", "M5-1.d"]


def test_the_same_product_with_the_4_star_option_of_1d_is_4_stars(spec):
    answers = answered(spec, **{**BY_HAND_86, "c1_d": "c"})
    total = score_sheet(spec, answers).total
    ranking = rank(score=total, bands=BANDS_148, unmet_conditions=unmet_on(spec, answers))
    assert (total, ranking.star, ranking.capped_by, ranking.capping) == (D(87), 4, None, ())


def test_mandatory_levels_of_set_1(spec):
    levels = mandatory_levels(spec)
    assert (
        levels["1.d"],
        levels["5.b"],
        levels["10.a"],
        levels.get("1.a"),
    ) == (
        (4, 5),
        (3, 4),
        (3, 4, 5),
        None,
    )


# The gap to the next star ----------------------------------------------------------


def test_the_gap_names_the_4_star_criterion_and_no_points(spec):
    gap = star_gap(spec, answered(spec, **BY_HAND_86), BANDS_148)
    assert (gap.total, gap.star, gap.next_star, gap.points_missing) == (D(86), 3, 4, D(0))
    assert [
        (r.condition.code, r.criterion.code, r.option.code, r.or_better) for r in gap.requirements
    ] == [("M4-1.d", "1.d", "c", True)]


def test_the_gap_to_3_stars_counts_points_and_the_781_minimum(spec):
    # Worst answer everywhere: the lowest option of each criterion.
    answers = {
        c.code: Answer(options=frozenset({min(c.options, key=lambda o: o.points).code}))
        for c in spec.criteria
    }
    gap = star_gap(spec, answers, BANDS_148)
    assert (gap.total, gap.band_star, gap.star, gap.next_star) == (D(12), 1, 1, 3)
    assert gap.points_missing == D(38)
    assert [r.criterion.code for r in gap.requirements] == ["5.b", "9.a", "10.a"]
    assert [r.option.text for r in gap.requirements] == [
        "Có câu chuyện riêng, gắn với nguồn gốc xuất xứ",
        "Có công bố tiêu chuẩn/chất lượng sản phẩm theo quy định",
        "Có kế hoạch kiểm soát nội bộ gắn với truy xuất nguồn gốc theo quy định",
    ]


def test_no_gap_at_the_top(spec):
    gap = star_gap(spec, best(spec), BANDS_148)
    assert (gap.total, gap.star, gap.next_star, gap.requirements, gap.complete) == (
        D(100),
        5,
        None,
        (),
        True,
    )
