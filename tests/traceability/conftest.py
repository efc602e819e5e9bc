import datetime
from decimal import Decimal

import pytest

from ocop.accounts.enums import Role
from tests.factories.accounts import user_with_role
from tests.factories.geo import province
from tests.factories.traceability import VN


@pytest.fixture(autouse=True)
def _vietnamese_by_default(client, settings):
    """These tests compare messages with their English source text, so they
    run in English (tests of Vietnamese formatting switch back to "vi")."""
    from django.utils import translation

    translation.activate("en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield
    translation.deactivate()


def at(*args) -> datetime.datetime:
    """A time in Vietnam."""
    return datetime.datetime(*args, tzinfo=VN)


@pytest.fixture
def producer_y(subject_y):
    return user_with_role(Role.PRODUCER, subject=subject_y, username="sx.y")


@pytest.fixture
def officer_y(commune_y):
    return user_with_role(Role.COMMUNE_OFFICER, unit=commune_y, username="xa.y")


@pytest.fixture
def hanoi_officer():
    """A provincial officer of another province (Hà Nội)."""
    return user_with_role(Role.PROVINCE_OFFICER, unit=province("01"), username="tinh.hn")


@pytest.fixture
def inspector():
    return user_with_role(Role.INSPECTOR, unit=province("38"), username="tt.th")


@pytest.fixture
def batch(product_x, producer_x):
    from ocop.traceability.domain.batches import record_batch

    return record_batch(
        product=product_x,
        lot_code="NM-2025-03",
        production_date=datetime.date(2025, 3, 10),
        expiry_date=datetime.date(2027, 3, 9),
        quantity=Decimal(1500),
        unit="chai 500 ml",
        standards="TCVN 5107:2018",
        by=producer_x,
    )
