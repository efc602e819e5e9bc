import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from ocop.accounts.models import User

pytestmark = pytest.mark.e2e


def test_province_admin_creates_commune_officer_with_the_unit_picker(
    live_server, page, demo_data, console_errors
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập hoặc email").fill("tinh.quantri")
    page.get_by_label("Mật khẩu").fill(settings.OCOP_DEMO_PASSWORD)
    page.locator("#login-button").click()
    expect(page).to_have_url(re.compile(r"/tasks/$"))

    page.goto(f"{live_server.url}/accounts/new/")
    page.get_by_label("Tên đăng nhập", exact=True).fill("xa.hoanghoa2")
    page.get_by_label("Họ và tên").fill("Lê Thị Mai")
    page.get_by_label("Vai trò").select_option("commune_officer")
    page.locator("#id_unit_search").fill("hoang hoa")
    option = page.get_by_role("option", name="Xã Hoằng Hóa, Tỉnh Thanh Hóa")
    expect(option).to_be_visible()
    option.click()
    expect(page.locator("#id_unit_search")).to_have_value("Xã Hoằng Hóa, Tỉnh Thanh Hóa")
    page.locator("#create-account").click()

    expect(page.locator("h1")).to_contain_text("Lê Thị Mai")
    account = User.objects.get(username="xa.hoanghoa2")
    assignment = account.role_assignments.get()
    assert (assignment.role, assignment.unit.name) == ("commune_officer", "Hoằng Hóa")
    assert console_errors == []
