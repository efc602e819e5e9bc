import pytest

from ocop.accounts.enums import Role
from tests.factories.accounts import user_with_role
from tests.factories.cycles import ready_dossier
from tests.factories.geo import province


@pytest.fixture
def advisory():
    return user_with_role(Role.ADVISORY_TEAM, unit=province("38"), username="tv.th")


@pytest.fixture
def dossier(product_x, producer_x):
    return ready_dossier(product=product_x, producer=producer_x)
