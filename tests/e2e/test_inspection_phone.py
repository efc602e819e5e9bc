"""An inspector's visit on a 360×740 phone (the demo's visit): the checklist,
a photo, the representative's acknowledgment, closing the visit and the
report PDF — no horizontal scrolling, no console or CSP errors."""

import pytest
from PIL import Image
from playwright.sync_api import expect

from ocop.inspections.models import Visit
from tests.e2e.helpers import PHONE, log_in, new_page, pdf_text

pytestmark = pytest.mark.e2e


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_inspector_records_a_visit_on_a_phone(live_server, demo_data, browser, contexts, tmp_path):
    errors: list[str] = []
    phone = new_page(browser, contexts, errors, **PHONE)
    log_in(phone, live_server.url, "thanhtra")
    phone.goto(f"{live_server.url}/inspections/visits/?mine=1")
    visit = Visit.objects.select_related("product").get()
    phone.get_by_role("link", name=visit.product.name).click()
    phone.wait_for_url(f"**/inspections/visits/{visit.pk}/")
    assert fits(phone)

    for fieldset in phone.locator("#answers-form fieldset").all():
        fieldset.get_by_label("đạt", exact=True).check()
    phone.locator("#answers-form fieldset[data-item='1'] textarea").fill(
        "Logo 3 sao đúng hạng, in trên hộp 500 g."
    )
    phone.get_by_role("button", name="Lưu kết quả").click()
    expect(phone.get_by_text("Đã lưu kết quả.")).to_be_visible()

    picture = tmp_path / "kho.jpg"
    Image.new("RGB", (120, 90), (120, 60, 20)).save(picture, format="JPEG")
    phone.locator("#photo-form input[type=file]").set_input_files(str(picture))
    phone.locator("#photo-form").get_by_label("Chú thích").fill("Kho thành phẩm")
    phone.get_by_role("button", name="Đính kèm ảnh").click()
    expect(phone.locator("#photos")).to_contain_text("Kho thành phẩm")

    phone.get_by_label("Tên đại diện chủ thể").fill("Lê Văn Tâm")
    phone.get_by_label("Đại diện chủ thể đã đọc và xác nhận biên bản").check()
    phone.get_by_role("button", name="Ghi nhận xác nhận").click()
    expect(phone.locator("#acknowledged")).to_contain_text("Lê Văn Tâm")

    phone.get_by_label("đạt yêu cầu").check()
    phone.locator("#close-form").get_by_role("button", name="Kết thúc kiểm tra").click()
    expect(phone.locator("#visit-state")).to_have_text("đã kết thúc")
    assert fits(phone)

    with phone.expect_download() as download:
        phone.get_by_role("link", name="Biên bản kiểm tra (PDF)").click()
    text = pdf_text(download.value.path().read_bytes())
    assert "BIÊN BẢN KIỂM TRA" in text
    assert "Lê Văn Tâm" in text
    assert visit.product.name in text
    visit.refresh_from_db()
    assert visit.outcome == "compliant"
    assert visit.photos.count() == 1
    assert errors == []
