"""The official report tables on the crafted year: every cell and sentence of
Thanh Hóa's report for the year and the first six months, the XLSX read back
with openpyxl, the PDF read back as text, and the national summary."""

import io
import re

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from ocop.stats.domain.report import build_report
from tests.pdffonts import assert_administrative_fonts

from .test_layer import NOW

pytestmark = pytest.mark.django_db

YEAR_SENTENCES = [
    "Toàn tỉnh có 4 sản phẩm OCOP, trong đó 2 sản phẩm 4 sao, 2 sản phẩm 3 sao"
    " (tính đến ngày 31/12/2025).",
    "Các sản phẩm OCOP thuộc 4 chủ thể, gồm 2 doanh nghiệp, 1 hợp tác xã và 1 hộ kinh doanh.",
    "Trong năm 2025, toàn tỉnh công nhận mới 2 sản phẩm, đánh giá lại 1 sản phẩm, nâng hạng"
    " 1 sản phẩm; 2 sản phẩm hết hạn giấy chứng nhận, 1 sản phẩm bị thu hồi giấy chứng nhận.",
    "Tiếp nhận 5 phiếu đăng ký ý tưởng sản phẩm, 1 ý tưởng được chấp thuận, 1 phương án, dự án"
    " sản xuất kinh doanh.",
    "Số sản phẩm OCOP của tỉnh đứng thứ 1 cả nước.",
]
H1_SENTENCES = [
    "Toàn tỉnh có 5 sản phẩm OCOP, trong đó 1 sản phẩm 4 sao, 4 sản phẩm 3 sao"
    " (tính đến ngày 30/06/2025).",
    "Các sản phẩm OCOP thuộc 5 chủ thể, gồm 2 doanh nghiệp, 1 hợp tác xã và 2 hộ kinh doanh.",
    "Trong 6 tháng đầu năm 2025, toàn tỉnh công nhận mới 1 sản phẩm, đánh giá lại 1 sản phẩm,"
    " nâng hạng 0 sản phẩm; 1 sản phẩm hết hạn giấy chứng nhận, 0 sản phẩm bị thu hồi giấy"
    " chứng nhận.",
]


def cells(rows):
    return {row.label: [*row.cells, row.total] for row in rows}


@time_machine.travel(NOW, tick=False)
def test_the_provinces_year_report_cell_by_cell(crafted):
    report = build_report(unit=crafted.thanh_hoa, kind="year", year=2025, user=crafted.officer)
    a, b = crafted.commune_a.name, crafted.commune_b.name
    # Columns: 5★, 4★, 3★, total.
    assert cells(report.by_unit) == {a: [0, 1, 2, 3], b: [0, 1, 0, 1]}
    assert [*report.total.cells, report.total.total] == [0, 2, 2, 4]
    groups = cells(report.by_group)
    assert sorted(groups.values()) == [[0, 1, 0, 1], [0, 1, 2, 3]]
    assert cells(report.changes) == {
        "Công nhận mới": [0, 1, 1, 2],
        "Đánh giá lại": [0, 0, 1, 1],
        "Nâng hạng": [0, 1, 0, 1],
        "Hết hạn": [0, 0, 2, 2],
        "Bị thu hồi": [0, 0, 1, 1],
    }
    assert report.subjects == [
        ("doanh nghiệp", 2),
        ("hợp tác xã", 1),
        ("tổ hợp tác", 0),
        ("hộ kinh doanh", 1),
    ]
    assert report.subject_total == 4
    assert report.ideas["total"].value == 5
    assert [f.value for _label, f in report.dossier_rows] == [1] * 10
    assert report.rank == 1
    assert report.sentences[:5] == YEAR_SENTENCES
    assert report.sentences[5:] == report.events.report.sentences


@time_machine.travel(NOW, tick=False)
def test_the_first_six_months(crafted):
    report = build_report(unit=crafted.thanh_hoa, kind="h1", year=2025, user=crafted.officer)
    a, b = crafted.commune_a.name, crafted.commune_b.name
    assert cells(report.by_unit) == {a: [0, 0, 3, 3], b: [0, 1, 1, 2]}
    assert [row.total for row in report.changes] == [1, 1, 0, 1, 0]
    assert report.sentences[:3] == H1_SENTENCES


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@time_machine.travel(NOW, tick=False)
def test_the_downloads_read_back(crafted, client):
    client.force_login(crafted.officer)
    query = f"?unit={crafted.thanh_hoa.pk}&kind=year&year=2025"
    page = client.get("/stats/report/" + query)
    assert page.status_code == 200
    assert page.context["report"].sentences[:5] == YEAR_SENTENCES
    response = client.get("/stats/report.xlsx" + query)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    texts = [row[1] for row in rows if row[0] is None or row[0] == ""]
    for sentence in YEAR_SENTENCES:
        assert sentence in texts
    a = crafted.commune_a.name
    assert next(r for r in rows if r[1] == a)[2:6] == [0, 1, 2, 3]
    assert next(r for r in rows if r[1] == "Tổng cộng")[2:6] == [0, 2, 2, 4]
    assert next(r for r in rows if r[1] == "Hết hạn")[2:6] == [0, 0, 2, 2]
    pdf = client.get("/stats/report.pdf" + query)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = text_of(pdf.content)
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH OCOP NĂM 2025" in text
    for sentence in YEAR_SENTENCES:
        assert sentence in text
    assert "Biểu 03. Biến động trong năm 2025" in text
    assert_administrative_fonts(pdf.content)


@time_machine.travel(NOW, tick=False)
def test_a_province_officer_reports_on_their_province_only(crafted, client):
    client.force_login(crafted.officer)
    response = client.get(f"/stats/report/?unit={crafted.ha_noi.pk}&kind=year&year=2025")
    assert response.context["report"] is None
    assert "unit" in response.context["form"].errors
    response = client.get("/stats/report/?unit=&kind=year&year=2025")
    assert response.context["report"].unit == crafted.thanh_hoa


@time_machine.travel(NOW, tick=False)
def test_the_national_summary_ranks_the_provinces(crafted, client):
    report = build_report(unit=None, kind="year", year=2025, user=crafted.central)
    assert report.sentences[0] == (
        "Cả nước có 5 sản phẩm OCOP, trong đó 3 sản phẩm 4 sao (60,0 %), 2 sản phẩm 3 sao"
        " (40,0 %) (tính đến ngày 31/12/2025)."
    )
    ranking = [(rank, province.code, n) for rank, province, n in report.ranking[:3]]
    assert ranking[:2] == [(1, "38", 4), (2, "01", 1)]
    assert ranking[2][0] == 3
    client.force_login(crafted.central)
    response = client.get("/stats/report.xlsx?unit=&kind=year&year=2025")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert any(r[:3] == (2, "Hà Nội", 1) for r in rows)
