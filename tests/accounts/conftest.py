import pytest

from ocop.accounts.enums import Role
from tests.factories.accounts import user_with_role
from tests.factories.geo import province


@pytest.fixture
def thanh_hoa():
    return province("38")


@pytest.fixture
def province_admin(thanh_hoa):
    return user_with_role(Role.PROVINCE_ADMIN, unit=thanh_hoa, username="qt.thanhhoa")
