"""The bar groups the navigation into a few dropdowns (it must fit one line
at 1366 px: tests/e2e/test_accessibility.py measures it); the account
administration sits in the person's own menu."""

import pytest
from django.urls import reverse

from ocop.accounts.enums import Role
from ocop.site.navigation import NavGroup, NavItem, grouped, menus_for, navigation_for
from tests.factories.accounts import user_with_role
from tests.factories.geo import province

pytestmark = pytest.mark.django_db


def shape(bar):
    return [
        (item.key, [sub.key for sub in item.items]) if isinstance(item, NavGroup) else item.key
        for item in bar
    ]


def test_a_provincial_officer_sees_seven_entries_with_three_dropdowns_and_no_item_lost():
    officer = user_with_role(Role.PROVINCE_OFFICER, unit=province("38"))
    bar, own = menus_for(officer)
    assert shape(bar) == [
        "tasks",
        "dashboard",
        ("registry", ["subjects", "products", "certification", "exchange"]),
        ("cycle", ["cycles", "dossiers", "evaluation", "targets"]),
        ("stamps", ["stamps", "inspections", "inspection_plans"]),
        ("support", ["events", "trade"]),
        ("reference", ["criteria", "guides"]),
    ]
    assert own == []
    flat = [sub for item in bar for sub in getattr(item, "items", (item,))]
    assert sorted(i.key for i in flat) == sorted(i.key for i in navigation_for(officer))


def test_accounts_go_to_the_administrators_own_menu():
    admin = user_with_role(Role.PROVINCE_ADMIN, unit=province("38"))
    bar, own = menus_for(admin)
    assert [item.key for item in own] == ["accounts"]
    assert "accounts" not in [item.key for item in bar]


def test_a_group_with_one_item_shows_as_that_item():
    items = [NavItem("Events", "/events/", "events"), NavItem("Guides", "/huong-dan/", "guides")]
    assert grouped(items) == items


def test_the_page_marks_the_dropdown_of_the_current_page(client):
    client.force_login(user_with_role(Role.PROVINCE_OFFICER, unit=province("38")))
    page = client.get(reverse("producers:list")).content.decode()
    group = page.split('id="nav-registry"')[1].split("</li>\n")[0]
    assert 'class="nav-link dropdown-toggle active"' in group
    assert f'aria-current="page" href="{reverse("producers:list")}"' in page
