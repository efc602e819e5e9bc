"""Where to buy and the buyer's inquiry on a 360×740 phone, signed out: the
portal's page of a demo product shows its point of sale and online listing;
the province's points of sale work as a list without map tiles (the map
draws the points on a blank background, no request leaves the site); the
buyer sends an inquiry, waiting the form's minimum time; the producer finds
it in the inbox and marks it answered."""

import re
import time

import pytest
from playwright.sync_api import expect

from ocop.portal.seo import product_path
from ocop.products.models import Product
from ocop.trade.forms import MIN_SECONDS

from .helpers import PHONE, axe_violations, log_in, new_page

pytestmark = pytest.mark.e2e

HONEY = "Mật ong hoa nhãn Đồng Tâm"
CENTRE = "Trung tâm giới thiệu và bán sản phẩm OCOP tỉnh Thanh Hóa"
BUYER = "Phạm Minh Khách"


def test_buyer_finds_where_to_buy_and_sends_an_inquiry(
    live_server, browser, contexts, demo_data, settings
):
    settings.OCOP_MAP_TILE_URL = ""
    errors: list[str] = []
    base = live_server.url
    phone = new_page(browser, contexts, errors, **PHONE)
    outside: list[str] = []
    phone.on("request", lambda r: None if r.url.startswith(base) else outside.append(r.url))

    honey = Product.objects.get(name=HONEY)
    phone.goto(f"{base}{product_path(honey)}")
    block = phone.locator("#trade-block")
    expect(block.locator("#trade-points")).to_contain_text(CENTRE)
    expect(block.locator("#trade-listings").get_by_role("link", name="Postmart")).to_be_visible()
    expect(block.locator("#trade-exports")).to_contain_text("Nhật Bản")
    assert axe_violations(phone) == []

    block.get_by_role("link", name=CENTRE).click()
    expect(phone).to_have_url(re.compile(r"/diem-ban/38/#point-\d+$"))
    points = phone.locator("#point-list > li")
    expect(points).to_have_count(3)
    expect(points.filter(has_text=CENTRE)).to_be_visible()
    # The map shows the two points that have coordinates, without tiles.
    expect(phone.locator("#pos-map")).to_have_attribute("data-markers", "2")
    expect(phone.locator("#pos-map path.leaflet-interactive")).to_have_count(2)
    assert phone.locator(".leaflet-tile").count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    points.filter(has_text=CENTRE).get_by_text("4 sản phẩm OCOP").click()
    expect(points.filter(has_text=CENTRE).get_by_text(HONEY)).to_be_visible()
    assert axe_violations(phone) == []

    phone.go_back()
    phone.locator("#trade-inquiry").click()
    expect(phone).to_have_url(re.compile(rf"/lien-he-mua/{honey.pk}/$"))
    opened_at = time.monotonic()
    expect(phone.locator("#inquiry-about")).to_contain_text(HONEY)
    phone.get_by_label("Họ tên").fill(BUYER)
    phone.get_by_label("Tổ chức, doanh nghiệp (không bắt buộc)").fill("Chuỗi cửa hàng Quà Quê")
    phone.get_by_label("Điện thoại hoặc e-mail").fill("0903 222 333")
    phone.get_by_label("Số lượng cần mua (không bắt buộc)").fill("120 hũ mỗi tháng")
    phone.get_by_label("Nội dung yêu cầu").fill("Xin báo giá sỉ và mẫu thử mật ong hoa nhãn.")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(phone) == []
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
    notice = producer.locator("#notifications li", has_text=f"Có người mua hỏi về “{HONEY}”")
    expect(notice).to_have_count(1)
    notice.get_by_role("link").click()
    expect(producer.locator("#inquiry-facts")).to_contain_text(BUYER)
    expect(producer.locator("#inquiry-facts")).to_contain_text("0903 222 333")
    producer.get_by_role("button", name="Đánh dấu đã trả lời").click()
    expect(producer.locator("#inquiry-state")).to_have_text("đã trả lời")
    assert errors == []
