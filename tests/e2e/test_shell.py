import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_officer_logs_in_switches_language_and_logs_out(
    live_server, page, demo_data, console_errors
):
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_role("link", name="Đăng nhập").first.click()

    page.get_by_label("Tên đăng nhập hoặc email").fill("tinh.canbo")
    page.get_by_label("Mật khẩu").fill(settings.OCOP_DEMO_PASSWORD)
    page.locator("#login-button").click()
    expect(page).to_have_url(re.compile(r"/tasks/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc của tôi")
    page.locator("#queue-dashboard-link").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thanh Hóa")
    expect(page.locator("#total-in-force")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="My tasks").first).to_be_visible()
    expect(page.get_by_role("button", name="Subjects and products")).to_be_visible()

    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("link", name="Việc của tôi").first).to_be_visible()

    page.locator("#user-menu > button").click()
    page.locator("#logout-button").click()
    expect(page).to_have_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/subjects/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/subjects/$"))
    assert console_errors == []


def test_login_page_is_usable_on_a_360px_phone(live_server, browser, demo_data):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()
    errors = []
    phone.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    phone.goto(f"{live_server.url}/accounts/login/")
    expect(phone.locator("#login-button")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    phone.get_by_label("Tên đăng nhập hoặc email").fill("xa.hoanghoa")
    phone.get_by_label("Mật khẩu").fill(settings.OCOP_DEMO_PASSWORD)
    phone.locator("#login-button").click()
    expect(phone).to_have_url(re.compile(r"/tasks/$"))
    assert errors == []
    context.close()
