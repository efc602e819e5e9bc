"""Decision annexes imported with their decision (issue 18, point 6): the
decision number and date of the title rows (or typed on the upload form) give
every row's certificate its decision (a recognition decision of the
certification app, reused by number and issuer) and validity; the import is in
each product's history; group shorthands map to the right group or set, or the
row names the candidates. Real .xlsx files built with openpyxl."""

from datetime import date

import pytest
import yaml
from django.urls import include, path, reverse

from ocop import urls as project_urls
from ocop.certification.domain.rules import valid_until_for
from ocop.certification.enums import AuthorityLevel, DecisionState
from ocop.certification.models import Certificate, Decision
from ocop.core.models import ActivityLog
from ocop.products.domain.shorthands import SHORTHANDS_FILE
from ocop.products.models import Product, ProductCategory
from ocop.registry.domain.cells import parse_annex_title
from ocop.registry.domain.service import run_import
from ocop.registry.models import ImportBatch
from tests.factories.geo import province
from tests.registry.files import write_rows

pytestmark = pytest.mark.django_db

urlpatterns = [
    path("products/import/", include("ocop.registry.urls")),
    *[p for p in project_urls.urlpatterns if getattr(p, "namespace", None) != "products_import"],
]

HEADER = ["STT", "Tên sản phẩm", "Tên chủ thể", "Địa chỉ", "Nhóm sản phẩm", "Hạng sao"]


@pytest.fixture
def thanh_hoa():
    return province("38")


def annex(tmp_path, title_rows, rows=None, name="phu-luc.xlsx"):
    rows = rows or [
        [
            1,
            "Chè xanh Như Xuân",
            "HTX Chè Như Xuân",
            "Xã Hoằng Trung, Huyện Hoằng Hóa",
            "Chè",
            "4 sao",
        ],
        [2, "Tinh bột nghệ Hậu Lộc", "HKD Lê Văn An", "Huyện Hậu Lộc", "Dược liệu", "3 sao"],
        [3, "Mắm tôm Hòa Lộc", "HTX Hòa Lộc", "Huyện Hậu Lộc", "Gia vị", "3"],
        [4, "Bánh gai Tứ Trụ", "HKD Trần Thị Bé", "Huyện Hậu Lộc", "Thực phẩm chế biến", "3 sao"],
    ]
    first = len(title_rows) + 2
    return write_rows(
        tmp_path / name,
        [(first, HEADER), *[(first + 1 + i, r) for i, r in enumerate(rows)]],
        title_rows=[(i + 1, t) for i, t in enumerate(title_rows)],
    )


TITLE = [
    "ỦY BAN NHÂN DÂN TỈNH THANH HÓA",
    "PHỤ LỤC",
    "DANH SÁCH SẢN PHẨM ĐƯỢC CÔNG NHẬN ĐẠT TIÊU CHUẨN OCOP NĂM 2025",
    "(Kèm theo Quyết định số 1234/QĐ-UBND ngày 15/11/2025 của Chủ tịch UBND tỉnh Thanh Hóa)",
]


@pytest.mark.parametrize(
    ("texts", "number", "day"),
    [
        (
            ["(Kèm theo Quyết định số 1234/QĐ-UBND ngày 15/11/2025 của UBND tỉnh)"],
            "1234/QĐ-UBND",
            date(2025, 11, 15),
        ),
        (
            ["Kèm theo Quyết định số: 87 /QĐ-UBND ngày 15 tháng 11 năm 2025"],
            "87/QĐ-UBND",
            date(2025, 11, 15),
        ),
        (
            ["Kèm theo QĐ số 2024/2025/QĐ-UBND, ngày 03/2/2025"],
            "2024/2025/QĐ-UBND",
            date(2025, 2, 3),
        ),
        (["Thanh Hóa, ngày 20/11/2025", "kèm theo quyết định số 55/qđ-ubnd"], "55/QĐ-UBND", None),
        (["DANH SÁCH SẢN PHẨM OCOP NĂM 2022"], "", None),
    ],
)
def test_the_decision_is_read_from_title_rows(texts, number, day):
    assert parse_annex_title(texts) == (number, day)


def test_every_row_gets_the_annexs_decision_validity_and_a_history_entry(
    tmp_path, thanh_hoa, province_officer
):
    result = run_import(
        annex(tmp_path, TITLE), province=thanh_hoa, by=province_officer, apply_valid=True
    )
    assert result.applied
    assert result.summary["annex_read_number"] == "1234/QĐ-UBND"
    assert result.summary["annex_date"] == "2025-11-15"
    decision = Decision.objects.get()
    assert (decision.number, decision.date, decision.state) == (
        "1234/QĐ-UBND",
        date(2025, 11, 15),
        DecisionState.ISSUED,
    )
    assert decision.level == AuthorityLevel.PROVINCE
    assert decision.unit == thanh_hoa
    certificates = Certificate.objects.all()
    assert certificates.count() == 4
    expected = valid_until_for(issued_on=date(2025, 11, 15))
    assert expected is not None
    for certificate in certificates:
        assert certificate.decision == decision
        assert certificate.decision_number == "1234/QĐ-UBND"
        assert certificate.decision_date == date(2025, 11, 15)
        assert certificate.valid_until == expected
    for product in Product.objects.all():
        assert product.certified_until == expected
    # the import appears in each product's history
    entries = ActivityLog.objects.filter(action="ocop.product.imported")
    assert entries.count() == 4
    assert all(e.actor == province_officer for e in entries)
    assert {e.data["decision_number"] for e in entries} == {"1234/QĐ-UBND"}


def test_the_decision_is_reused_by_number_and_issuer(tmp_path, thanh_hoa, province_officer):
    run_import(annex(tmp_path, TITLE), province=thanh_hoa, by=province_officer)
    other_rows = [[1, "Nem chua Thanh Hóa", "HKD Nguyễn Văn C", "Huyện Hậu Lộc", "I.3.d", "3 sao"]]
    run_import(
        annex(tmp_path, TITLE, other_rows, name="phan-2.xlsx"),
        province=thanh_hoa,
        by=province_officer,
    )
    decision = Decision.objects.get()
    assert decision.certificates.count() == 5


def test_the_groups_shorthands_map_to_the_right_group_or_set(tmp_path, thanh_hoa):
    run_import(annex(tmp_path, TITLE), province=thanh_hoa, apply_valid=True)
    codes = dict(Product.objects.values_list("name", "category__code"))
    assert codes == {
        "Chè xanh Như Xuân": "I.5",
        "Tinh bột nghệ Hậu Lộc": "III",
        "Mắm tôm Hòa Lộc": "I.4",
        "Bánh gai Tứ Trụ": "I.3",
    }


def test_an_ambiguous_shorthand_is_a_row_error_naming_the_candidates(tmp_path, thanh_hoa):
    rows = [
        [
            1,
            "Gạo tám Hoằng Hóa",
            "HTX Hoằng Trung",
            "Xã Hoằng Trung, Huyện Hoằng Hóa",
            "Gạo",
            "3 sao",
        ]
    ]
    result = run_import(annex(tmp_path, TITLE, rows), province=thanh_hoa, dry_run=True)
    (problem,) = [p for p in result.problems if p.code == "ambiguous_group"]
    assert problem.severity == "error"
    assert "I.2.a" in problem.message
    assert "I.3.b" in problem.message
    assert result.summary["rows_rejected"] == 1


def test_every_shorthand_names_existing_categories():
    data = yaml.safe_load(SHORTHANDS_FILE.read_text(encoding="utf-8"))
    codes = set(ProductCategory.objects.values_list("code", flat=True))
    named = {code for targets in data["shorthands"].values() for code in targets}
    assert named <= codes, named - codes
    for text in ("Dược liệu", "Chè", "Gia vị", "Thực phẩm chế biến"):
        assert len(data["shorthands"][text]) == 1


def test_a_row_keeps_its_own_decision(tmp_path, thanh_hoa):
    header = [*HEADER, "Số quyết định", "Ngày quyết định"]
    rows = [
        [1, "Chè xanh", "HTX Chè", "Huyện Hậu Lộc", "I.5.a", "4 sao", "99/QĐ-UBND", "02/03/2024"],
        [2, "Chè đen", "HTX Chè", "Huyện Hậu Lộc", "I.5.a", "3 sao", None, None],
    ]
    path_ = write_rows(
        tmp_path / "mixed.xlsx",
        [(5, header), (6, rows[0]), (7, rows[1])],
        title_rows=[(i + 1, t) for i, t in enumerate(TITLE)],
    )
    run_import(path_, province=thanh_hoa)
    own = Certificate.objects.get(product__name="Chè xanh")
    annexed = Certificate.objects.get(product__name="Chè đen")
    assert (own.decision_number, own.decision_date, own.decision) == (
        "99/QĐ-UBND",
        date(2024, 3, 2),
        None,
    )
    assert annexed.decision.number == "1234/QĐ-UBND"


# The pages: asked for on the form when absent, prefilled and corrected on the preview


@pytest.mark.urls(__name__)
def test_without_title_rows_the_decision_is_asked_for_on_the_form(
    client, tmp_path, province_officer, thanh_hoa, django_capture_on_commit_callbacks
):
    client.force_login(province_officer)
    page = client.get(reverse("products_import:upload")).content.decode()
    assert 'name="decision_number"' in page
    assert 'name="decision_date"' in page
    listing = annex(tmp_path, ["DANH SÁCH SẢN PHẨM OCOP NĂM 2025"])
    with open(listing, "rb") as handle:
        response = client.post(
            reverse("products_import:upload"),
            {
                "file": handle,
                "province": thanh_hoa.pk,
                "decision_number": "777/QĐ-UBND",
                "decision_date": "2025-10-01",
            },
        )
    batch = ImportBatch.objects.get()
    preview = client.get(response.url).content.decode()
    assert 'value="777/QĐ-UBND"' in preview
    assert 'value="2025-10-01"' in preview
    assert "Dòng tiêu đề không ghi số quyết định" in preview
    # corrected on the preview, checked again, then applied
    client.post(
        reverse("products_import:preview", args=[batch.pk]),
        {"decision_number": "778/QĐ-UBND", "decision_date": "2025-10-02"},
    )
    batch.refresh_from_db()
    assert batch.summary["annex_number"] == "778/QĐ-UBND"
    with django_capture_on_commit_callbacks(execute=True):  # the task runs at once in tests
        client.post(reverse("products_import:apply", args=[batch.pk]), {"apply_valid": "on"})
    assert set(Certificate.objects.values_list("decision_number", "decision_date")) == {
        ("778/QĐ-UBND", date(2025, 10, 2))
    }
    product = Product.objects.get(name="Chè xanh Như Xuân")
    history = client.get(reverse("products:detail", args=[product.pk])).content.decode()
    assert "ghi nhận từ danh sách nhập" in history.lower()
    entry = ActivityLog.objects.get(action="ocop.product.imported", object_id=str(product.pk))
    assert entry.actor == province_officer
    assert entry.data["decision_number"] == "778/QĐ-UBND"


@pytest.mark.urls(__name__)
def test_the_preview_shows_what_was_read(client, tmp_path, province_officer, thanh_hoa):
    client.force_login(province_officer)
    with open(annex(tmp_path, TITLE), "rb") as handle:
        response = client.post(
            reverse("products_import:upload"), {"file": handle, "province": thanh_hoa.pk}
        )
    preview = client.get(response.url).content.decode()
    read = preview.split('id="import-annex-read"')[1].split("</p>")[0]
    assert "1234/QĐ-UBND" in read
    assert "15/11/2025" in read
    assert 'value="1234/QĐ-UBND"' in preview


def test_a_resumed_background_apply_logs_each_product_once(
    tmp_path, province_officer, thanh_hoa, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ocop.registry.domain.apply import apply_batch, run_apply
    from ocop.registry.domain.service import check_batch, create_batch

    upload = SimpleUploadedFile("pl.xlsx", annex(tmp_path, TITLE).read_bytes())
    batch = create_batch(by=province_officer, upload=upload, province=thanh_hoa)
    check_batch(by=province_officer, batch=batch)
    with django_capture_on_commit_callbacks(execute=False):
        apply_batch(by=province_officer, batch=batch, apply_valid=True)
    run_apply(batch_id=batch.pk, max_chunks=1, chunk_size=2)  # dies after one chunk
    assert ActivityLog.objects.filter(action="ocop.product.imported").count() == 2
    batch = run_apply(batch_id=batch.pk, chunk_size=2)
    assert batch.status == ImportBatch.Status.APPLIED
    entries = ActivityLog.objects.filter(action="ocop.product.imported")
    assert sorted(int(e.object_id) for e in entries) == sorted(
        Product.objects.values_list("pk", flat=True)
    )
    assert {e.actor for e in entries} == {province_officer}
    assert Decision.objects.get().certificates.count() == 4
