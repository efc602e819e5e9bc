"""The API's documentation page and personal tokens, in a real browser under
the site's strict Content Security Policy."""

import re

import pytest
from playwright.sync_api import expect

from ocop.accounts.enums import Role
from tests.factories.accounts import user_with_role

pytestmark = pytest.mark.e2e


def test_the_api_docs_page_renders_from_our_files_under_the_csp(
    live_server, page, console_errors, transactional_db
):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(f"{live_server.url}/api/v1/docs")
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self' 'nonce-" in policy
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("OCOP Platform API")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/public/products").first)
    expect(page.locator(".opblock").first).to_be_visible()
    page.locator(".opblock-summary", has_text="/api/v1/public/verify").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert [url for url in requested if not url.startswith(live_server.url)] == []
    assert console_errors == []


def test_a_person_makes_a_token_and_a_program_reads_with_it(
    live_server, page, console_errors, reference_data
):
    from tests.factories.geo import province

    user_with_role(Role.PROVINCE_OFFICER, unit=province("38"), username="tinh.api")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập hoặc email").fill("tinh.api")
    page.get_by_label("Mật khẩu").fill("matkhau-123")
    page.locator("#login-button").click()
    expect(page).to_have_url(re.compile(r"/tasks/$"))
    page.goto(f"{live_server.url}/accounts/me/")
    page.get_by_role("link", name="Mã truy cập API của tôi").click()
    page.get_by_label("Tên", exact=True).fill("Bảng tính của tỉnh")
    page.locator("#create-token").click()
    secret = page.locator("#token-secret").inner_text().strip()
    assert secret.startswith("ocop_")
    answer = page.request.get(
        f"{live_server.url}/api/v1/office/subjects",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status == 200
    assert answer.json()["items"] == []
    page.goto(f"{live_server.url}/accounts/me/api-tokens/")
    expect(page.locator("#token-uses")).to_contain_text("/api/v1/office/subjects")
    page.locator("#token-list button", has_text="Thu hồi").click()
    page.locator("#confirm-action").click()
    expect(page.locator("#token-list")).to_contain_text("đã thu hồi")
    refused = page.request.get(
        f"{live_server.url}/api/v1/office/subjects",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert refused.status == 401
    assert console_errors == []
