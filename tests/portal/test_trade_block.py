"""Where to buy on the product page (the trade app's points of sale, online
listings and export markets), shown on the next request after a change."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.certification.enums import CertificateStatus
from ocop.portal.seo import producer_path, product_path
from ocop.trade.domain.exports import add_export_market
from ocop.trade.domain.listings import add_listing
from ocop.trade.domain.points import create_point

from .conftest import certify

pytestmark = pytest.mark.django_db


def test_the_product_page_shows_where_to_buy_and_follows_changes(client, honey, province_officer):
    html = client.get(product_path(honey)).content.decode()  # cached from here
    assert 'id="trade-points"' not in html
    assert reverse("inquiry:product", args=[honey.pk]) in html
    today = timezone.localdate()
    create_point(
        by=province_officer,
        products=[honey],
        name="Trung tâm giới thiệu sản phẩm OCOP tỉnh",
        kind="trade_centre",
        commune=honey.commune,
        address="Số 1 Đại lộ Lê Lợi",
        latitude=None,
        longitude=None,
        opening_hours="7:30–21:00",
        operator="",
        phone="",
        email="",
        website="",
        since=today - timedelta(days=30),
        until=None,
    )
    add_listing(
        by=province_officer,
        product=honey,
        platform="postmart",
        url="https://postmart.vn/mat-ong-lang-y",
        since=today - timedelta(days=3),
    )
    add_export_market(by=province_officer, product=honey, country_code="JP", year=today.year)
    html = client.get(product_path(honey)).content.decode()
    assert "Trung tâm giới thiệu sản phẩm OCOP tỉnh" in html
    assert 'href="https://postmart.vn/mat-ong-lang-y"' in html
    assert 'id="trade-exports"' in html
    producer = client.get(producer_path(honey.subject)).content.decode()
    assert reverse("inquiry:subject", args=[honey.subject_id]) in producer


def test_a_product_or_producer_not_in_force_offers_nowhere_to_buy(client, fish_sauce):
    certify(fish_sauce, status=CertificateStatus.REVOKED)
    page = client.get(product_path(fish_sauce)).content.decode()
    assert 'id="trade-block"' not in page
    assert "/lien-he-mua/" not in page
    producer = client.get(producer_path(fish_sauce.subject))
    assert producer.status_code == 200
    assert "/lien-he-mua/" not in producer.content.decode()
