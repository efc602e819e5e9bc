import io
import json

import pytest
import yaml
from openpyxl import load_workbook

from ocop.criteria.domain.excel import (
    export_sheet_data,
    export_sheet_json,
    export_sheet_xlsx,
    export_sheet_yaml,
    read_sheet_xlsx,
)
from ocop.criteria.domain.loading import SheetError, load_data, load_sheet_data
from ocop.criteria.models import Sheet
from ocop.products.models import ProductCategory
from tests.criteria.conftest import criterion

pytestmark = pytest.mark.django_db

SHEET_148_SETS = [
    "I.1.a", "I.1.b", "I.2.a", "I.2.b", "I.3.a", "I.3.b", "I.3.c", "I.3.d", "I.4.a",
    "I.4.b", "I.5.a", "I.5.b", "I.6.a", "II.1.a", "II.1.b", "II.2.a", "II.2.b",
    "III.1.a", "III.2.a", "III.3.a", "IV.1.a", "IV.2.a", "V.1.a", "V.2.a", "V.3.a",
    "VI.1.a",
]  # fmt: skip


@pytest.fixture
def sheet(sheet_data):
    # Text that a spreadsheet would run as a formula, and a criterion
    # directly under a part, must survive the round trip too.
    criterion(sheet_data, "1.1")["options"][0]["text"] = "=SUM(A1:A2) dưới 50%"
    criterion(sheet_data, "1.2")["evidence"] = "+ hóa đơn"
    return load_sheet_data(sheet_data).sheet


def test_the_148_sample_is_loaded_for_every_product_set_and_labelled_a_sample():
    sheets = Sheet.objects.filter(code__startswith="148-mau-").select_related("product_set")
    assert sorted(s.product_set.code for s in sheets) == sorted(SHEET_148_SETS)
    assert sorted(SHEET_148_SETS) == sorted(
        ProductCategory.objects.filter(legal_basis="148/QĐ-TTg", level="set").values_list(
            "code", flat=True
        )
    )
    sample = sheets.get(code="148-mau-I.1.a")
    assert (sample.is_official, sample.legal_basis.code, str(sample.effective_from)) == (
        False,
        "148/QĐ-TTg",
        "2023-02-24",
    )
    assert sample.title.startswith("MẪU – KHÔNG PHẢI VĂN BẢN CHÍNH THỨC:")
    assert "Rau, củ, quả, hạt tươi" in sample.title
    assert [(p.code, int(p.max_points)) for p in sample.parts.all()] == [
        ("A", 40),
        ("B", 25),
        ("C", 35),
    ]
    assert [s.code for s in sample.sections.all()] == [str(n) for n in range(1, 9)]
    assert list(sample.criteria.filter(commune_assessed=True).values_list("code", flat=True)) == [
        "1.1",
        "1.2",
        "2.1",
        "5.2",
    ]
    assert [(k.kind, k.star, k.criterion.code) for k in sample.conditions.all()] == [
        ("mandatory", 3, "7.1"),
        ("mandatory", 3, "7.2"),
    ]


def test_yaml_export_loads_back_unchanged(sheet):
    data = yaml.safe_load(export_sheet_yaml(sheet))
    assert (data["format"], data["code"], data["official"]) == (
        "ocop-criteria-sheet/1",
        "TEST-1048",
        False,
    )
    assert [r.status for r in load_data(data)] == ["unchanged"]


def test_json_export_loads_back_unchanged(sheet):
    data = json.loads(export_sheet_json(sheet))
    assert data == json.loads(json.dumps(export_sheet_data(sheet), default=str))
    assert [r.status for r in load_data(data)] == ["unchanged"]


def test_excel_export_loads_back_unchanged_and_escapes_formulas(sheet):
    content = export_sheet_xlsx(sheet)
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Thông tin", "Phiếu"]
    rows = list(workbook["Phiếu"].iter_rows(values_only=True))
    assert rows[0][:7] == (
        "Loại",
        "Mã",
        "Nội dung",
        "Nội dung (EN)",
        "Điểm tối đa / Điểm",
        "Kiểu",
        "Thuộc",
    )
    assert rows[1][:5] == (
        "Phần",
        "A",
        "Sản phẩm và sức mạnh cộng đồng",
        "Product and community strength",
        35,
    )
    assert ("Phương án", "a", "'=SUM(A1:A2) dưới 50%") in [r[:3] for r in rows]
    assert "'+ hóa đơn" in [r[8] for r in rows]
    assert [r.status for r in load_data(read_sheet_xlsx(io.BytesIO(content)))] == ["unchanged"]


def test_every_shipped_sheet_exports_and_loads_back_unchanged():
    codes = ["1048-I-rau-cu-qua-tuoi", "148-mau-VI.1.a", "148-I.1.a", "148-I.5.a", "148-VI.1.a"]
    sheets = Sheet.objects.filter(code__in=codes, superseded_by__isnull=True)
    assert sheets.count() == len(codes)
    for sheet in sheets:
        xlsx = read_sheet_xlsx(io.BytesIO(export_sheet_xlsx(sheet)))
        assert [r.status for r in load_data(xlsx)] == ["unchanged"], sheet.code
        assert [r.status for r in load_data(yaml.safe_load(export_sheet_yaml(sheet)))] == [
            "unchanged"
        ]
        assert [r.status for r in load_data(json.loads(export_sheet_json(sheet)))] == ["unchanged"]


def test_the_excel_layout_holds_cases_notes_marks_and_flags():
    tourism = Sheet.objects.get(code="148-VI.1.a", superseded_by__isnull=True)
    data = read_sheet_xlsx(io.BytesIO(export_sheet_xlsx(tourism)))
    section = next(s for s in data["parts"][2]["sections"] if s["code"] == "8")
    assert [b["code"] for b in section["branches"]] == ["8.TH1", "8.TH2"]
    assert section["note"] == "Lựa chọn một trong hai trường hợp sau:"
    assert data["status"] == "transcription"
    tea = Sheet.objects.get(code="148-I.5.a", superseded_by__isnull=True)
    data = read_sheet_xlsx(io.BytesIO(export_sheet_xlsx(tea)))
    assert [f["at"] for f in data["flags"]] == ["C"]
    workbook = load_workbook(io.BytesIO(export_sheet_xlsx(tea)))
    marks = [r for r in workbook["Phiếu"].iter_rows(values_only=True) if r[0] == "Phương án"]
    assert any(r[12] == 4 for r in marks)


def test_a_changed_excel_file_replaces_the_sheet(sheet, tmp_path):
    from ocop.criteria.domain.loading import load_file

    workbook = load_workbook(io.BytesIO(export_sheet_xlsx(sheet)))
    tree = workbook["Phiếu"]
    for row in tree.iter_rows(min_row=2):
        if row[0].value == "Tiêu chí" and row[1].value == "1.1":
            row[2].value = "Nguồn nguyên liệu địa phương"
    path = tmp_path / "phieu.xlsx"
    workbook.save(path)
    [result] = load_file(path)
    assert (result.status, result.sheet.criteria.get(code="1.1").text) == (
        "replaced",
        "Nguồn nguyên liệu địa phương",
    )


def test_an_excel_row_of_unknown_kind_is_refused(sheet, tmp_path):
    from django.utils import translation

    workbook = load_workbook(io.BytesIO(export_sheet_xlsx(sheet)))
    tree = workbook["Phiếu"]
    tree.append(["Ghi chú", "x", "Một dòng lạ"])
    number = tree.max_row
    path = tmp_path / "phieu.xlsx"
    workbook.save(path)
    from ocop.criteria.domain.loading import load_file

    with translation.override("en"), pytest.raises(SheetError) as error:
        load_file(path)
    assert error.value.messages == [f"Row {number} of “Phiếu”: unknown kind “Ghi chú”."]
