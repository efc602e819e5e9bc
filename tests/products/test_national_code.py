"""The national product code PP-DDD-CCCCC-n-YYYY: given at the first
recognition (issued decision or imported certificate), kept afterwards,
searchable in the back office and the portal."""

from datetime import date

import pytest
from django.utils import timezone

from ocop.core.search import search
from ocop.products.domain.national_code import (
    assign_missing_codes,
    assign_national_code,
    parse_code,
)
from ocop.products.models import CodeSequence, Product
from tests.factories.certification import closed_session, imported_certificate, issued_decision
from tests.factories.registry import ProductFactory

pytestmark = pytest.mark.django_db


def test_a_real_code_parses_and_the_fourth_part_is_a_sequence():
    code = parse_code("83-832-28882-2-2022")
    assert (code.province, code.district, code.commune, code.sequence, code.year) == (
        "83",
        "832",
        "28882",
        2,
        2022,
    )
    assert str(code) == "83-832-28882-2-2022"
    assert parse_code("83-832-28882-2") is None
    assert parse_code("83/832/28882/2/2022") is None


def test_issuing_a_decision_gives_each_product_its_code_once(
    province_officer, product_x, product_y, commune_x
):
    session = closed_session(officer=province_officer, products=[product_x, product_y])
    issued_decision(session=session, by=province_officer, day=date(2025, 9, 30))
    product_x.refresh_from_db()
    product_y.refresh_from_db()
    assert product_x.national_code == f"38-000-{commune_x.code.zfill(5)}-1-2025"
    assert parse_code(product_y.national_code).sequence == 1  # another commune
    # A second recognition (an upgrade) keeps the code.
    later = closed_session(officer=province_officer, products=[product_x], day=date(2026, 9, 15))
    issued_decision(session=later, by=province_officer, number="9/QĐ-UBND", day=date(2026, 9, 30))
    product_x.refresh_from_db()
    assert product_x.national_code.endswith("-1-2025")


def test_sequence_counts_per_commune_and_year_is_the_first_recognition(subject_x, commune_x):
    first, second = ProductFactory(subject=subject_x), ProductFactory(subject=subject_x)
    imported_certificate(second, decision_date=date(2021, 5, 1), decision_number="1/QĐ")
    imported_certificate(second, decision_date=date(2024, 5, 1), decision_number="2/QĐ")
    imported_certificate(first, decision_date=date(2023, 5, 1), decision_number="3/QĐ")
    assert assign_missing_codes(product_ids=[first.pk, second.pk]) == 2
    first.refresh_from_db()
    second.refresh_from_db()
    commune = commune_x.code.zfill(5)
    assert second.national_code == f"38-000-{commune}-1-2021"
    assert first.national_code == f"38-000-{commune}-2-2023"
    assert assign_missing_codes(product_ids=[first.pk, second.pk]) == 0
    assert CodeSequence.objects.get(commune_code=commune).last == 2


def test_an_imported_code_is_kept_and_later_codes_continue_after_it(subject_x, commune_x):
    commune = commune_x.code.zfill(5)
    kept, new = ProductFactory(subject=subject_x), ProductFactory(subject=subject_x)
    given = f"38-381-{commune}-7-2022"
    assert assign_national_code(product=kept, year=2022, given=given) == given
    assert assign_national_code(product=new, year=2026) == f"38-000-{commune}-8-2026"
    # A code already held is never given twice; a malformed one is replaced.
    other = ProductFactory(subject=subject_x)
    assert assign_national_code(product=other, year=2026, given=given) != given
    assert assign_national_code(product=kept, year=2030) == given


def test_the_district_part_is_configurable(settings, subject_x, commune_x):
    settings.OCOP_NATIONAL_CODE_DISTRICT = "legacy"
    product = ProductFactory(subject=subject_x)
    code = parse_code(assign_national_code(product=product, year=2026))
    assert code.district != "000"
    assert len(code.district) == 3
    settings.OCOP_NATIONAL_CODE_DISTRICT = "999"
    other = ProductFactory(subject=subject_x)
    assert parse_code(assign_national_code(product=other, year=2026)).district == "999"


def test_the_code_is_searchable_in_the_back_office_and_stays_after_an_edit(
    province_officer, subject_x
):
    product = ProductFactory(subject=subject_x, name="Mật ong rừng")
    code = assign_national_code(product=product, year=2025)
    found = search(Product.objects.all(), code)
    assert list(found) == [product]
    product.refresh_from_db()
    product.name = "Mật ong rừng U Minh"
    product.save()
    assert list(search(Product.objects.all(), code)) == [product]


def test_the_code_shows_and_is_found_on_the_portal(client, province_officer, product_x):
    session = closed_session(officer=province_officer, products=[product_x])
    issued_decision(
        session=session, by=province_officer, day=timezone.localdate().replace(month=1, day=2)
    )
    product_x.refresh_from_db()
    response = client.get("/san-pham/", {"q": product_x.national_code})
    assert product_x.name in response.content.decode()
