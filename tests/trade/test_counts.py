"""The reports' sentences of a unit, the overview page and the portal's selector."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.trade.domain import listings, points
from ocop.trade.domain.exports import add_export_market
from ocop.trade.domain.queries import ecommerce_counts
from ocop.trade.enums import LinkState
from ocop.trade.models import Listing
from ocop.trade.selectors import inquiry_url_for_subject, public_trade_for_product
from tests.factories.geo import province
from tests.factories.registry import ProductFactory

from .conftest import certify

pytestmark = pytest.mark.django_db


def _list(by, product, platform, url):
    return listings.add_listing(
        by=by, product=product, platform=platform, url=url, since=timezone.localdate()
    )


def test_ecommerce_sentence_counts_distinct_products_and_subjects(
    client, province_officer, certified_x, certified_y, hanoi_product, hanoi_officer, commune_x
):
    second_x = certify(ProductFactory(subject=certified_x.subject, name="Mắm tép Làng X"))
    uncertified = ProductFactory(subject=certified_x.subject, name="Chưa OCOP")
    _list(province_officer, certified_x, "shopee", "https://shopee.vn/a")
    _list(province_officer, certified_x, "lazada", "https://lazada.vn/a")  # same product twice
    _list(province_officer, second_x, "postmart", "https://postmart.vn/b")
    _list(province_officer, certified_y, "own_site", "https://matong-y.vn/")  # not a marketplace
    dead = _list(province_officer, certified_y, "tiki", "https://tiki.vn/y")
    Listing.objects.filter(pk=dead.pk).update(link_state=LinkState.DEAD)
    _list(province_officer, uncertified, "voso", "https://voso.vn/c")  # not in force
    _list(hanoi_officer, hanoi_product, "tiktok_shop", "https://www.tiktok.com/@x/1")
    assert ecommerce_counts(unit=province("38")) == {"products": 2, "subjects": 1}
    assert ecommerce_counts(unit=commune_x) == {"products": 2, "subjects": 1}
    assert ecommerce_counts(unit=None) == {"products": 3, "subjects": 2}
    add_export_market(
        by=province_officer, product=certified_x, country_code="JP", year=timezone.localdate().year
    )
    client.force_login(province_officer)
    page = client.get(reverse("trade:overview")).content.decode()
    assert "2 sản phẩm của 1 chủ thể được đưa lên sàn thương mại điện tử" in page
    assert "1 sản phẩm đã xuất khẩu" in page


def test_producer_sees_their_products_on_the_overview(client, producer_x, product_x):
    client.force_login(producer_x)
    page = client.get(reverse("trade:overview"))
    assert page.status_code == 200
    assert product_x.name in page.content.decode()


def test_public_trade_of_a_product_in_two_queries(
    province_officer, certified_x, commune_x, django_assert_num_queries
):
    today = timezone.localdate()
    for i in range(3):
        points.create_point(
            by=province_officer,
            name=f"Điểm bán {i}",
            kind="shop",
            commune=commune_x,
            latitude=Decimal("19.8"),
            longitude=Decimal("105.7"),
            since=today - timedelta(days=10),
            until=None,
            products=[certified_x],
        )
    _list(province_officer, certified_x, "shopee", "https://shopee.vn/a")
    _list(province_officer, certified_x, "own_site", "https://htx-x.vn/a")
    dead = _list(province_officer, certified_x, "tiki", "https://tiki.vn/a")
    Listing.objects.filter(pk=dead.pk).update(link_state=LinkState.DEAD)
    for code, year in (("JP", today.year - 1), ("JP", today.year), ("KR", today.year - 2)):
        add_export_market(by=province_officer, product=certified_x, country_code=code, year=year)
    with django_assert_num_queries(2):
        trade = public_trade_for_product(certified_x)
        assert [p.name for p in trade.points] == ["Điểm bán 0", "Điểm bán 1", "Điểm bán 2"]
        assert [p.commune.name for p in trade.points] == [commune_x.name] * 3
    assert [(item.label, item.url) for item in trade.listings] == [
        ("Shopee", "https://shopee.vn/a"),
        ("Website riêng của chủ thể", "https://htx-x.vn/a"),
    ]
    assert [(e.name, e.years) for e in trade.exports] == [
        ("Nhật Bản", (today.year, today.year - 1)),
        ("Hàn Quốc", (today.year - 2,)),
    ]
    assert trade.inquiry_url == reverse("inquiry:product", args=[certified_x.pk])


def test_nothing_to_buy_for_a_product_not_in_force(
    province_officer, certified_x, product_y, django_assert_num_queries
):
    _list(province_officer, product_y, "shopee", "https://shopee.vn/y")
    with django_assert_num_queries(0):
        trade = public_trade_for_product(product_y)
    assert trade.listings == []
    assert trade.inquiry_url == ""
    assert inquiry_url_for_subject(product_y.subject) == ""
    assert inquiry_url_for_subject(certified_x.subject) == reverse(
        "inquiry:subject", args=[certified_x.subject_id]
    )
