import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from ocop.core.models import ActivityLog
from ocop.products.models import Product
from ocop.trade.domain.countries import countries, country_name
from ocop.trade.domain.exports import add_export_market, remove_export_market
from ocop.trade.domain.queries import export_counts, exported_products
from tests.factories.geo import province

pytestmark = pytest.mark.django_db


def test_the_country_list_is_iso_3166_with_both_names():
    table = countries()
    assert len(table) == 249
    assert table["JP"].name_vi == "Nhật Bản"
    assert table["JP"].name_en == "Japan"
    assert all(len(code) == 2 and code.isupper() for code in table)
    assert country_name("KR") == "Hàn Quốc"
    with translation.override("en"):
        assert country_name("KR") == "South Korea"


def test_export_markets_are_checked_and_logged(producer_x, product_x, product_y):
    year = timezone.localdate().year
    market = add_export_market(by=producer_x, product=product_x, country_code="jp", year=year)
    assert market.country == "JP"
    with pytest.raises(ValidationError) as error:
        add_export_market(by=producer_x, product=product_x, country_code="JP", year=year)
    assert "country" in error.value.message_dict
    for code, when in (("VN", year), ("XX", year), ("US", year + 1), ("US", 1990)):
        with pytest.raises(ValidationError):
            add_export_market(by=producer_x, product=product_x, country_code=code, year=when)
    with pytest.raises(PermissionDenied):
        add_export_market(by=producer_x, product=product_y, country_code="US", year=year)
    remove_export_market(market=market, by=producer_x)
    assert ActivityLog.objects.filter(action__startswith="ocop.export_market.").count() == 2


def test_counts_and_the_catalogue_filter(
    province_officer, product_x, product_y, hanoi_product, hanoi_officer, commune_x
):
    year = timezone.localdate().year
    add_export_market(by=province_officer, product=product_x, country_code="JP", year=year - 1)
    add_export_market(by=province_officer, product=product_x, country_code="KR", year=year)
    add_export_market(by=province_officer, product=product_y, country_code="JP", year=year)
    add_export_market(by=hanoi_officer, product=hanoi_product, country_code="FR", year=year)
    thanh_hoa = province("38")
    assert export_counts(unit=thanh_hoa) == {"products": 2, "countries": 2}
    assert export_counts(unit=thanh_hoa, year=year - 1) == {"products": 1, "countries": 1}
    assert export_counts(unit=commune_x) == {"products": 1, "countries": 2}
    assert export_counts(unit=None) == {"products": 3, "countries": 3}
    assert set(exported_products(country="jp")) == {product_x, product_y}
    assert set(exported_products(country="JP", year=year - 1)) == {product_x}
    in_hanoi = Product.objects.filter(province=province("01"))
    assert list(exported_products(in_hanoi)) == [hanoi_product]


def test_export_form_on_the_product_page(client, producer_x, product_x):
    client.force_login(producer_x)
    url = reverse("trade:export_add", args=[product_x.pk])
    year = timezone.localdate().year
    response = client.post(url, {"country": "VN", "year": year})
    assert response.status_code == 400
    assert "không phải Việt Nam" in response.content.decode()
    assert (
        client.post(url, {"country": "JP", "year": year, "note": "Lô đầu tiên"}).status_code == 302
    )
    page = client.get(reverse("trade:product", args=[product_x.pk])).content.decode()
    assert "Nhật Bản (JP)" in page
    assert "Lô đầu tiên" in page
