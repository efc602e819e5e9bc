"""Importing provincial Excel lists of OCOP products (registry/domain/,
the import_products command and the upload → preview → confirm pages)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import timezone

from ocop import urls as project_urls
from ocop.accounts.enums import Role
from ocop.certification.domain.status import live_status
from ocop.certification.enums import LiveStatus
from ocop.certification.models import Certificate
from ocop.core.models import ActivityLog
from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit
from ocop.producers.enums import LegalForm
from ocop.producers.models import Subject
from ocop.products.enums import OcopStatus
from ocop.products.models import Product
from ocop.registry.domain.apply import apply_batch
from ocop.registry.domain.cells import (
    header_field,
    parse_date,
    parse_decision,
    parse_legal_form,
    parse_registration_number,
    parse_score,
    parse_star,
)
from ocop.registry.domain.problems import BadValue
from ocop.registry.domain.service import check_batch, create_batch, run_import
from ocop.registry.models import ImportBatch
from tests.factories.accounts import user_with_role
from tests.factories.geo import province
from tests.factories.registry import ProductFactory, SubjectFactory
from tests.factories.xlsx import inflated
from tests.registry.files import annex_list, simple_list, thanh_hoa_list, write_rows

pytestmark = pytest.mark.django_db

# The pages are mounted at /products/import/ by the project's URLconf; this
# module serves as the URLconf of the page tests so that they also run before
# that line exists.
urlpatterns = [
    path("products/import/", include("ocop.registry.urls")),
    *[p for p in project_urls.urlpatterns if getattr(p, "namespace", None) != "products_import"],
]


@pytest.fixture
def thanh_hoa():
    return province("38")


@pytest.fixture
def ha_noi():
    return province("01")


def legacy_commune(name, district):
    return AdminUnit.objects.select_related("successor_commune").get(
        era=Era.LEGACY, level=Level.COMMUNE, name=name, parent__name=district
    )


def current_commune(name, province_code="38"):
    return AdminUnit.objects.get(
        era=Era.CURRENT, level=Level.COMMUNE, name=name, province__code=province_code
    )


def registry_counts():
    return (
        Subject.objects.count(),
        Product.objects.count(),
        Certificate.objects.count(),
        ImportBatch.objects.count(),
        ActivityLog.objects.filter(action="ocop.import.applied").count(),
    )


def problems_by_row(result):
    return {(p.row, p.column, p.code) for p in result.problems}


# Reading values -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "star"),
    [
        ("3 sao", 3),
        ("4*", 4),
        ("3★", 3),
        ("★★★★", 4),
        ("4", 4),
        (5, 5),
        (4.0, 4),
        ("Ba sao", 3),
        ("Bốn sao", 4),
        ("Hạng 4 sao", 4),
        ("4 sao (tiềm năng 5 sao)", 4),
        (None, None),
        ("", None),
    ],
)
def test_star_values_written_in_many_ways_are_read(value, star):
    assert parse_star(value) == star


@pytest.mark.parametrize(
    "value", ["6 sao", "2 sao", "0", "sao", "nhiều sao", 3.5, "3,5", "3.5 sao", "4,5*"]
)
def test_invalid_star_values_are_refused(value):
    with pytest.raises(BadValue) as error:
        parse_star(value)
    assert error.value.code == "bad_star"


@pytest.mark.parametrize(
    ("value", "score"),
    [("66,36", "66.36"), ("66.36", "66.36"), (66.36, "66.36"), (58, "58.00"), ("70 điểm", "70.00")],
)
def test_scores_with_decimal_commas_are_read(value, score):
    assert parse_score(value) == Decimal(score)


@pytest.mark.parametrize("value", ["101", "-3", "sáu mươi", "66,3,6"])
def test_invalid_scores_are_refused(value):
    with pytest.raises(BadValue) as error:
        parse_score(value)
    assert error.value.code == "bad_score"


@pytest.mark.parametrize(
    "value",
    ["12/05/2022", "12-5-2022", "12.05.2022", "2022-05-12", "ngày 12 tháng 5 năm 2022", 44693],
)
def test_decision_dates_are_read_from_text_serials_and_dates(value):
    assert parse_date(value, today=date(2025, 1, 1)) == date(2022, 5, 12)


def test_real_excel_dates_are_read():
    assert parse_date(date(2022, 5, 12), today=date(2025, 1, 1)) == date(2022, 5, 12)


@pytest.mark.parametrize(
    ("value", "code"), [("31/02/2022", "bad_date"), ("12/05/2030", "date_out_of_range")]
)
def test_bad_dates_are_refused(value, code):
    with pytest.raises(BadValue) as error:
        parse_date(value, today=date(2025, 1, 1))
    assert error.value.code == code


@pytest.mark.parametrize(
    ("value", "number", "date_text"),
    [
        ("1234/QĐ-UBND", "1234/QĐ-UBND", ""),
        ("Quyết định số 1234/QĐ-UBND ngày 12/5/2022", "1234/QĐ-UBND", "12/5/2022"),
        ("QĐ số 55/QĐ-UBND, ngày 01/02/2021", "55/QĐ-UBND", "01/02/2021"),
        (1234, "1234", ""),
    ],
)
def test_decision_numbers_are_split_from_their_dates(value, number, date_text):
    assert parse_decision(value) == (number, date_text)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Tên sản phẩm", "product_name"),
        ("TÊN SẢN PHẨM OCOP", "product_name"),
        ("Chủ thể", "subject_name"),
        ("Chủ thể/ Đơn vị", "subject_name"),
        ("Đơn vị", "subject_name"),
        ("Tên chủ thể\nsản xuất", "subject_name"),
        ("Địa phương", "locality"),
        ("Huyện", "district"),
        ("Xã/phường", "commune"),
        ("Bộ sản phẩm", "group"),
        ("Nhóm sản phẩm", "group"),
        ("Hạng sao", "star"),
        ("Số sao", "star"),
        ("Xếp hạng (sao)", "star"),
        ("Điểm", "score"),
        ("Số điểm", "score"),
        ("Quyết định số", "decision_number"),
        ("Số quyết định công nhận", "decision_number"),
        ("Ngày quyết định", "decision_date"),
        ("Mã số thuế", "registration_number"),
        ("Số ĐKKD", "registration_number"),
        ("Mã số doanh nghiệp", "registration_number"),
        ("Loại hình", "legal_form"),
        ("Ghi chú", ""),
    ],
)
def test_header_variants_are_recognised(header, field):
    assert header_field(header) == field


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("HTX", LegalForm.COOPERATIVE),
        ("Hợp tác xã Nông nghiệp Đồng Tâm", LegalForm.COOPERATIVE),
        ("Liên hiệp HTX", LegalForm.COOPERATIVE_UNION),
        ("Công ty TNHH MTV", LegalForm.LLC_ONE),
        ("Công ty TNHH một thành viên", LegalForm.LLC_ONE),
        ("Công ty TNHH", LegalForm.LLC_MULTI),
        ("Công ty CP", LegalForm.JOINT_STOCK),
        ("Doanh nghiệp tư nhân", LegalForm.PRIVATE_ENTERPRISE),
        ("Tổ hợp tác", LegalForm.COOPERATIVE_GROUP),
        ("Hộ kinh doanh", LegalForm.HOUSEHOLD),
        ("Cơ sở sản xuất nem chua Hương Quê", LegalForm.HOUSEHOLD),
    ],
)
def test_legal_forms_are_recognised(text, form):
    assert parse_legal_form(text) == form


def test_registration_numbers_typed_as_numbers_get_their_leading_zero_back():
    assert parse_registration_number(101234567) == "0101234567"
    assert parse_registration_number(2801234567.0) == "2801234567"
    assert parse_registration_number("2801234567001") == "2801234567-001"


# Addresses --------------------------------------------------------------------------


# The realistic provincial list --------------------------------------------------------


def test_realistic_list_dry_run_reports_counts_and_problems_and_writes_nothing(tmp_path, thanh_hoa):
    before = registry_counts()
    result = run_import(thanh_hoa_list(tmp_path), province=thanh_hoa, dry_run=True)
    assert result.header_row == 3
    assert [c.header for c in result.unrecognised] == ["Ghi chú"]
    summary = result.summary
    assert summary["rows"] == 6  # the blank row 6 and the title rows are not rows
    assert summary["rows_valid"] == 4
    assert summary["rows_rejected"] == 1
    assert summary["rows_duplicate"] == 1
    assert summary["subjects_created"] == 3
    assert summary["products_created"] == 4
    assert summary["certificates_created"] == 4
    assert summary["applied"] is False
    assert problems_by_row(result) == {
        (5, "Địa chỉ", "district_only"),
        (9, "Xếp hạng", "bad_star"),
        (10, "Tên sản phẩm", "duplicate_row"),
    }
    assert [p.row for p in result.errors] == [9]
    assert registry_counts() == before


def test_realistic_list_applies_valid_rows_and_reimport_changes_nothing(tmp_path, thanh_hoa):
    path = thanh_hoa_list(tmp_path)
    result = run_import(path, province=thanh_hoa, apply_valid=True)
    assert result.applied
    summary = result.summary
    assert (summary["subjects_created"], summary["subjects_updated"]) == (3, 0)
    assert (summary["products_created"], summary["products_updated"]) == (4, 0)
    assert summary["certificates_created"] == 4
    assert summary["rows_rejected"] == 1

    # "Xã Hoằng Trung, Huyện Hoằng Hóa" is now in its 2025 commune.
    htx = Subject.objects.get(name="HTX Dịch vụ nông nghiệp Hoằng Trung")
    assert htx.commune == legacy_commune("Hoằng Trung", "Hoằng Hóa").successor_commune
    assert htx.province == thanh_hoa
    assert htx.legacy_address == "Xã Hoằng Trung, Huyện Hoằng Hóa"
    assert htx.legal_form == LegalForm.COOPERATIVE
    assert htx.products.count() == 2
    assert " hoang trung " in htx.search_text
    # A list giving only the district: placed in the commune named after it.
    company = Subject.objects.get(name="Công ty TNHH Thủy sản Hậu Lộc")
    assert company.commune == current_commune("Hậu Lộc")
    assert company.legal_form == LegalForm.LLC_MULTI
    household = Subject.objects.get(name="Hộ kinh doanh Lê Thị Lan")
    assert household.address == "Thôn 2"
    assert household.legal_form == LegalForm.HOUSEHOLD
    assert not Subject.objects.filter(name__contains="Hương Quê").exists()  # the bad row

    sauce = Product.objects.get(name="Nước mắm cá cơm Hoằng Trung")
    certificate = sauce.certificates.get()
    assert certificate.star == 3
    assert certificate.score == Decimal("66.36")
    assert certificate.decision_number == "1234/QĐ-UBND"
    assert certificate.decision_date == date(2022, 5, 12)
    assert certificate.valid_until == date(2025, 5, 12)
    assert certificate.legal_basis == "1048/QĐ-TTg"  # decided before 24/02/2023
    assert certificate.source == "import"
    assert sauce.star == 3
    assert sauce.certified_until == date(2025, 5, 12)
    expired = date(2025, 5, 12) < timezone.localdate()
    assert sauce.status == (OcopStatus.EXPIRED if expired else OcopStatus.CERTIFIED)
    assert sauce.category.code == "I.4.a"  # "Tương, nước mắm…"
    assert sauce.province == thanh_hoa
    assert Product.objects.get(name="Mắm tép Hậu Lộc").category.code == "1048.1"  # "Thực phẩm"
    assert Product.objects.get(name="Chè lam Phủ Quảng").category.code == "I.3.b"

    batch = result.batch
    assert batch.status == ImportBatch.Status.APPLIED
    assert batch.province == thanh_hoa
    assert batch.original_name == "ocop-thanh-hoa-2022.xlsx"
    log = ActivityLog.objects.get(action="ocop.import.applied")
    assert log.object_id == str(batch.pk)
    assert log.data["products_created"] == 4

    before = registry_counts()
    again = run_import(path, province=thanh_hoa, apply_valid=True).summary
    assert again["subjects_created"] == again["subjects_updated"] == 0
    assert again["subjects_unchanged"] == 3
    assert again["products_created"] == again["products_updated"] == 0
    assert again["products_unchanged"] == 4
    assert again["certificates_created"] == 0
    assert registry_counts()[:3] == before[:3]


def test_a_bad_row_writes_nothing_without_apply_valid(tmp_path, thanh_hoa):
    before = registry_counts()
    result = run_import(thanh_hoa_list(tmp_path), province=thanh_hoa)
    assert not result.applied
    assert result.batch is None
    assert result.summary["rows_rejected"] == 1
    assert result.summary["products_created"] == 4  # what would have been done
    assert registry_counts() == before


def test_small_chunks_give_the_same_result(tmp_path, thanh_hoa):
    path = thanh_hoa_list(tmp_path)
    whole = run_import(path, province=thanh_hoa, dry_run=True).summary
    chunked = run_import(path, province=thanh_hoa, apply_valid=True, chunk_size=2).summary
    assert {k: v for k, v in chunked.items() if k != "applied"} == {
        k: v for k, v in whole.items() if k != "applied"
    }
    assert Subject.objects.filter(name="HTX Dịch vụ nông nghiệp Hoằng Trung").count() == 1


def test_decision_annex_with_two_row_header_sections_and_merged_cells(tmp_path, thanh_hoa):
    result = run_import(annex_list(tmp_path), province=thanh_hoa)
    assert result.applied
    assert result.header_row == 4
    fields = {c.letter: c.field for c in result.columns}
    assert fields == {
        "A": "seq",
        "B": "product_name",
        "C": "subject_name",
        "D": "registration_number",
        "E": "score",
        "F": "star",
    }
    summary = result.summary
    assert summary["rows"] == 3  # the numbering row "(1) (2) …" is not a product
    assert (summary["subjects_created"], summary["products_created"]) == (2, 3)
    htx = Subject.objects.get(registration_number="2801234567")
    assert htx.products.count() == 2  # the subject cell is merged over two rows
    # The section heading "I. HUYỆN HẬU LỘC" gives the locality of its rows.
    assert htx.commune == current_commune("Hậu Lộc")
    assert Subject.objects.get(name="Hộ kinh doanh Lê Văn Bình").commune == current_commune(
        "Hoằng Hóa"
    )
    # The title row "Kèm theo Quyết định số 4567/QĐ-UBND ngày 15/08/2024" gives
    # every row its decision (tests/registry/test_annex_import.py).
    assert {p.code for p in result.warnings} == {"district_only"}
    assert Product.objects.get(name="Bánh răng bừa").star == 3
    assert set(Certificate.objects.values_list("decision_number", "decision_date")) == {
        ("4567/QĐ-UBND", date(2024, 8, 15))
    }


def test_unrecognised_column_can_be_mapped(tmp_path, thanh_hoa):
    header = ["STT", "Tên sản phẩm", "Tên chủ thể", "MST/CCCD chủ hộ", "Địa chỉ"]
    path = write_rows(
        tmp_path / "ds.xlsx",
        [
            (1, header),
            (2, [1, "Chè xanh", "HTX Chè Như Xuân", "2801112223", "Huyện Như Xuân"]),
        ],
    )
    plain = run_import(path, province=thanh_hoa, dry_run=True)
    assert [(c.letter, c.header) for c in plain.unrecognised] == [("D", "MST/CCCD chủ hộ")]
    run_import(path, province=thanh_hoa, mapping={"3": "registration_number"})
    assert Subject.objects.get(name="HTX Chè Như Xuân").registration_number == "2801112223"


def test_rows_in_another_province_or_without_address_are_rejected(tmp_path, thanh_hoa):
    path = simple_list(
        tmp_path,
        [
            [1, "Chè Ba Vì", "HTX Chè Ba Vì", "", "HTX", "", "Xã Ba Vì", "Thành phố Hà Nội"],
            [2, "Gạo nếp", "HTX Gạo nếp", "", "HTX", "", "", ""],
            [3, "Cói Nga Sơn", "HTX Cói", "28011122", "HTX", "Huyện Nga Sơn"],
        ],
    )
    result = run_import(path, province=thanh_hoa, dry_run=True)
    assert problems_by_row(result) >= {
        (2, "Xã/phường", "other_province"),
        (3, "Địa chỉ", "missing_address"),
        (4, "Mã số thuế", "bad_registration_number"),
    }
    assert result.summary["rows_rejected"] == 3


def test_a_star_without_a_decision_date_is_imported_with_a_warning(tmp_path, thanh_hoa):
    """Its certificate cannot be "valid forever": it is recorded with its
    validity not determined, and the report says so on the row."""
    path = simple_list(
        tmp_path,
        [
            [
                1,
                "Mật ong Như Xuân",
                "HTX Ong Như Xuân",
                "",
                "HTX",
                "",
                "Xã Như Xuân",
                "Thanh Hóa",
                "",
                "3 sao",
                "",
                "123/QĐ-UBND",
                "",
            ]
        ],
    )
    result = run_import(path, province=thanh_hoa, apply_valid=True)
    assert (2, "Số quyết định", "undated_star") in problems_by_row(result)
    certificate = Certificate.objects.get(product__name="Mật ong Như Xuân")
    assert (certificate.star, certificate.decision_date, certificate.valid_until) == (3, None, None)
    today = timezone.localdate()
    assert live_status(certificate, today=today) == LiveStatus.UNDETERMINED


def test_registration_number_matches_the_subject_whatever_its_name(tmp_path, thanh_hoa):
    commune = current_commune("Hậu Lộc")
    subject = SubjectFactory(
        commune=commune, name="Công ty TNHH Hải sản Hậu Lộc", registration_number="2809876543"
    )
    ProductFactory(subject=subject, name="Mực khô Hậu Lộc")
    path = simple_list(
        tmp_path,
        [
            [1, "MỰC KHÔ HẬU LỘC", "Cty Hải sản Hậu Lộc", "2809876543", "", "", "Xã Hậu Lộc"],
            [2, "Chả mực", "Cty Hải sản Hậu Lộc", "2809876543", "", "", "Xã Hậu Lộc"],
        ],
    )
    summary = run_import(path, province=thanh_hoa).summary
    assert (summary["subjects_created"], summary["subjects_unchanged"]) == (0, 1)
    assert (summary["products_created"], summary["products_unchanged"]) == (1, 1)
    assert subject.products.count() == 2


def test_subject_of_another_province_is_not_touched(tmp_path, thanh_hoa, ha_noi):
    commune = current_commune("Ba Vì", "01")
    SubjectFactory(commune=commune, name="HTX Chè Ba Vì", registration_number="0101234567")
    path = simple_list(
        tmp_path, [[1, "Chè", "HTX Chè Ba Vì", "0101234567", "HTX", "", "Xã Hậu Lộc"]]
    )
    result = run_import(path, province=thanh_hoa, dry_run=True)
    assert problems_by_row(result) == {(2, "Mã số thuế", "subject_other_province")}


def test_a_new_certificate_updates_an_existing_product(tmp_path, thanh_hoa):
    subject = SubjectFactory(commune=current_commune("Hậu Lộc"), name="HTX Mực Hậu Lộc")
    product = ProductFactory(subject=subject, name="Mực một nắng")
    today = timezone.localdate()
    decided = date(today.year - 1, 3, 15)
    path = simple_list(
        tmp_path,
        [
            [
                *[1, "Mực một nắng", "HTX Mực Hậu Lộc", "", "", "", "Xã Hậu Lộc", "Tỉnh Thanh Hóa"],
                *["I.3.d", "4 sao", "72,4", "99/QĐ-UBND", decided.strftime("%d/%m/%Y")],
            ]
        ],
    )
    summary = run_import(path, province=thanh_hoa).summary
    assert (summary["products_created"], summary["products_updated"]) == (0, 1)
    product.refresh_from_db()
    assert (product.star, product.status) == (4, OcopStatus.CERTIFIED)
    assert product.certified_until == date(today.year + 2, 3, 15)
    assert product.certificates.get().legal_basis == "148/QĐ-TTg"
    assert product.category.code == "I.3.d"
    assert product.group_code == "I"


def test_a_file_without_a_header_is_refused(tmp_path, thanh_hoa):
    path = write_rows(tmp_path / "x.xlsx", [(1, ["Danh sách"]), (2, ["a", "b", "c"])])
    with pytest.raises(ValidationError) as error:
        run_import(path, province=thanh_hoa, dry_run=True)
    assert error.value.code == "no_header"


def test_query_count_does_not_grow_with_the_rows(tmp_path, thanh_hoa):
    def rows(n):
        return [
            [
                *[i, f"Sản phẩm {i}", f"HTX số {i % 7}", "", "HTX", "", "Xã Hậu Lộc", ""],
                *["I.3.d", "3 sao", "60", f"{i % 3}/QĐ-UBND", "10/03/2024"],
            ]
            for i in range(1, n + 1)
        ]

    counts = []
    for n in (30, 90):
        path = simple_list(tmp_path, rows(n), name=f"ds{n}.xlsx")
        with CaptureQueriesContext(connection) as queries:
            run_import(path, province=thanh_hoa, dry_run=True)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] < 20


# The command --------------------------------------------------------------------------


def test_command_dry_run_prints_the_report(tmp_path, capsys):
    call_command("import_products", str(thanh_hoa_list(tmp_path)), "--province", "38", "--dry-run")
    out = capsys.readouterr().out
    assert "Header on row 3" in out
    assert "J Ghi chú -> (not recognised" in out
    assert "Subjects: 3 created, 0 updated, 0 unchanged" in out
    assert "row 9, Xếp hạng: [bad_star]" in out
    assert "Dry run: nothing was written." in out
    assert Subject.objects.count() == 0


def test_command_refuses_a_list_with_bad_rows_unless_asked_to_apply_valid(tmp_path, capsys):
    path = str(thanh_hoa_list(tmp_path))
    with pytest.raises(CommandError, match="Chưa ghi gì"):
        call_command("import_products", path, "--province", "38")
    assert Product.objects.count() == 0
    call_command("import_products", path, "--province", "38", "--apply-valid")
    assert Product.objects.count() == 4
    batch = ImportBatch.objects.get()
    assert batch.created_by is None
    assert batch.file.name.endswith(".xlsx")


def test_command_without_province_needs_province_names(tmp_path, capsys):
    path = simple_list(
        tmp_path,
        [
            [1, "Mực khô", "HTX Mực", "", "HTX", "", "Xã Hậu Lộc", "Tỉnh Thanh Hóa"],
            [2, "Nem chua", "HTX Nem", "", "HTX", "", "Xã Hậu Lộc"],
        ],
    )
    call_command("import_products", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "row 3, Xã/phường: [no_province]" in out
    assert "Products: 1 created" in out


def test_command_maps_columns(tmp_path, capsys):
    path = write_rows(
        tmp_path / "ds.xlsx",
        [(1, ["Tên sản phẩm", "Tên chủ thể", "Nơi SX"]), (2, ["Chè", "HTX Chè", "Xã Hậu Lộc"])],
    )
    call_command("import_products", str(path), "--province", "38", "--map", "C=address")
    assert Subject.objects.get().commune == current_commune("Hậu Lộc")


def test_an_inflated_list_is_refused_before_it_is_parsed(tmp_path, thanh_hoa, province_officer):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(inflated(thanh_hoa_list(tmp_path).read_bytes(), "xl/sharedStrings.xml", 20))
    with pytest.raises(ValidationError) as refused:
        run_import(path, province=thanh_hoa)
    assert refused.value.code == "ratio_too_high"
    with pytest.raises(CommandError, match=r"sharedStrings\.xml"):
        call_command("import_products", str(path), "--province", "38")
    upload = SimpleUploadedFile("ds.xlsx", path.read_bytes())
    with pytest.raises(ValidationError):
        create_batch(by=province_officer, upload=upload, province=thanh_hoa)
    assert registry_counts() == (0, 0, 0, 0, 0)


# Permissions --------------------------------------------------------------------------


def test_province_officer_cannot_import_into_another_province(tmp_path, province_officer, ha_noi):
    path = thanh_hoa_list(tmp_path)
    with pytest.raises(PermissionDenied):
        run_import(path, province=ha_noi, by=province_officer, dry_run=True)
    upload = SimpleUploadedFile("ds.xlsx", path.read_bytes())
    with pytest.raises(PermissionDenied):
        create_batch(by=province_officer, upload=upload, province=ha_noi)
    assert ImportBatch.objects.count() == 0


def test_commune_officer_inspector_and_producer_cannot_import(
    tmp_path, officer_x, producer_x, thanh_hoa
):
    inspector = user_with_role(Role.INSPECTOR, unit=thanh_hoa, username="thanh.tra")
    for user in (officer_x, producer_x, inspector):
        with pytest.raises(PermissionDenied):
            run_import(thanh_hoa_list(tmp_path), province=thanh_hoa, by=user, dry_run=True)


def test_officer_import_is_logged_under_their_name(tmp_path, province_officer, thanh_hoa):
    run_import(thanh_hoa_list(tmp_path), province=thanh_hoa, by=province_officer, apply_valid=True)
    log = ActivityLog.objects.get(action="ocop.import.applied")
    assert log.actor == province_officer
    assert log.unit == thanh_hoa


# The pages ----------------------------------------------------------------------------


def _upload(client, path, province, apply_valid=False):
    with open(path, "rb") as handle:
        data = {"file": handle, "province": province.pk}
        if apply_valid:
            data["apply_valid"] = "on"
        return client.post(reverse("products_import:upload"), data)


@pytest.mark.urls(__name__)
def test_upload_preview_confirm(
    client, tmp_path, province_officer, thanh_hoa, django_capture_on_commit_callbacks
):
    client.force_login(province_officer)
    page = client.get(reverse("products_import:upload"))
    assert page.status_code == 200
    assert "Thành phố Hà Nội" not in page.content.decode()  # only their own province

    response = _upload(client, thanh_hoa_list(tmp_path), thanh_hoa)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("products_import:preview", args=[batch.pk])
    assert batch.status == ImportBatch.Status.CHECKED
    assert Product.objects.count() == 0  # checked, nothing written

    preview = client.get(response.url)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert 'id="import-header-row"' in html
    assert 'name="column_9"' in html  # a select for "Ghi chú"
    assert "6 sao" in html
    assert 'data-count="products_created">4<' in html

    # Without "apply the valid rows" the bad row stops the import.
    refused = client.post(reverse("products_import:apply", args=[batch.pk]))
    assert refused.url == reverse("products_import:preview", args=[batch.pk])
    assert Product.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):  # the task runs at once in tests
        done = client.post(reverse("products_import:apply", args=[batch.pk]), {"apply_valid": "on"})
    # The page follows the background import; once it is done it shows the result.
    assert done.url == reverse("products_import:progress", args=[batch.pk])
    assert client.get(done.url).url == reverse("products_import:result", args=[batch.pk])
    done = client.get(done.url)
    assert Product.objects.count() == 4
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    result = client.get(done.url)
    assert 'data-count="products_created">4<' in result.content.decode()
    # Applying twice is refused.
    client.post(reverse("products_import:apply", args=[batch.pk]), {"apply_valid": "on"})
    assert Product.objects.count() == 4
    assert ActivityLog.objects.filter(action="ocop.import.applied").count() == 1


@pytest.mark.urls(__name__)
def test_preview_maps_an_unrecognised_column(
    client, tmp_path, province_officer, thanh_hoa, django_capture_on_commit_callbacks
):
    client.force_login(province_officer)
    path = write_rows(
        tmp_path / "ds.xlsx",
        [
            (1, ["Tên sản phẩm", "Tên chủ thể", "Nơi sản xuất"]),
            (2, ["Chè", "HTX Chè", "Thị trấn Hậu Lộc, Huyện Hậu Lộc"]),
        ],
    )
    _upload(client, path, thanh_hoa)
    batch = ImportBatch.objects.get()
    assert batch.summary["rows_rejected"] == 1  # no address
    url = reverse("products_import:preview", args=[batch.pk])
    client.post(url, {"column_2": "address"})
    batch.refresh_from_db()
    assert batch.mapping == {"2": "address"}
    assert batch.summary["rows_rejected"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("products_import:apply", args=[batch.pk]))
    assert Subject.objects.get().commune == current_commune("Hậu Lộc")


@pytest.mark.urls(__name__)
def test_upload_into_another_province_is_refused_with_a_message(
    client, tmp_path, province_officer, ha_noi
):
    client.force_login(province_officer)
    response = _upload(client, thanh_hoa_list(tmp_path), ha_noi)
    assert response.status_code == 200
    assert "Thành phố Hà Nội" in response.content.decode()
    assert ImportBatch.objects.count() == 0


@pytest.mark.urls(__name__)
def test_upload_must_be_a_real_xlsx(client, tmp_path, province_officer, thanh_hoa):
    client.force_login(province_officer)
    fake = tmp_path / "ds.xlsx"
    fake.write_bytes(b"MZ\x90\x00 not a spreadsheet")
    response = _upload(client, fake, thanh_hoa)
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert ImportBatch.objects.count() == 0


@pytest.mark.urls(__name__)
def test_other_users_cannot_open_the_pages(client, tmp_path, province_officer, thanh_hoa):
    upload = SimpleUploadedFile("ds.xlsx", thanh_hoa_list(tmp_path).read_bytes())
    batch = create_batch(by=province_officer, upload=upload, province=thanh_hoa)
    check_batch(by=province_officer, batch=batch)
    other = user_with_role(Role.PROVINCE_OFFICER, unit=province("01"), username="tinh.hn")
    client.force_login(other)
    assert client.get(reverse("products_import:preview", args=[batch.pk])).status_code == 404
    assert client.post(reverse("products_import:apply", args=[batch.pk])).status_code == 404
    subject = SubjectFactory(commune=current_commune("Hậu Lộc"))
    producer = user_with_role(Role.PRODUCER, subject=subject)
    client.force_login(producer)
    assert client.get(reverse("products_import:upload")).status_code == 403


def test_apply_batch_checks_the_scope_again(tmp_path, province_officer, thanh_hoa):
    upload = SimpleUploadedFile("ds.xlsx", thanh_hoa_list(tmp_path).read_bytes())
    batch = create_batch(by=province_officer, upload=upload, province=thanh_hoa)
    other = user_with_role(Role.PROVINCE_OFFICER, unit=province("01"), username="tinh.hn")
    with pytest.raises(PermissionDenied):
        apply_batch(by=other, batch=batch, apply_valid=True)
    assert Product.objects.count() == 0
