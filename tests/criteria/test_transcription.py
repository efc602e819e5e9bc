"""The converter of the CSV transcription (on a small CSV with a branch, a
sub-criterion group, a letter in a score cell and star marks), the format's
new parts (cases, notes, marks, flags) through the loader and the validator,
and the administrator's confirmation of a flagged sheet."""

import io
from decimal import Decimal

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation
from pypdf import PdfReader

from ocop.accounts.enums import Role
from ocop.core.models import ActivityLog
from ocop.criteria import engine
from ocop.criteria.domain.loading import SheetError, load_sheet_data
from ocop.criteria.domain.queries import sheet_spec, sheet_with_tree
from ocop.criteria.domain.sheets import confirm_sheet_flags
from ocop.criteria.models import Sheet
from ocop.criteria.validation import validate_sheet
from tests.criteria.conftest import criterion
from tests.factories.accounts import user_with_role
from tests.factories.geo import province

pytestmark = pytest.mark.django_db
D = Decimal

SMALL_CSV = """title,description,level,stars,score
Phần A: SẢN PHẨM (40 Điểm),,0,,40
1. TỔ CHỨC SẢN XUẤT,,1,,40
a) Nguồn gốc sản phẩm,Yêu cầu: 100% sản phẩm được trồng trên địa bàn cấp tỉnh,2,,20
□ Dưới 50%,,3,,0
□ Từ 50% đến dưới 60%,,3,,l
□ Từ 60% đến dưới 75%,,3,,2
□ Từ 75% trở lên****,,3,4,20
b) Ngoại hình,,2,,20
- Tạp chất,,2,,10
□ Có tạp chất,,3,,0
□ Sạch***,,3,3,10
- Màu sắc,,2,,10
□ Không phù hợp,,3,,0
□ Phù hợp,,3,,10
Phần B: TIẾP THỊ (25 Điểm),,0,,25
2. TIẾP THỊ,,1,,25
□ Trong huyện,,3,,5
□ Ngoài tỉnh*****,,3,5,25
Phần C: CHẤT LƯỢNG (35 Điểm),,0,,35
3. ĐIỀU KIỆN KINH DOANH,Lựa chọn một trong hai trường hợp sau:,1,,35
a. Trường hợp 1: Cộng đồng dịch vụ du lịch,,2,,35
□ Dưới 50% cơ sở,,3,,10
□ Trên 75% cơ sở,,3,,35
b. Trường hợp 2: Điểm dịch vụ du lịch,,2,,35
□ Có đăng ký,,3,,15
□ Đủ điều kiện,,3,,35
"""


@pytest.fixture
def converted(tmp_path):
    source = tmp_path / "csv"
    source.mkdir()
    (source / "set-26-thu.csv").write_text(SMALL_CSV, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    call_command("convert_148_sheets", str(source), "--out", str(out), stdout=io.StringIO())
    [path] = list(out.iterdir())
    assert path.name == "148-26-thu.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _walk(node):
    yield from node.get("criteria", [])
    for s in node.get("sections", []) + node.get("branches", []):
        yield from _walk(s)


def test_the_converter_reads_sub_criteria_cases_notes_marks_and_a_letter_score(converted):
    assert (converted["code"], converted["product_set"], converted["status"]) == (
        "148-VI.1.a",
        "VI.1.a",
        "transcription",
    )
    assert converted["note"].startswith(
        "Bản chép từ Phụ lục III, chưa đối chiếu với văn bản ký ban hành."
    )
    assert "giữa 0 và 2 chỉ có 1, nên lấy 1" in converted["note"]
    [part_a, part_b, part_c] = converted["parts"]
    origin = part_a["sections"][0]["criteria"][0]
    assert origin["code"] == "1.a"
    assert [o["points"] for o in origin["options"]] == [0, 1, 2, 20]
    assert origin["note"] == "Yêu cầu: 100% sản phẩm được trồng trên địa bàn cấp tỉnh"
    group = part_a["sections"][0]["sections"][0]
    assert (group["code"], group["title"], group["max"]) == ("1.b", "Ngoại hình", 20)
    assert [c["code"] for c in group["criteria"]] == ["1.b.1", "1.b.2"]
    assert [c["code"] for c in _walk(part_b)] == ["2.a"]  # options directly under a section
    cases = part_c["sections"][0]["branches"]
    assert [(b["code"], b["title"]) for b in cases] == [
        ("3.TH1", "Trường hợp 1: Cộng đồng dịch vụ du lịch"),
        ("3.TH2", "Trường hợp 2: Điểm dịch vụ du lịch"),
    ]
    assert [c["code"] for c in _walk(part_c)] == ["3.a", "3.b"]
    assert {(k["code"], k["star"], tuple(k["options"])) for k in converted["conditions"]} == {
        ("M4-1.a", 4, ("d",)),
        ("M3-1.b.1", 3, ("b",)),
        ("M5-2.a", 5, ("b",)),
    }
    assert next(k for k in converted["conditions"] if k["code"] == "M4-1.a")["description"] == (
        "1.a Nguồn gốc sản phẩm"
    )


def test_a_letter_the_structure_cannot_settle_stops_the_conversion(tmp_path):
    # Neighbours 0 and 5 leave several whole numbers: the converter refuses.
    source = tmp_path / "csv"
    source.mkdir()
    text = SMALL_CSV.replace("□ Từ 60% đến dưới 75%,,3,,2", "□ Từ 60% đến dưới 75%,,3,,5")
    (source / "set-26-thu.csv").write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="không quyết định được số"):
        call_command("convert_148_sheets", str(source), "--out", str(tmp_path))


def test_a_sheet_that_does_not_add_up_is_converted_flagged_and_loads(tmp_path):
    source = tmp_path / "csv"
    source.mkdir()
    # Section 2 and its criterion say 22, but part B says 25: nothing settles it.
    text = SMALL_CSV.replace("2. TIẾP THỊ,,1,,25", "2. TIẾP THỊ,,1,,22")
    text = text.replace("□ Ngoài tỉnh*****,,3,5,25", "□ Ngoài tỉnh*****,,3,5,22")
    (source / "set-26-thu.csv").write_text(text, encoding="utf-8")
    call_command("convert_148_sheets", str(source), "--out", str(tmp_path), stdout=io.StringIO())
    data = yaml.safe_load((tmp_path / "148-26-thu.yaml").read_text(encoding="utf-8"))
    assert [f["at"] for f in data["flags"]] == ["B"]
    assert "không tự thêm điểm" in data["flags"][0]["reason"]
    data["code"] = "TEST-THU"
    sheet = load_sheet_data(data).sheet
    assert sheet.is_flagged


# The format through the loader -------------------------------------------------


def _with_cases(sheet_data):
    """The 1048 test sheet with section 7 turned into two cases."""
    data = sheet_data
    part_c = data["parts"][2]
    section = next(s for s in part_c["sections"] if s["criteria"] and s.get("max"))
    total = section["max"]
    section["branches"] = [
        {"code": "X.TH1", "title": "Trường hợp 1", "criteria": section["criteria"]},
        {
            "code": "X.TH2",
            "title": "Trường hợp 2",
            "criteria": [
                {
                    "code": "X.b",
                    "text": "Điểm du lịch",
                    "max": total,
                    "note": "Ghi chú: chỉ chấm điểm du lịch",
                    "options": [
                        {"code": "a", "text": "Có", "points": total, "stars": 4},
                        {"code": "b", "text": "Không", "points": 0},
                    ],
                }
            ],
        },
    ]
    section["criteria"] = []
    section["note"] = "Lựa chọn một trong hai trường hợp sau:"
    return data, section


def test_cases_notes_and_marks_load_and_only_the_chosen_case_counts(sheet_data):
    data, section = _with_cases(sheet_data)
    sheet = load_sheet_data(data).sheet
    tree = sheet_with_tree(sheet.pk)
    spec = sheet_spec(tree)
    assert [b.code for b in engine.branches_of(spec, section["code"])] == ["X.TH1", "X.TH2"]
    assert tree.criteria.get(code="X.b").note == "Ghi chú: chỉ chấm điểm du lịch"
    assert tree.criteria.get(code="X.b").options.get(code="a").stars == 4
    first = [c["code"] for c in section["branches"][0]["criteria"]]
    answers = {"X.b": engine.Answer(options=frozenset({"a"}))}
    for code in first:
        best = max(spec.criterion(code).options, key=lambda o: o.points)
        answers[code] = engine.Answer(options=frozenset({best.code}))
    one = engine.score_sheet(spec, answers, {section["code"]: "X.TH1"})
    two = engine.score_sheet(spec, answers, {section["code"]: "X.TH2"})
    none = engine.score_sheet(spec, answers, {})
    assert one.total == two.total == none.total + D(str(section["max"]))
    assert {c.code for c in engine.counted_criteria(spec, {section["code"]: "X.TH2"})} & set(
        first
    ) == set()
    assert [s.code for s in engine.missing_branch_choices(spec, {})] == [section["code"]]


def test_a_case_that_does_not_add_up_is_refused_naming_the_case(sheet_data):
    data, section = _with_cases(sheet_data)
    section["branches"][1]["criteria"][0]["max"] = 1
    section["branches"][1]["criteria"][0]["options"][0]["points"] = 1
    with translation.override("en"), pytest.raises(SheetError) as error:
        load_sheet_data(data)
    assert error.value.messages == [
        f"Section {section['code']}, branch X.TH2: its criteria add up to 1 points, "
        f"but the section's maximum is {section['max']}."
    ]


def test_a_tick_box_option_worth_more_than_its_criterion_is_refused(sheet_data):
    target = criterion(sheet_data, "1.1")
    target["kind"] = "multi"
    target["options"][0]["points"] = target["max"] + 1
    with translation.override("en"), pytest.raises(SheetError) as error:
        load_sheet_data(sheet_data)
    assert f"option {target['options'][0]['code']} gives" in " ".join(error.value.messages)


def test_the_validator_bounds_the_options_and_the_criteria(sheet_data):
    spec = engine.SheetSpec(
        parts=(engine.PartSpec("A", D(100)),),
        criteria=tuple(
            engine.CriterionSpec(
                code=f"C{i}",
                part="A",
                max_points=D("0.2"),
                options=tuple(engine.OptionSpec(f"o{j}", D("0.2")) for j in range(31)),
            )
            for i in range(500)
        ),
    )
    with translation.override("en"):
        errors = validate_sheet(spec)
    assert "The sheet has 500 criteria; a sheet has at most 400." in errors
    assert "Criterion C0 has 31 options; a criterion has at most 30." in errors


def test_a_flag_where_nothing_is_wrong_is_refused(sheet_data):
    sheet_data["flags"] = [{"at": "A", "reason": "Phần A cần đối chiếu."}]
    with translation.override("en"), pytest.raises(SheetError) as error:
        load_sheet_data(sheet_data)
    assert "flagged at “A”, but nothing there fails to add up" in error.value.messages[0]


# Flagged sheets ------------------------------------------------------------------


@pytest.fixture
def flagged():
    return Sheet.objects.get(code="148-I.5.a", superseded_by__isnull=True)


def test_an_administrator_confirms_a_flagged_sheet_with_a_reason_and_it_is_logged(flagged):
    officer = user_with_role(Role.PROVINCE_OFFICER, unit=province("38"), username="cb.th")
    admin = user_with_role(Role.PROVINCE_ADMIN, unit=province("38"), username="qt.th")
    with pytest.raises(PermissionDenied):
        confirm_sheet_flags(sheet=flagged, by=officer, reason="Đã đối chiếu.")
    with pytest.raises(ValidationError):
        confirm_sheet_flags(sheet=flagged, by=admin, reason="  ")
    sheet = confirm_sheet_flags(
        sheet=flagged, by=admin, reason="Đối chiếu bản ký: phần C đúng 32 điểm theo bản in."
    )
    assert not sheet.is_flagged
    assert sheet.flag_confirmed_by == admin
    entry = ActivityLog.objects.get(action="ocop.criteria.sheet_flags_confirmed")
    assert entry.data["reason"].startswith("Đối chiếu bản ký")


def test_the_sheet_page_and_pdf_show_the_transcription_note_and_the_flag(client, flagged):
    admin = user_with_role(Role.CENTRAL_ADMIN, username="qt.tw")
    client.force_login(admin)
    html = client.get(f"/criteria/{flagged.pk}/").content.decode()
    assert "Bản chép từ Phụ lục III, chưa đối chiếu với văn bản ký ban hành." in html
    assert "Phần C: tổng điểm các tiêu chí là 32" in html
    assert 'action="/criteria/' in html  # the confirm form
    pdf = client.get(f"/criteria/{flagged.pk}/pdf/")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    text = " ".join(text.split())
    assert "Bản chép từ Phụ lục III, chưa đối chiếu với văn bản ký ban hành." in text
    assert "phiếu bị gắn cờ – chưa được chấm điểm" in text.lower()
    response = client.post(f"/criteria/{flagged.pk}/confirm-flags/", {"reason": "Đã đối chiếu."})
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.flag_confirmation == "Đã đối chiếu."
