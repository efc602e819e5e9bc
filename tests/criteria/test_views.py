import io

import pytest
from pypdf import PdfReader

from ocop.accounts.enums import Role
from ocop.criteria.models import Sheet
from tests.factories.accounts import user_with_role
from tests.factories.geo import province
from tests.pdffonts import assert_administrative_fonts

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample():
    return Sheet.objects.get(code="148-mau-I.1.a")


@pytest.fixture
def member():
    return user_with_role(Role.COUNCIL_MEMBER, unit=province("38"), username="hd.th")


def test_officer_lists_sheets_filtered_by_legal_basis(client, province_officer, sample):
    client.force_login(province_officer)
    page = client.get("/criteria/", {"legal_basis": sample.legal_basis_id})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 52  # 26 transcriptions, 26 retired samples
    html = page.content.decode()
    assert sample.title in html
    assert "1048-I-rau-cu-qua-tuoi" not in html
    one = client.get("/criteria/", {"product_set": sample.product_set_id})
    assert [s.code for s in one.context["page"]] == ["148-I.1.a", "148-mau-I.1.a"]


def test_sheet_list_has_no_n_plus_one(client, django_assert_max_num_queries, province_officer):
    client.force_login(province_officer)
    with django_assert_max_num_queries(12) as few:
        client.get(
            "/criteria/", {"product_set": Sheet.objects.get(code="148-mau-I.1.a").product_set_id}
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/criteria/")


def test_detail_shows_the_sheet_and_the_sample_warning(client, member, sample):
    client.force_login(member)
    page = client.get(f"/criteria/{sample.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "alert alert-warning" in html
    assert "Không tìm được văn bản các phiếu đánh giá chính thức" in html
    assert "Tiêu chí mẫu 7.1 – Công bố chất lượng sản phẩm" in html
    assert "ĐIỀU KIỆN MẪU" in html
    assert sample.legal_basis.unconfirmed[:40] in html


def test_detail_of_an_official_sheet_has_no_sample_warning(client, province_officer, sample):
    Sheet.objects.filter(pk=sample.pk).update(is_official=True, status="official")
    client.force_login(province_officer)
    assert "alert alert-warning" not in client.get(f"/criteria/{sample.pk}/").content.decode()


def test_the_printable_pdf_holds_the_title_and_the_criteria(client, member, sample):
    client.force_login(member)
    response = client.get(f"/criteria/{sample.pk}/pdf/")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "PHIẾU ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM" in text
    assert "Rau, củ, quả, hạt tươi" in text
    assert "Tiêu chí mẫu 1.1 – Sử dụng nguyên liệu địa phương" in text
    assert "Điểm chấm" in text
    assert_administrative_fonts(response.content)


@pytest.mark.parametrize(
    ("fmt", "content_type", "start"),
    [
        ("yaml", "application/yaml; charset=utf-8", b"format: ocop-criteria-sheet/1"),
        ("json", "application/json; charset=utf-8", b'{\n  "format"'),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ],
)
def test_downloads(client, province_officer, sample, fmt, content_type, start):
    client.force_login(province_officer)
    response = client.get(f"/criteria/{sample.pk}/download/{fmt}/")
    assert (response.status_code, response["Content-Type"]) == (200, content_type)
    assert response.content.startswith(start)
    assert response["Content-Disposition"] == (
        f'attachment; filename="phieu-148-mau-i-1-a-v1.{fmt}"'
    )


def test_anonymous_is_sent_to_the_login_page(client, sample):
    response = client.get(f"/criteria/{sample.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_producer_may_not_read_the_sheets(client, producer_x, sample):
    client.force_login(producer_x)
    assert client.get("/criteria/").status_code == 403
    assert client.get(f"/criteria/{sample.pk}/").status_code == 403
    assert client.get(f"/criteria/{sample.pk}/download/yaml/").status_code == 403


def test_unknown_sheet_or_format_is_404(client, province_officer, sample):
    client.force_login(province_officer)
    assert client.get("/criteria/999999/").status_code == 404
    assert client.get(f"/criteria/{sample.pk}/download/csv/").status_code == 404


def test_navigation_shows_criteria_to_officers_and_members_only(
    client, province_officer, member, producer_x
):
    from ocop.site.navigation import navigation_for

    assert "criteria" in [i.key for i in navigation_for(province_officer)]
    assert "criteria" in [i.key for i in navigation_for(member)]
    assert "criteria" not in [i.key for i in navigation_for(producer_x)]
