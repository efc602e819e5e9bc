"""The verification page in a real browser on a 360 px phone: no horizontal
scrolling, no console or CSP errors, and the consented location (verify.js)
reaches the scan log."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from ocop.stamps.models import Scan
from tests.e2e.conftest import browser_type_launch_args, console_errors  # noqa: F401

pytestmark = pytest.mark.e2e


@pytest.fixture
def phone_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 360, "height": 740},
        "geolocation": {"latitude": 19.80761, "longitude": 105.77654},
        "permissions": ["geolocation"],
        "locale": "vi-VN",
    }


@pytest.fixture
def phone(browser, phone_context_args):
    context = browser.new_context(**phone_context_args)
    yield context.new_page()
    context.close()


@pytest.fixture
def scanned(transactional_db):
    # Live-server tests run on a flushed database: load what the page needs.
    call_command("load_admin_units", province=["38"], verbosity=0)
    call_command("load_certification_rules", verbosity=0)
    from tests.factories.accounts import UserFactory
    from tests.factories.geo import communes
    from tests.factories.registry import ProductFactory, SubjectFactory

    from .conftest import make_batch, make_certificate, make_stamp

    subject = SubjectFactory(commune=communes("38", 1)[0], name="HTX Nước mắm Làng Chài")
    product = ProductFactory(subject=subject, name="Nước mắm cốt cá cơm 40 độ đạm")
    make_certificate(product)
    return make_stamp(make_batch(product, by=UserFactory()))


def test_phone_sees_a_valid_product_and_shares_its_location(live_server, phone, scanned):
    errors: list[str] = []
    phone.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    phone.goto(f"{live_server.url}/s/{scanned.token}")
    status = phone.locator("#verify-status")
    assert status.get_attribute("data-outcome") == "valid"
    assert phone.locator("#product-name").inner_text() == "Nước mắm cốt cá cơm 40 độ đạm"
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    thanks = phone.locator("[data-ocop-locate]").get_attribute("data-thanks")
    phone.locator("#share-location").click()
    expect(phone.locator("[data-ocop-locate-status]")).to_have_text(thanks)
    scan = Scan.objects.get(stamp=scanned)
    assert (scan.latitude, scan.longitude) == (Decimal("19.81"), Decimal("105.78"))
    assert errors == []
