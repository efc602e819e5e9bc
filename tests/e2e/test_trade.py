"""Trade promotion on a 360×740 phone, signed out: the province's points of
sale work as a list without map tiles (the map draws the points on a blank
background, no request leaves the site); a buyer sends an inquiry about a
product, waiting the form's minimum time; the producer finds it in the inbox."""

import re
import time

import pytest
from playwright.sync_api import expect

from ocop.products.models import Product
from ocop.trade.forms import MIN_SECONDS

from .helpers import PHONE, log_in, new_page

pytestmark = pytest.mark.e2e

PRODUCT = "Nước mắm cá cơm Đồng Tâm"
BUYER = "Phạm Minh Khách"


def test_buyer_finds_points_of_sale_and_sends_an_inquiry(
    live_server, browser, contexts, demo_data, settings
):
    settings.OCOP_MAP_TILE_URL = ""
    errors: list[str] = []
    base = live_server.url
    phone = new_page(browser, contexts, errors, **PHONE)
    outside: list[str] = []
    phone.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)

    phone.goto(f"{base}/diem-ban/")
    phone.get_by_role("link", name="Tỉnh Thanh Hóa").click()
    expect(phone).to_have_url(re.compile(r"/diem-ban/38/$"))
    points = phone.locator("#point-list > li")
    expect(points).to_have_count(3)
    expect(points.first).to_be_visible()
    expect(
        phone.get_by_text("Trung tâm giới thiệu và bán sản phẩm OCOP tỉnh Thanh Hóa")
    ).to_be_visible()
    # The map shows the two points that have coordinates, without tiles.
    expect(phone.locator("#pos-map")).to_have_attribute("data-markers", "2")
    expect(phone.locator("#pos-map path.leaflet-interactive")).to_have_count(2)
    assert phone.locator(".leaflet-tile").count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.get_by_text("3 sản phẩm OCOP").first.click()
    expect(phone.get_by_text(PRODUCT).first).to_be_visible()

    product = Product.objects.get(name=PRODUCT)
    phone.goto(f"{base}/lien-he-mua/{product.pk}/")
    opened_at = time.monotonic()
    expect(phone.locator("#inquiry-about")).to_contain_text(PRODUCT)
    phone.get_by_label("Họ tên").fill(BUYER)
    phone.get_by_label("Tổ chức, doanh nghiệp (không bắt buộc)").fill("Chuỗi cửa hàng Quà Quê")
    phone.get_by_label("Điện thoại hoặc e-mail").fill("0903 222 333")
    phone.get_by_label("Số lượng cần mua (không bắt buộc)").fill("120 chai mỗi tháng")
    phone.get_by_label("Nội dung yêu cầu").fill("Xin báo giá sỉ và mẫu thử nước mắm cá cơm.")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    left = MIN_SECONDS + 1 - (time.monotonic() - opened_at)
    if left > 0:
        phone.wait_for_timeout(left * 1000)
    phone.get_by_role("button", name="Gửi").click()
    expect(phone).to_have_url(re.compile(r"/lien-he-mua/da-gui/$"))
    expect(phone.locator("#inquiry-sent")).to_be_visible()
    assert outside == []

    producer = new_page(browser, contexts, errors)
    log_in(producer, base, "sx.dongtam")
    producer.locator("#inbox-link").click()
    notices = producer.locator("#notifications li", has_text=f"Có người mua hỏi về “{PRODUCT}”")
    expect(notices).to_have_count(2)  # the demo's inquiry and this one
    notices.first.get_by_role("link").click()
    expect(producer.locator("#inquiry-facts")).to_contain_text(BUYER)
    expect(producer.locator("#inquiry-facts")).to_contain_text("0903 222 333")
    producer.get_by_role("button", name="Đánh dấu đã trả lời").click()
    expect(producer.locator("#inquiry-state")).to_have_text("đã trả lời")
    assert errors == []
