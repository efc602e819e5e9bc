from decimal import Decimal

import pytest
from django.utils import translation

from ocop.core.models import ActivityLog
from ocop.criteria.domain.loading import (
    SheetError,
    ensure_editable,
    load_rules_data,
    load_sheet_data,
    load_shipped,
)
from ocop.criteria.models import (
    Criterion,
    LegalBasis,
    Option,
    Part,
    RecognitionRule,
    Section,
    Sheet,
    StarBand,
    StarCondition,
)
from tests.criteria.conftest import criterion

pytestmark = pytest.mark.django_db

MODELS = (LegalBasis, StarBand, RecognitionRule, Sheet, Part, Section, Criterion, Option)


def counts():
    return tuple(m.objects.count() for m in (*MODELS, StarCondition, ActivityLog))


def test_shipped_1048_sheet_has_the_expected_tree():
    sheet = Sheet.objects.get(code="1048-I-rau-cu-qua-tuoi")
    assert (sheet.version, sheet.is_official, sheet.product_set.code, sheet.legal_basis.code) == (
        1,
        False,
        "1048.1",
        "1048/QĐ-TTg",
    )
    assert [(p.code, p.max_points) for p in sheet.parts.all()] == [
        ("A", Decimal(35)),
        ("B", Decimal(25)),
        ("C", Decimal(40)),
    ]
    assert [s.code for s in sheet.sections.all()] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert sheet.criteria.count() == 31
    assert list(sheet.criteria.filter(commune_assessed=True).values_list("code", flat=True)) == [
        "1.1",
        "2.1",
        "3.3",
        "5.2",
    ]
    assert [(k.code, k.star, k.criterion.code, k.option_codes) for k in sheet.conditions.all()] == [
        ("M3-1", 3, "7.1", ["b", "c"]),
        ("M3-2", 3, "7.3", ["a"]),
        ("M4-1", 4, "6.7", ["d"]),
    ]
    first = sheet.criteria.get(code="1.1")
    assert (first.section.code, first.part.code, first.max_points, first.evidence_hint) == (
        "1",
        "A",
        Decimal(3),
        "Hợp đồng, hóa đơn mua nguyên liệu; xác nhận vùng nguyên liệu",
    )
    assert [(o.code, o.points, o.order) for o in first.options.all()] == [
        ("a", Decimal(1), 0),
        ("b", Decimal(2), 1),
        ("c", Decimal(3), 2),
    ]
    assert sheet.criteria.get(code="3.2").kind == "multi"


def test_a_new_sheet_is_created_and_logged(sheet_data):
    result = load_sheet_data(sheet_data)
    assert (result.status, result.sheet.code, result.sheet.version, result.previous) == (
        "created",
        "TEST-1048",
        1,
        None,
    )
    assert result.sheet.criteria.count() == 31
    entry = ActivityLog.objects.get(action="ocop.criteria.sheet_loaded", object_id=result.sheet.pk)
    assert (entry.data["status"], entry.data["version"]) == ("created", 1)


def test_a_second_identical_load_is_unchanged_and_writes_nothing(sheet_data):
    first = load_sheet_data(sheet_data)
    before = counts()
    again = load_sheet_data(sheet_data)
    assert (again.status, again.sheet.pk) == ("unchanged", first.sheet.pk)
    assert counts() == before


def test_loading_the_shipped_files_again_changes_nothing():
    before = counts()
    results = load_shipped()
    assert counts() == before
    statuses = {r.status for _path, items in results for r in items if hasattr(r, "status")}
    assert statuses == {"unchanged"}
    assert results[0][1] == [{"created": 0, "updated": 0, "deleted": 0}]


def _points_abc(data):
    criterion(data, "1.1")["options"][0]["points"] = "abc"


def _option_below_max(data):
    criterion(data, "1.4")["max"] = 3


def _parts_over_100(data):
    data["parts"][2]["max"] = 41


def _duplicate_code(data):
    criterion(data, "1.2")["code"] = "1.1"


def _unknown_product_set(data):
    data["product_set"] = "ZZZ"


def _unknown_kind(data):
    criterion(data, "2.2")["kind"] = "several"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_points_abc, "Criterion 1.1, option a: “points” must be a number, not “abc”"),
        (
            _option_below_max,
            "Criterion 1.4: its best option gives 2 points, but its maximum is 3.",
        ),
        (_parts_over_100, "The parts add up to 101 points instead of 100."),
        (_duplicate_code, "The code “1.1” is used twice in the sheet."),
        (_unknown_product_set, "The product set “ZZZ” does not exist."),
        (
            _unknown_kind,
            "Criterion 2.2: the kind “several” is not one of single, multi, number",
        ),
    ],
)
def test_a_malformed_sheet_is_refused_with_a_message_and_nothing_is_written(
    sheet_data, change, message
):
    change(sheet_data)
    before = counts()
    with translation.override("en"), pytest.raises(SheetError) as error:
        load_sheet_data(sheet_data)
    assert message in error.value.messages
    assert counts() == before


def test_a_malformed_change_leaves_the_loaded_sheet_as_it_was(sheet_data):
    loaded = load_sheet_data(sheet_data).sheet
    _option_below_max(sheet_data)
    with pytest.raises(SheetError):
        load_sheet_data(sheet_data)
    loaded.refresh_from_db()
    assert (
        loaded.criteria.get(code="1.4").max_points,
        Sheet.objects.filter(code="TEST-1048").count(),
    ) == (
        Decimal(2),
        1,
    )


def test_missing_keys_and_unknown_keys_are_all_reported(sheet_data):
    del sheet_data["title"]
    criterion(sheet_data, "1.1")["maxx"] = 3
    with translation.override("en"), pytest.raises(SheetError) as error:
        load_sheet_data(sheet_data)
    assert error.value.messages == [
        "The sheet: “title” is missing",
        "Criterion 1.1: unknown key “maxx”",
    ]


def test_a_changed_sheet_not_in_use_is_replaced_in_place(sheet_data):
    first = load_sheet_data(sheet_data).sheet
    criterion(sheet_data, "1.1")["options"][0]["text"] = "Dưới một nửa nguyên liệu trong tỉnh"
    result = load_sheet_data(sheet_data)
    assert (result.status, result.sheet.pk, result.sheet.version) == ("replaced", first.pk, 1)
    assert Sheet.objects.filter(code="TEST-1048").count() == 1
    assert result.sheet.criteria.get(code="1.1").options.first().text == (
        "Dưới một nửa nguyên liệu trong tỉnh"
    )
    assert result.sheet.criteria.count() == 31
    assert result.sheet.content_hash != first.content_hash


def test_a_changed_sheet_in_use_gets_a_new_version_that_supersedes_it(sheet_data, in_use):
    first = load_sheet_data(sheet_data).sheet
    in_use(first)
    criterion(sheet_data, "1.1")["options"][0]["text"] = "Dưới một nửa nguyên liệu trong tỉnh"
    result = load_sheet_data(sheet_data)
    first.refresh_from_db()
    assert (result.status, result.sheet.version, result.previous, first.superseded_by) == (
        "superseded",
        2,
        first,
        result.sheet,
    )
    assert (first.is_current, result.sheet.is_current) == (False, True)
    # The sheet in use is untouched.
    assert first.criteria.get(code="1.1").options.first().text == "Dưới 50% nguyên liệu trong tỉnh"
    assert result.sheet.criteria.get(code="1.1").options.first().text == (
        "Dưới một nửa nguyên liệu trong tỉnh"
    )
    # Loading the same file again changes nothing.
    assert load_sheet_data(sheet_data).status == "unchanged"


def test_a_sheet_in_use_is_not_editable(sheet_data, in_use):
    sheet = load_sheet_data(sheet_data).sheet
    ensure_editable(sheet)
    in_use(sheet)
    with translation.override("en"), pytest.raises(SheetError.__mro__[1]) as error:
        ensure_editable(sheet)
    assert error.value.messages == [
        "This sheet has been used in a scoring and cannot be edited; load a new version."
    ]


RULES = {
    "format": "ocop-ranking-rules/1",
    "legal_bases": [
        {
            "code": "TEST/QĐ",
            "title": "Quyết định thử",
            "effective_from": "2030-01-01",
            "bands": [
                {"star": 3, "min": 50, "max": 70},
                {"star": 4, "min": 70},
            ],
            "recognition": [
                {"level": "province", "stars": [3, 4], "effective_from": "2030-01-01"},
            ],
        }
    ],
}


def test_ranking_rules_load_once_then_update_only_what_changed():
    assert load_rules_data(RULES) == {"created": 4, "updated": 0, "deleted": 0}
    before = counts()
    assert load_rules_data(RULES) == {"created": 0, "updated": 0, "deleted": 0}
    assert counts() == before
    changed = {**RULES, "legal_bases": [{**RULES["legal_bases"][0]}]}
    changed["legal_bases"][0]["bands"] = [{"star": 3, "min": "50.5", "max": 70}]
    assert load_rules_data(changed) == {"created": 0, "updated": 1, "deleted": 1}
    assert [
        (b.star, b.min_score, b.max_score)
        for b in StarBand.objects.filter(legal_basis__code="TEST/QĐ")
    ] == [(3, Decimal("50.5"), Decimal(70))]


def test_shipped_ranking_rules_are_loaded():
    basis = LegalBasis.objects.get(code="148/QĐ-TTg")
    assert [(b.star, b.min_score, b.max_score) for b in basis.bands.all()] == [
        (1, 0, 30),
        (2, 30, 50),
        (3, 50, 70),
        (4, 70, 90),
        (5, 90, None),
    ]
    assert list(
        RecognitionRule.objects.filter(legal_basis__code="1489/QĐ-TTg").values_list(
            "level", "stars", "propose_from", "propose_to"
        )
    ) == [("province", [3, 4], Decimal(90), "central")]


def test_bad_ranking_rules_are_refused():
    bad = {**RULES, "legal_bases": [{**RULES["legal_bases"][0], "effective_from": "soon"}]}
    with translation.override("en"), pytest.raises(SheetError) as error:
        load_rules_data(bad)
    assert error.value.messages == [
        "Legal basis TEST/QĐ: “effective_from” must be a date (yyyy-mm-dd), not “soon”"
    ]
    assert not LegalBasis.objects.filter(code="TEST/QĐ").exists()
