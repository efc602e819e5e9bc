"""Exporting products and subjects (registry/domain/exporting.py)."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ocop.accounts.enums import Role
from ocop.certification.models import Certificate
from ocop.core.xlsx import escape_cell
from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit
from ocop.producers.enums import LegalForm
from ocop.producers.models import Subject
from ocop.products.domain.queries import products_visible_to
from ocop.products.models import Product, ProductCategory
from ocop.registry.domain.exporting import (
    PRODUCT_HEADERS,
    SUBJECT_HEADERS,
    export_products_csv,
    export_products_xlsx,
    export_subjects_csv,
    export_subjects_xlsx,
)
from ocop.registry.domain.service import run_import
from tests.factories.accounts import user_with_role
from tests.factories.geo import province
from tests.factories.registry import ProductFactory, SubjectFactory
from tests.registry.files import thanh_hoa_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def thanh_hoa():
    return province("38")


def _commune(name="Hậu Lộc"):
    return AdminUnit.objects.get(
        era=Era.CURRENT, level=Level.COMMUNE, name=name, province__code="38"
    )


def _sheet_rows(data: bytes) -> list[list]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return [list(row) for row in workbook.active.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _certified(product, *, star=4, number="88/QĐ-UBND", decided=date(2024, 3, 15)):
    Certificate.objects.create(
        product=product,
        star=star,
        score=Decimal("72.40"),
        decision_number=number,
        decision_date=decided,
        valid_until=date(decided.year + 3, decided.month, decided.day),
        legal_basis="148/QĐ-TTg",
        source="import",
    )


def test_export_has_the_import_layout(thanh_hoa):
    subject = SubjectFactory(
        commune=_commune(),
        name="Công ty TNHH Hải sản Hậu Lộc",
        legal_form=LegalForm.LLC_ONE,
        registration_number="2809876543",
        address="Thôn Trung Thành",
    )
    product = ProductFactory(
        subject=subject,
        name="Mực khô Hậu Lộc",
        category=ProductCategory.objects.get(code="I.3.d"),
        star=4,
    )
    _certified(product, star=3, number="12/QĐ-UBND", decided=date(2021, 6, 1))
    _certified(product)
    rows = _sheet_rows(export_products_xlsx(Product.objects.all()))
    assert rows[0] == PRODUCT_HEADERS
    assert rows[1][:9] == [
        1,
        "Mực khô Hậu Lộc",
        "Công ty TNHH Hải sản Hậu Lộc",
        "2809876543",
        "Công ty TNHH một thành viên",
        "Thôn Trung Thành",
        "Xã Hậu Lộc",
        "Tỉnh Thanh Hóa",
        "I.3.d Chế biến từ thịt, trứng, sữa, thủy sản, các sản phẩm từ mật ong, mật khác "
        "và nông sản thực phẩm khác",
    ]
    # The newest certificate.
    assert rows[1][9:12] == [4, 72.4, "88/QĐ-UBND"]
    assert rows[1][12].date() == date(2024, 3, 15)
    assert rows[1][13].date() == date(2027, 3, 15)


def test_export_then_import_changes_nothing(tmp_path, thanh_hoa):
    run_import(thanh_hoa_list(tmp_path), province=thanh_hoa, apply_valid=True)
    subject = Subject.objects.get(name="Hộ kinh doanh Lê Thị Lan")
    ProductFactory(subject=subject, name="Bánh gai Tứ Trụ")  # no star, no category
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(export_products_xlsx(Product.objects.filter(province=thanh_hoa)))
    summary = run_import(exported, province=thanh_hoa).summary
    assert summary["rows"] == 5
    assert summary["errors"] == 0
    assert summary["subjects_created"] == summary["subjects_updated"] == 0
    assert summary["products_created"] == summary["products_updated"] == 0
    assert summary["products_unchanged"] == 5
    assert summary["certificates_created"] == 0


def test_formulas_are_escaped_in_xlsx_and_csv_and_read_back(tmp_path, thanh_hoa):
    subject = SubjectFactory(
        commune=_commune(), name='=HYPERLINK("http://evil.example","Bấm")', address="@SUM(1+1)"
    )
    ProductFactory(subject=subject, name="+84 Nước mắm")
    ProductFactory(subject=subject, name="-Trà")
    assert escape_cell("=1+1") == "'=1+1"
    assert escape_cell("Nước mắm") == "Nước mắm"
    assert escape_cell(5) == 5

    data = export_products_xlsx(Product.objects.order_by("name"))
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    cells = [sheet.cell(row=r, column=c) for r in (2, 3) for c in (2, 3, 6)]
    assert [c.value for c in cells] == [
        "'+84 Nước mắm",
        '\'=HYPERLINK("http://evil.example","Bấm")',
        "'@SUM(1+1)",
        "'-Trà",
        '\'=HYPERLINK("http://evil.example","Bấm")',
        "'@SUM(1+1)",
    ]
    assert {c.data_type for c in cells} == {"s"}  # text, not formulas

    text = export_products_csv(Product.objects.order_by("name")).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[1][1:3] == ["'+84 Nước mắm", '\'=HYPERLINK("http://evil.example","Bấm")']

    # The import reads the names back without the apostrophe: nothing changes.
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(data)
    summary = run_import(exported, province=thanh_hoa).summary
    assert (summary["products_created"], summary["products_unchanged"]) == (0, 2)


def test_csv_uses_vietnamese_dates_and_decimal_commas(thanh_hoa):
    product = ProductFactory(subject=SubjectFactory(commune=_commune()), name="Mắm tép")
    _certified(product)
    text = export_products_csv(Product.objects.all()).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    assert header == PRODUCT_HEADERS
    assert row[9:14] == ["4", "72,40", "88/QĐ-UBND", "15/03/2024", "15/03/2027"]


def test_product_export_makes_a_constant_number_of_queries(
    django_assert_num_queries, thanh_hoa, province_officer
):
    def make(n):
        for i in range(n):
            product = ProductFactory(subject=SubjectFactory(commune=_commune()), name=f"Chè {i}")
            _certified(product)

    make(3)
    with django_assert_num_queries(3):  # the user's roles, the products, their certificates
        export_products_xlsx(products_visible_to(province_officer))
    make(12)
    with django_assert_num_queries(2):  # the roles are cached on the user now
        data = export_products_xlsx(products_visible_to(province_officer))
    assert len(_sheet_rows(data)) == 16


def test_subject_export_counts_products(django_assert_num_queries, thanh_hoa):
    subject = SubjectFactory(
        commune=_commune(), name="HTX Mực Hậu Lộc", legacy_address="Xã Đa Lộc, Huyện Hậu Lộc"
    )
    ProductFactory(subject=subject, status="certified", star=3)
    ProductFactory(subject=subject)
    # Certified but lapsed yesterday: counted as expired, not certified.
    ProductFactory(
        subject=subject,
        status="certified",
        star=3,
        certified_until=timezone.localdate() - timedelta(1),
    )
    SubjectFactory(commune=_commune("Hoằng Hóa"), name="HTX Chè")
    with django_assert_num_queries(1):
        rows = _sheet_rows(export_subjects_xlsx(Subject.objects.order_by("name")))
    assert rows[0] == SUBJECT_HEADERS
    assert rows[1][1] == "HTX Chè"
    assert rows[2][1] == "HTX Mực Hậu Lộc"
    assert rows[2][3] == "Hợp tác xã"
    assert rows[2][10] == "Xã Đa Lộc, Huyện Hậu Lộc"
    assert rows[2][11:13] == [3, 1]
    text = export_subjects_csv(Subject.objects.order_by("name")).decode("utf-8-sig")
    assert text.splitlines()[0].split(",")[:3] == ["STT", "Tên chủ thể", "Mã số thuế"]


# The pages ------------------------------------------------------------------------------


def test_the_list_pages_link_to_the_export_and_their_old_export_links_still_work(
    client, province_officer, thanh_hoa
):
    ProductFactory(name="Nước mắm Hậu Lộc", subject=SubjectFactory(commune=_commune()))
    ProductFactory(name="Chè xanh", subject=SubjectFactory(commune=_commune()))
    client.force_login(province_officer)
    page = client.get(reverse("products:list"), {"q": "nuoc mam"}).content.decode()
    assert f'href="{reverse("registry_export:products")}?q=nuoc+mam&amp;export=xlsx"' in page
    assert reverse("products_import:upload") in page  # a provincial officer may import
    subjects = client.get(reverse("producers:list")).content.decode()
    assert f'href="{reverse("registry_export:subjects")}?export=csv"' in subjects

    old = client.get(reverse("products:list"), {"q": "nuoc mam", "export": "xlsx"})
    assert old.status_code == 302
    assert old.url == f"{reverse('registry_export:products')}?q=nuoc+mam&export=xlsx"
    rows = _sheet_rows(client.get(old.url).content)
    assert [r[1] for r in rows[1:]] == ["Nước mắm Hậu Lộc"]  # the filter holds
    old = client.get(reverse("producers:list"), {"export": "csv"})
    assert old.url == f"{reverse('registry_export:subjects')}?export=csv"
    assert client.get(old.url)["Content-Type"] == "text/csv; charset=utf-8"
    assert client.get(reverse("registry_export:subjects"), {"export": "pdf"}).status_code == 404


def test_the_export_holds_only_what_the_reader_may_see(client, thanh_hoa):
    ha_noi_commune = AdminUnit.objects.filter(
        era=Era.CURRENT, level=Level.COMMUNE, province__code="01"
    ).first()
    ProductFactory(name="Nước mắm", subject=SubjectFactory(commune=_commune()))
    ProductFactory(name="Bánh cuốn", subject=SubjectFactory(commune=ha_noi_commune))
    officer = user_with_role(Role.PROVINCE_OFFICER, unit=province("01"), username="tinh.hn")
    client.force_login(officer)
    rows = _sheet_rows(client.get(reverse("registry_export:products")).content)
    assert [r[1] for r in rows[1:]] == ["Bánh cuốn"]
    page = client.get(reverse("products:list")).content.decode()
    assert reverse("products_import:upload") in page


def test_the_import_button_is_only_for_officers_who_may_import(client, officer_x):
    client.force_login(officer_x)
    page = client.get(reverse("products:list")).content.decode()
    assert reverse("products_import:upload") not in page
