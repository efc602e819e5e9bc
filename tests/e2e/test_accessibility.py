"""axe-core on the main pages of every role, on a 1366×800 desktop and a
360×740 phone: no serious or critical violation (contrast, names, labels,
ARIA). The pages are read as the demo leaves them."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from ocop.accounts.enums import Role
from ocop.accounts.models import RoleAssignment, User
from ocop.certification.models import Certificate
from ocop.cycles.domain import dossiers as dossier_domain
from ocop.cycles.models import Dossier
from ocop.evaluation.domain import sessions
from ocop.evaluation.models import Scoresheet, Session
from ocop.events.models import Activity
from ocop.inspections.models import Visit
from ocop.portal.seo import product_path
from ocop.products.models import Product
from ocop.stamps.models import Stamp, StampBatch

from .helpers import DESKTOP, PHONE, axe_violations, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def scoring_and_dossier(demo_data):
    """The demo with its council session open for scoring (so members have
    sheets) and a draft dossier of the demo producer."""
    call_command("load_criteria", "--shipped", verbosity=0)
    call_command("load_demo", verbosity=0)
    session = Session.objects.order_by("pk").first()
    sessions.set_session_state(
        session=session, action="open", by=User.objects.get(username="tinh.canbo")
    )
    on_agenda = session.items.values_list("product", flat=True)
    product = (
        Product.objects.filter(subject__registration_number="2801234567")
        .exclude(pk__in=on_agenda)
        .first()
    )
    dossier_domain.create_dossier(product=product, by=User.objects.get(username="sx.dongtam"))


def pages_by_role():
    """(username or None for a visitor, [paths]) — at least 15 distinct pages,
    and a page for each of the ten roles."""
    product = Certificate.objects.select_related("product").first().product
    stamp = Stamp.objects.filter(batch__state="active").first() or Stamp.objects.first()
    dossier = Dossier.objects.order_by("pk").first()
    scoresheet = Scoresheet.objects.select_related("member__user").order_by("pk").first()
    return [
        (
            None,
            [
                reverse("site:home"),
                reverse("accounts:login"),
                reverse("verify:stamp", args=[stamp.token]),
                reverse("complaints:report") + f"?stamp={stamp.token}",
                reverse("portal:catalogue") + "?q=mat+ong",
                product_path(product),
                reverse("points:province", args=["38"]),
                reverse("inquiry:product", args=[product.pk]),
                reverse("site:guides"),
            ],
        ),
        (
            "tinh.canbo",
            [
                reverse("site:dashboard"),
                reverse("site:queue"),
                reverse("producers:list"),
                reverse("products:list"),
                reverse("products:detail", args=[product.pk]),
                reverse("cycles:dossiers"),
                reverse("cycles:dossier", args=[dossier.pk]),
                reverse("evaluation:home"),
                reverse("evaluation:session", args=[Session.objects.order_by("pk").first().pk]),
                reverse("certification:certificates"),
                reverse("certification:certificate", args=[Certificate.objects.first().pk]),
                reverse("stamps:list"),
                reverse("stamps:batch", args=[StampBatch.objects.order_by("pk").first().pk]),
                reverse("events:list"),
                reverse("events:calendar"),
                reverse("events:activity", args=[Activity.objects.order_by("pk").first().pk]),
                reverse("events:report"),
                reverse("producers:create"),
                reverse("trade:overview"),
                reverse("trade:points"),
                reverse("inspections:plans"),
            ],
        ),
        (
            scoresheet.member.user.username,
            [
                reverse("site:queue"),
                reverse("evaluation:scoresheet", args=[scoresheet.pk]),
            ],
        ),
        ("xa.hoanghoa", [reverse("site:queue"), reverse("cycles:dossiers")]),
        ("sx.dongtam", [reverse("site:queue"), reverse("events:mine")]),
        (
            "thanhtra",
            [
                reverse("site:queue"),
                reverse("inspections:list"),
                reverse("inspections:visits"),
                reverse("inspections:visit", args=[Visit.objects.order_by("pk").first().pk]),
            ],
        ),
        ("tinh.quantri", [reverse("accounts:list"), reverse("accounts:create")]),
        ("totuvan", [reverse("site:queue"), reverse("cycles:dossiers")]),
        ("tuvan", [reverse("site:queue")]),
        ("tw.canbo", [reverse("site:queue"), reverse("site:dashboard")]),
        ("admin", [reverse("site:queue"), reverse("accounts:list")]),
    ]


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_main_pages_of_every_role_have_no_serious_accessibility_violation(
    live_server, browser, scoring_and_dossier, device
):
    roles = pages_by_role()
    assert len({path for _user, paths in roles for path in paths}) >= 15
    usernames = [username for username, _paths in roles if username]
    seen = RoleAssignment.objects.filter(user__username__in=usernames)
    assert set(seen.values_list("role", flat=True)) == set(Role.values)
    found = {}
    for username, paths in roles:
        context = browser.new_context(**(DESKTOP if device == "desktop" else PHONE))
        page = context.new_page()
        if username:
            log_in(page, live_server.url, username)
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, (username, path, response.status)
            violations = axe_violations(page)
            if violations:
                found[f"{username or 'visitor'} {path}"] = violations
        context.close()
    assert found == {}, "\n".join(f"{where}:\n  " + "\n  ".join(v) for where, v in found.items())


def test_the_navigation_fits_one_line_at_1366_px_and_its_dropdowns_open(
    live_server, browser, demo_data
):
    for username in ("admin", "tinh.canbo", "tinh.quantri", "xa.hoanghoa", "hoidong"):
        context = browser.new_context(**DESKTOP)
        page = context.new_page()
        log_in(page, live_server.url, username)
        bar = page.locator("nav.navbar > .container-fluid")
        middles = bar.evaluate(
            """bar => [...bar.querySelectorAll(
                '.navbar-brand, .navbar-nav > .nav-item, #language-form, #user-menu')]
                .map(e => Math.round(e.getBoundingClientRect().top
                                     + e.getBoundingClientRect().height / 2))"""
        )
        assert max(middles) - min(middles) <= 6, (username, middles)
        assert bar.evaluate("bar => bar.scrollWidth - bar.clientWidth") <= 0, username
        assert page.locator("nav.navbar").bounding_box()["height"] < 70, username
        context.close()
    # The grouped pages are one click away (Bootstrap's dropdown, no inline script).
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    log_in(page, live_server.url, "tinh.canbo")
    page.locator("#nav-registry > button").click()
    page.locator("#nav-registry .dropdown-item").first.click()
    page.wait_for_url("**/subjects/")
    expect(page.locator("#nav-registry > button")).to_have_class(re.compile("active"))
    context.close()
