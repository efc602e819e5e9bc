"""The 26 sheets of Phụ lục III (Decision 148) as shipped transcriptions:
each loads and adds up (or is flagged with its reason), each has parts
A 40 / B 25 / C 35, and a product scored by hand on set 1 gets the expected
total and star, including the cap of a missing 4★-mandatory option."""

from decimal import Decimal

import pytest

from ocop.criteria import engine
from ocop.criteria.domain.queries import bands_for, sheet_spec, sheet_with_tree
from ocop.criteria.enums import SheetStatus
from ocop.criteria.models import Sheet
from ocop.criteria.transcription import SET_CODES, TRANSCRIPTION_NOTE
from ocop.criteria.validation import located_errors

pytestmark = pytest.mark.django_db

D = Decimal
# What the structure of the transcription cannot settle (README of the CSV).
FLAGGED = {"I.3.c": "6.d", "I.5.a": "C", "I.5.b": "C", "I.6.a": "C"}


def transcribed(set_code: str) -> Sheet:
    return Sheet.objects.get(code=f"148-{set_code}", superseded_by__isnull=True)


@pytest.mark.parametrize("set_code", SET_CODES)
def test_each_of_the_26_sheets_loads_adds_up_or_is_flagged_with_its_reason(set_code):
    sheet = sheet_with_tree(transcribed(set_code).pk)
    assert sheet.product_set.code == set_code
    assert sheet.legal_basis.code == "148/QĐ-TTg"
    assert sheet.status == SheetStatus.TRANSCRIPTION
    assert not sheet.is_official
    assert sheet.note.startswith(TRANSCRIPTION_NOTE)
    assert {p.code: p.max_points for p in sheet.parts.all()} == {
        "A": D(40),
        "B": D(25),
        "C": D(35),
    }
    faults = {where for where, _message in located_errors(sheet_spec(sheet))}
    if set_code in FLAGGED:
        assert faults == {FLAGGED[set_code]}
        assert [f["at"] for f in sheet.flags] == [FLAGGED[set_code]]
        assert sheet.is_flagged
        assert "không tự thêm điểm" in sheet.flags[0]["reason"]
    else:
        assert faults == set()
        assert sheet.flags == []
    assert sheet.conditions.exists() or set_code == "VI.1.a"


def test_part_c_of_the_tea_sheet_is_flagged_for_its_three_missing_points():
    sheet = transcribed("I.5.a")
    assert "32" in sheet.flags[0]["reason"]
    assert "35" in sheet.flags[0]["reason"]
    assert "Cần đối chiếu" in sheet.note


def test_corrections_decided_by_the_structure_are_listed_in_the_note():
    rice = transcribed("I.2.a")  # set 3: four criteria printed without a maximum
    assert rice.note.count("không in điểm tối đa") == 4
    assert rice.criteria.get(code="7.a").max_points == D(2)
    drinks = transcribed("II.2.b")  # set 17: the letter "l" in a score cell
    assert "giữa 0 và 2 chỉ có 1" in drinks.note
    assert drinks.criteria.get(code="1.d").options.get(code="b").points == D(1)
    herbal = transcribed("III.1.a")  # set 18: the letter "t" in a score cell
    assert herbal.criteria.get(code="1.b").options.get(code="b").points == D(1)


def test_tea_sub_criteria_are_a_group_that_adds_up_to_its_criterion():
    sheet = sheet_with_tree(transcribed("I.5.a").pk)
    group = sheet.sections.get(code="6.a")
    assert group.title == "Ngoại hình"
    assert group.max_points == D(4)
    assert [c.code for c in sheet.criteria.filter(section=group)] == ["6.a.1", "6.a.2"]
    assert sheet.criteria.get(code="6.a.1").text == "Tạp chất"


def test_the_tourism_sheet_has_its_two_cases_in_three_sections():
    spec = sheet_spec(sheet_with_tree(transcribed("VI.1.a").pk))
    assert [s.code for s in engine.branching_sections(spec)] == ["8", "9", "15"]
    assert [b.code for b in engine.branches_of(spec, "8")] == ["8.TH1", "8.TH2"]
    assert located_errors(spec) == []


def test_the_marks_of_set_1_are_its_star_conditions_and_match_the_781_minimum():
    sheet = transcribed("I.1.a")
    by_star = {}
    for k in sheet.conditions.select_related("criterion"):
        by_star.setdefault(k.star, []).append(k)
    assert {star: len(items) for star, items in by_star.items()} == {3: 3, 4: 12, 5: 8}
    three = {k.criterion.code: k.option_codes for k in by_star[3]}
    # Own story tied to origin; quality declaration; internal control with traceability.
    assert three == {"5.b": ["c", "d"], "9.a": ["c"], "10.a": ["c", "d", "e"]}
    link = sheet.conditions.get(code="M4-1.d")
    assert link.description == "1.d Liên kết sản xuất"
    assert link.option_codes == ["c", "d"]
    assert sheet.criteria.get(code="1.d").options.get(code="c").stars == 4


# A product scored by hand on set 1 (fresh vegetables): the options below are
# read from the CSV (set-01-rau-cu-qua-hat-tuoi.csv), row by row.
BY_HAND = {
    "1.a": "c",  # 75–100% grown in the commune: 5
    "1.b": "c",  # advanced technology (5★ mark): 3
    "1.c": "b",  # medium capacity (4★ mark): 2
    "1.d": "b",  # contracts for 50–75% of sales: 1 — below the 4★ mark (c)
    "1.đ": "c",  # 3
    "1.e": "b",  # 1
    "2.a": "d",  # speciality with geographical indication (4★): 4
    "2.b": "c",  # 2
    "2.c": "c",  # labelling with electronic traceability (4★): 3
    "3.a": "c",  # 3
    "3.b": "b",  # 1
    "3.c": "b",  # 3
    "3.d": "b",  # 2 (4★)
    "3.đ": "b",  # 1
    "3.e": "b",  # 2 (4★: any registered mark)
    "4.a": "c",  # 3
    "4.b": "d",  # 4
    "4.c": "e",  # 4
    "5.a": "f",  # 5
    "5.b": "d",  # 5 (4★; the 3★ story tied to origin is c or better)
    "5.c": "b",  # 1
    "6.a": "c",  # 2 (4★)
    "6.b": "d",  # 3 (4★)
    "6.c": "d",  # 3
    "6.d": "d",  # 3
    "7.a": "c",  # 2
    "8.a": "c",  # 3 (4★)
    "9.a": "c",  # 2 (3★: quality declared)
    "9.b": "d",  # 3
    "10.a": "d",  # 3 (4★; 3★: internal control with traceability is c or better)
    "11.a": "a",  # 1
    "12.a": "c",  # 3
}


def _rank(answers: dict[str, str]):
    sheet = sheet_with_tree(transcribed("I.1.a").pk)
    spec = sheet_spec(sheet)
    chosen = {code: engine.Answer(options=frozenset({o})) for code, o in answers.items()}
    score = engine.score_sheet(spec, chosen)
    criteria = {c.code: c for c in spec.criteria}
    holds = {
        k.code: int(engine.condition_holds(k, criteria[k.criterion], chosen.get(k.criterion)))
        for k in spec.conditions
    }
    unmet, disqualified = engine.unmet_star_levels(spec.conditions, holds, 1)
    ranking = engine.rank(
        score=score.total,
        bands=bands_for(sheet.legal_basis),
        unmet_levels=unmet,
        disqualified=disqualified,
    )
    return score, ranking


def test_a_product_scored_by_hand_on_set_1_is_capped_at_3_stars_by_a_4_star_criterion():
    score, ranking = _rank(BY_HAND)
    assert score.parts == {"A": D(36), "B": D(22), "C": D(28)}
    assert score.total == D(86)
    assert ranking.band_star == 4
    assert ranking.capped_by == 4
    assert ranking.star == 3


def test_the_same_product_with_the_4_star_link_option_reaches_4_stars():
    score, ranking = _rank({**BY_HAND, "1.d": "c"})
    assert score.total == D(87)
    assert (ranking.band_star, ranking.star, ranking.capped_by) == (4, 4, None)


def test_without_the_781_minimum_an_85_point_product_is_not_recognised():
    # Quality plan without traceability (10.a b): the 3★ condition fails.
    score, ranking = _rank({**BY_HAND, "1.d": "c", "10.a": "b"})
    assert score.total == D(85)
    assert ranking.capped_by == 3
    assert ranking.star == 2
    assert not ranking.achieved


def test_the_sample_sheets_are_retired_and_no_longer_offered():
    from datetime import date

    from ocop.criteria.domain.queries import sheets_for_product_set

    sample = Sheet.objects.filter(code__startswith="148-mau-", superseded_by__isnull=True)
    assert sample.count() == 26
    assert all(s.retired for s in sample)
    offered = sheets_for_product_set(transcribed("I.1.a").product_set, on=date(2025, 9, 1))
    assert [s.code for s in offered] == ["148-I.1.a"]
