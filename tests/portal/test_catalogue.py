"""The public catalogue: search, filters, what is listed, the cache."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.certification.domain.certificates import revoke
from ocop.certification.enums import CertificateStatus
from ocop.certification.models import RevocationGround
from tests.e2e.helpers import vi

from .conftest import certify

pytestmark = pytest.mark.django_db


def listed(client, **params) -> set[str]:
    response = client.get(reverse("portal:catalogue"), params)
    assert response.status_code == 200
    html = response.content.decode()
    return {name for name in NAMES if f">{name}<" in html}


NAMES = (
    "Mật ong hoa nhãn Làng Y",
    "Nước mắm cá cơm Làng X",
    "Chè shan tuyết Ba Vì",
    "Mắm tép hết hạn",
    "Mắm tép thu hồi",
    "Mắm tép quá hạn",
)


def test_search_is_accent_and_case_insensitive(client, honey, fish_sauce, tea):
    assert listed(client, q="mat ong") == {"Mật ong hoa nhãn Làng Y"}
    assert listed(client, q="MẬT ONG") == {"Mật ong hoa nhãn Làng Y"}
    assert listed(client, q="nuoc mam lang x") == {"Nước mắm cá cơm Làng X"}
    assert listed(client, q="ba vi") == {"Chè shan tuyết Ba Vì"}
    # The producer's name and the province are searched too.
    assert listed(client, q="thanh hoa") == {"Mật ong hoa nhãn Làng Y", "Nước mắm cá cơm Làng X"}


def test_filters_by_star_province_group_and_set(client, honey, fish_sauce, tea):
    assert listed(client) == {
        "Mật ong hoa nhãn Làng Y",
        "Nước mắm cá cơm Làng X",
        "Chè shan tuyết Ba Vì",
    }
    assert listed(client, star="4") == {"Mật ong hoa nhãn Làng Y"}
    assert listed(client, province="01") == {"Chè shan tuyết Ba Vì"}
    assert listed(client, province="38", star="3") == {"Nước mắm cá cơm Làng X"}
    assert listed(client, group="I", category="I.4.a") == {"Nước mắm cá cơm Làng X"}
    assert listed(client, q="mat ong", star="4", province="38") == {"Mật ong hoa nhãn Làng Y"}


def test_a_broad_search_ranks_the_portals_few_candidates_and_asks_for_a_filter(
    client, settings, honey, fish_sauce, tea
):
    """The catalogue ranks ``OCOP_PORTAL_SEARCH_CANDIDATES`` matches (so its
    first page costs the same however many match) and says there are more;
    the API keeps the back office's bound."""
    settings.OCOP_PORTAL_SEARCH_CANDIDATES = 1
    response = client.get(reverse("portal:catalogue"), {"q": "thanh hoa"})
    html = response.content.decode()
    assert "Hơn 1 sản phẩm: hãy thêm bộ lọc." in html
    assert len({name for name in NAMES if f">{name}<" in html}) == 1
    # A narrower search that fits is counted exactly.
    assert listed(client, q="mat ong") == {"Mật ong hoa nhãn Làng Y"}
    assert (
        "1 sản phẩm" in client.get(reverse("portal:catalogue"), {"q": "mat ong"}).content.decode()
    )
    rows = client.get("/api/v1/public/products", {"q": "thanh hoa"}).json()["items"]
    assert len(rows) == 2


def test_bad_filter_values_get_a_message_not_an_error(client, honey):
    response = client.get(reverse("portal:catalogue"), {"province": "99", "star": "9"})
    assert response.status_code == 200
    assert listed(client, province="99") == set()
    assert response.content.decode().count('class="error"') == 2


def test_expired_and_revoked_products_leave_the_listing_but_keep_their_page(
    client, subject_x, honey
):
    from tests.factories.registry import ProductFactory

    today = timezone.localdate()
    expired = ProductFactory(subject=subject_x, name="Mắm tép hết hạn")
    certify(
        expired,
        issued=today - timedelta(days=1200),
        until=today - timedelta(days=30),
        status=CertificateStatus.EXPIRED,
    )
    revoked = ProductFactory(subject=subject_x, name="Mắm tép thu hồi")
    certify(revoked, status=CertificateStatus.REVOKED)
    # Past its date, not yet marked by the nightly job: already expired.
    lapsed = ProductFactory(subject=subject_x, name="Mắm tép quá hạn")
    certify(lapsed, issued=today - timedelta(days=1100), until=today - timedelta(days=1))
    assert listed(client) == {"Mật ong hoa nhãn Làng Y"}
    assert listed(client, q="mam tep") == set()
    for product, text in [
        (expired, "đã hết hạn"),
        (revoked, "đã bị thu hồi"),
        (lapsed, "đã hết hạn"),
    ]:
        response = client.get(reverse("portal:product_by_id", args=[product.pk]), follow=True)
        assert response.status_code == 200
        assert text in response.content.decode(), product.name
    producer = client.get(reverse("portal:product_by_id", args=[revoked.pk]), follow=True)
    assert "Mắm tép thu hồi" in producer.content.decode()


def test_a_revocation_shows_on_the_next_request(client, honey, fish_sauce, province_officer):
    product_url = reverse("portal:product_by_id", args=[honey.pk])
    # Warm the cache: listing, home and the product page.
    assert "Mật ong hoa nhãn Làng Y" in listed(client)
    assert "Mật ong hoa nhãn Làng Y" in client.get("/").content.decode()
    page = client.get(product_url, follow=True).content.decode()
    assert vi("valid") in page
    assert "đã bị thu hồi" not in page
    revoke(
        certificate=honey.certificates.get(),
        ground=RevocationGround.objects.get(code="safety_or_process_violation"),
        decision_number="345/QĐ-UBND",
        decision_date=timezone.localdate(),
        by=province_officer,
    )
    assert listed(client) == {"Nước mắm cá cơm Làng X"}
    assert "Mật ong hoa nhãn Làng Y" not in client.get("/").content.decode()
    page = client.get(product_url, follow=True).content.decode()
    assert "đã bị thu hồi" in page
    assert "345/QĐ-UBND" in page


def test_pages_are_served_from_the_cache_per_language(client, honey, django_assert_max_num_queries):
    url = reverse("portal:catalogue")
    first = client.get(url, {"q": "mat ong"}).content.decode()
    with django_assert_max_num_queries(0):
        again = client.get(url, {"q": "mat ong"}).content.decode()
    assert "Mật ong hoa nhãn Làng Y" in again
    assert first.split("<main", 1)[1] == again.split("<main", 1)[1]
    english = client.get(url, {"q": "mat ong", "lang": "en"}).content.decode()
    assert "Search OCOP products" in english
    assert vi("Search OCOP products") in first
    assert vi("Search OCOP products") != "Search OCOP products"


def test_the_listing_reads_a_bounded_number_of_queries(
    client, subject_x, django_assert_max_num_queries
):
    from tests.factories.registry import ProductFactory

    for n in range(30):
        certify(ProductFactory(subject=subject_x, name=f"Nước mắm số {n}"), star=3 + n % 3)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("portal:catalogue"), {"province": "38"})
    assert response.content.decode().count('class="card"') == 24
    with django_assert_max_num_queries(14):
        assert client.get("/").status_code == 200


def test_home_counts_and_newest_recognitions(client, honey, fish_sauce, tea):
    html = client.get("/").content.decode()
    # Newest first: the fish sauce was recognised 10 days ago, the others 100.
    assert html.index("Nước mắm cá cơm Làng X") < html.index("Mật ong hoa nhãn Làng Y")
    assert reverse("events:calendar") in html
    assert reverse("portal:feed_csv") in html
    assert reverse("verify:serial") in html
    assert 'href="/san-pham/?province=01"' in html
    assert 'href="/san-pham/?star=4"' in html


def test_signed_in_people_keep_their_home(client, province_officer, honey):
    client.force_login(province_officer)
    answer = client.get("/", follow=True)
    assert answer.redirect_chain == [(reverse("site:queue"), 302)]
    html = answer.content.decode()
    assert reverse("site:dashboard") in html
    assert "Mật ong hoa nhãn Làng Y" not in html


def test_exported_products_filter_and_count(client, honey, fish_sauce, tea, province_officer):
    from ocop.trade.domain.exports import add_export_market

    home = client.get("/").content.decode()
    assert 'id="exported-count"' not in home  # nothing exported yet
    year = timezone.localdate().year
    add_export_market(by=province_officer, product=honey, country_code="JP", year=year)
    add_export_market(by=province_officer, product=honey, country_code="KR", year=year - 1)
    add_export_market(by=province_officer, product=fish_sauce, country_code="US", year=year)
    # The next request (the trade change invalidates the cached pages).
    assert listed(client, exported="1") == {"Mật ong hoa nhãn Làng Y", "Nước mắm cá cơm Làng X"}
    assert listed(client, exported="1", star="4") == {"Mật ong hoa nhãn Làng Y"}
    assert listed(client, exported="") == {
        "Mật ong hoa nhãn Làng Y",
        "Nước mắm cá cơm Làng X",
        "Chè shan tuyết Ba Vì",
    }
    home = client.get("/").content.decode()
    assert "2 sản phẩm đã xuất khẩu" in home
    bad = client.get(reverse("portal:catalogue"), {"exported": "x"})
    assert bad.status_code == 200
