"""Each role opens its dashboard in Chromium; every number on it opens a list
with the same count (followed as a person would, reading the list's total),
a zero too (its empty list); the central office opens one province's;
charts are drawn from their tables under the strict CSP; axe-core finds no
serious or critical violation at 1366×800 and 360×740."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import DESKTOP, PHONE, axe_violations, log_in, new_page

pytestmark = pytest.mark.django_db(transaction=True)

# (demo account, the level its dashboard opens on, the page opened)
PEOPLE = [
    ("tw.canbo", "centre", "/dashboard/"),
    # The central office opens one province's dashboard (its zeros link too).
    ("tw.canbo", "province", "/dashboard/province/?province=38"),
    ("tinh.canbo", "province", "/dashboard/"),
    ("xa.hoanghoa", "commune", "/dashboard/"),
    ("sx.dongtam", "producer", "/dashboard/"),
    ("hoidong", "council", "/dashboard/"),
]
CHARTED = {"centre": "#trend-table", "province": "#by-group"}


def _count(text: str) -> int:
    return int(re.match(r"\s*([\d.]+)", text).group(1).replace(".", ""))


def _follow_every_figure(page, base_url) -> int:
    figures = page.locator("#dashboard a[data-figure]")
    links = [
        (figures.nth(i).get_attribute("href"), int(figures.nth(i).get_attribute("data-figure")))
        for i in range(figures.count())
    ]
    dashboard = page.url
    for href, expected in links:
        page.goto(f"{base_url}{href}")
        assert _count(page.locator("#result-count").inner_text()) == expected, href
    page.goto(dashboard)
    return len(links)


def test_every_role_opens_its_dashboard_and_every_number_opens_its_list(
    demo_data, live_server, browser, contexts
):
    errors: list[str] = []
    base = live_server.url
    for username, level, path in PEOPLE:
        page = new_page(browser, contexts, errors, **DESKTOP)
        log_in(page, base, username)
        page.goto(f"{base}{path}")
        expect(page.locator(f'#dashboard[data-level="{level}"]')).to_be_visible()
        if level in CHARTED:
            # The chart is drawn from its table, which stays below it.
            expect(page.locator("[data-chart-for] canvas")).to_have_count(1)
            expect(page.locator(CHARTED[level])).to_be_visible()
        assert axe_violations(page) == [], (username, "desktop")
        if level == "province":
            # The empty cells are links too (to their empty lists).
            assert page.locator('#dashboard a[data-figure="0"]').count() >= 1, username
        followed = _follow_every_figure(page, base)
        assert followed >= {"council": 1}.get(level, 4), (username, followed)
        phone = new_page(browser, contexts, errors, **PHONE)
        log_in(phone, base, username)
        phone.goto(f"{base}{path}")
        expect(phone.locator(f'#dashboard[data-level="{level}"]')).to_be_visible()
        assert axe_violations(phone) == [], (username, "phone")
    assert errors == []
