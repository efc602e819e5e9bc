"""Where to buy on the portal's pages (the trade app's block): the point of
sale, the online listing and the export market of a product in force, the
inquiry link; a change in the trade data shows on the next request (the
cached page is bumped); nothing of it on a revoked product's page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ocop.certification.enums import CertificateStatus
from ocop.portal.seo import producer_path, product_path
from ocop.trade.domain import exports, listings, points

from .conftest import certify

pytestmark = pytest.mark.django_db


def test_product_page_shows_where_to_buy_and_follows_changes(
    client, honey, province_officer, subject_y
):
    url = product_path(honey)
    first = client.get(url).content.decode()
    assert 'id="trade-block"' in first
    assert f"/lien-he-mua/{honey.pk}/" in first
    assert "Postmart" not in first
    point = points.create_point(
        by=province_officer,
        name="Quầy OCOP Hạc Thành",
        kind="supermarket",
        commune=subject_y.commune,
        since=timezone.localdate() - timedelta(days=5),
        products=[honey],
    )
    listings.add_listing(
        by=province_officer,
        product=honey,
        platform="postmart",
        url="https://postmart.vn/mat-ong-y",
        since=timezone.localdate(),
    )
    exports.add_export_market(
        by=province_officer, product=honey, country_code="JP", year=timezone.localdate().year
    )
    page = client.get(url).content.decode()
    assert "Quầy OCOP Hạc Thành" in page
    assert 'href="https://postmart.vn/mat-ong-y"' in page
    assert "Nhật Bản" in page
    point.products.remove(honey)  # the officer edits what the point carries
    assert "Quầy OCOP Hạc Thành" not in client.get(url).content.decode()
    producer_page = client.get(producer_path(subject_y)).content.decode()
    assert f"/lien-he-mua/chu-the/{subject_y.pk}/" in producer_page


def test_a_revoked_product_page_offers_nowhere_to_buy(client, fish_sauce):
    certify(fish_sauce, status=CertificateStatus.REVOKED)
    page = client.get(product_path(fish_sauce)).content.decode()
    assert 'id="trade-block"' not in page
    assert "/lien-he-mua/" not in page
