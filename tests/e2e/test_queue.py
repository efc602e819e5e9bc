"""Every role lands on its own work queue after signing in, and the count in
the navigation is the sum of the kinds the page lists (demo data)."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from ocop.accounts.demo import ACCOUNTS

pytestmark = pytest.mark.e2e


def test_every_role_lands_on_its_queue(live_server, browser, demo_data, contexts):
    errors: list[str] = []
    seen_kinds = set()
    for username, _name, role, _scope in ACCOUNTS:
        context = browser.new_context(locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Tên đăng nhập hoặc email").fill(username)
        page.get_by_label("Mật khẩu").fill(settings.OCOP_DEMO_PASSWORD)
        page.locator("#login-button").click()
        expect(page, f"{username} ({role})").to_have_url(re.compile(r"/tasks/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Việc của tôi")
        counts = [
            int(c)
            for c in page.locator("#queue-summary [data-count]").evaluate_all(
                "nodes => nodes.map(n => n.dataset.count)"
            )
        ]
        badge = page.locator("#queue-count")
        expect(badge).to_have_attribute("data-count", str(sum(counts)))
        if sum(counts):
            seen_kinds.update(
                page.locator("#queue-summary [data-kind]").evaluate_all(
                    "nodes => nodes"
                    ".filter(n => n.querySelector('[data-count]').dataset.count !== '0')"
                    ".map(n => n.dataset.kind)"
                )
            )
        else:
            expect(page.locator("#queue-empty")).to_be_visible()
        # Another page fetches the same count once loaded.
        page.goto(f"{live_server.url}/huong-dan/")
        expect(page.locator("#queue-count")).to_have_attribute("data-count", str(sum(counts)))
        page.go_back()
        # The dashboard is one click away.
        expect(page.locator("#queue-dashboard-link")).to_have_attribute("href", "/dashboard/")
        context.close()
        contexts.remove(context)
    # The demo's people have work of several kinds waiting.
    assert len(seen_kinds) >= 3, seen_kinds
    assert errors == []
