"""The public catalogue on a 360×740 phone, signed out: search "mat ong",
filter 4★ and a province, open the product (its QR code, where to buy it,
under 300 KB, no serious accessibility violation); the province revokes the certificate in
the back office, and on the next request the product has left the listing
and its page says "đã bị thu hồi"."""

import contextlib
import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from ocop.certification.models import Certificate
from ocop.portal.seo import product_path
from tests.e2e.helpers import PHONE, axe_violations, decode_qr, log_in, new_page, vi

pytestmark = pytest.mark.e2e

HONEY = "Mật ong hoa nhãn Đồng Tâm"
BUDGET = 300 * 1024


def test_phone_search_filter_product_and_revocation(
    live_server, browser, demo_data, contexts, console_errors
):
    errors: list[str] = []
    phone = new_page(browser, contexts, errors, **PHONE)
    received: list[int] = []

    def record(response):
        # A response of a page already left has no body any more: not this page's.
        if response.ok:
            with contextlib.suppress(PlaywrightError):
                received.append(len(response.body()))

    phone.on("response", record)

    phone.goto(f"{live_server.url}/")
    expect(phone.locator("h1")).to_have_text(vi("OCOP products of Vietnam"))
    assert axe_violations(phone) == []
    phone.get_by_label(vi("Search products")).fill("mat ong")
    phone.get_by_role("button", name=vi("Search")).click()
    expect(phone).to_have_url(re.compile(r"/san-pham/\?q=mat\+ong"))
    expect(phone.locator(".card")).to_have_count(1)

    phone.locator("#id_star").select_option("4")
    phone.locator("#id_province").select_option("38")
    phone.locator("#filter-button").click()
    expect(phone).to_have_url(re.compile(r"province=38"))
    listing_url = phone.url
    expect(phone.locator(".card-title")).to_have_text([HONEY])
    assert axe_violations(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    received.clear()
    phone.locator(".card-link", has_text=HONEY).click()
    expect(phone.locator("h1")).to_have_text(HONEY)
    phone.wait_for_load_state("networkidle")
    assert sum(received) < BUDGET, f"{sum(received)} bytes"
    expect(phone.locator("#certificate-status")).to_contain_text(vi("valid"))
    # Where to buy (the trade app's demo): a point of sale and an online listing.
    expect(phone.locator("#trade-points")).to_contain_text(
        "Điểm giới thiệu sản phẩm OCOP xã Hoằng Hóa"
    )
    expect(phone.locator("#trade-listings")).to_contain_text("Postmart")
    path = phone.evaluate("location.pathname")
    qr = decode_qr(phone.locator(".qr-box img").screenshot())
    assert qr == [f"{settings.SITE_URL}{path}"]
    assert axe_violations(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The province revokes the certificate in the back office.
    certificate = Certificate.objects.get(product__name=HONEY)
    assert product_path(certificate.product) == path
    officer = new_page(browser, contexts, errors)
    log_in(officer, live_server.url, "tinh.canbo")
    officer.goto(f"{live_server.url}/certification/certificates/{certificate.pk}/")
    officer.locator("#revoke summary").click()
    officer.locator("input[name=ground]").first.check()
    officer.get_by_label(vi("Revocation decision number")).fill("512/QĐ-UBND")
    officer.get_by_label(vi("Revocation decision date")).fill(timezone.localdate().isoformat())
    officer.locator("#revoke-button").click()
    officer.locator("#confirm-action").click()  # the summary, then confirm
    expect(officer.locator("body")).to_contain_text("512/QĐ-UBND")

    # The next request: gone from the listing, and its page says so.
    phone.goto(listing_url)
    expect(phone.locator(".card")).to_have_count(0)
    phone.goto(f"{live_server.url}{path}")
    expect(phone.locator("#certificate-status")).to_contain_text("đã bị thu hồi")
    expect(phone.locator("#certificate-status")).to_contain_text("512/QĐ-UBND")
    assert errors == []
    assert console_errors == []
