import pytest

from ocop.accounts.enums import Role
from tests.factories.accounts import user_with_role
from tests.factories.certification import THREE_STARS, closed_session
from tests.factories.geo import province


@pytest.fixture
def thanh_hoa():
    return province("38")


@pytest.fixture
def province_admin(thanh_hoa):
    return user_with_role(Role.PROVINCE_ADMIN, unit=thanh_hoa, username="qt.th")


@pytest.fixture
def other_province_officer():
    """An officer of Hà Nội: outside Thanh Hóa's scope."""
    return user_with_role(Role.PROVINCE_OFFICER, unit=province("01"), username="tinh.hn")


@pytest.fixture
def central_officer():
    return user_with_role(Role.CENTRAL_OFFICER, username="tw.vpdp")


@pytest.fixture
def closed(province_officer, product_x, product_y):
    """A closed Thanh Hóa session: product X 4★ (mean 86.66…), product Y 3★ (64)."""
    return closed_session(
        officer=province_officer,
        products=[product_x, product_y],
        results={product_y.pk: THREE_STARS},
        first_member_drops=True,
    )
