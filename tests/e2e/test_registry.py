import io
import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập hoặc email").fill(username)
    page.get_by_label("Mật khẩu").fill(settings.OCOP_DEMO_PASSWORD)
    page.locator("#login-button").click()
    expect(page).to_have_url(re.compile(r"/tasks/$"))


def test_producer_registers_product_officers_find_it_by_scope(live_server, browser, demo_data):
    base = live_server.url
    producer = browser.new_context().new_page()
    errors: list[str] = []
    producer.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(producer, base, "sx.dongtam")

    producer.get_by_role("button", name="Chủ thể, sản phẩm").click()
    producer.get_by_role("link", name="Chủ thể", exact=True).click()
    producer.get_by_role("link", name="Hợp tác xã Nông nghiệp Đồng Tâm").click()
    producer.get_by_role("link", name="Đăng ký sản phẩm").click()
    producer.get_by_label("Tên sản phẩm").fill("Nước mắm rươi Đồng Tâm")
    producer.get_by_label("Bộ sản phẩm").select_option(
        label="I.4.a Tương, nước mắm, gia vị dạng lỏng khác"
    )
    producer.locator("#save-product").click()
    expect(producer.locator("h1")).to_have_text("Nước mắm rươi Đồng Tâm")
    product_url = producer.url

    producer.get_by_role("link", name="Thêm ảnh").click()
    producer.set_input_files(
        "#id_image", files=[{"name": "nuoc-mam.png", "mimeType": "image/png", "buffer": _png()}]
    )
    producer.locator("#save-image").click()
    expect(producer.locator("img.product-thumb")).to_have_count(1)

    producer.get_by_role("link", name="Thêm tài liệu").click()
    producer.get_by_label("Loại tài liệu").select_option(label="Phiếu kiểm nghiệm")
    producer.get_by_label("Sản phẩm").select_option(label="Nước mắm rươi Đồng Tâm")
    producer.get_by_label("Số", exact=True).fill("KN-2026/15")
    producer.set_input_files(
        "#id_file",
        files=[{"name": "kiem-nghiem.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    producer.locator("#save-document").click()
    expect(producer.get_by_text("KN-2026/15")).to_be_visible()
    assert errors == []

    officer = browser.new_context().new_page()
    _login(officer, base, "xa.hoanghoa")
    officer.goto(f"{base}/products/")
    officer.get_by_label("Tìm kiếm").fill("nuoc mam ruoi")
    officer.locator("#filter-button").click()
    expect(officer.get_by_role("link", name="Nước mắm rươi Đồng Tâm")).to_be_visible()
    expect(officer.locator("#result-count")).to_contain_text("1")

    other = browser.new_context().new_page()
    _login(other, base, "xa.hauloc")
    response = other.goto(product_url)
    assert response.status == 404
    expect(other.locator("h1")).to_contain_text("Không tìm thấy trang")
