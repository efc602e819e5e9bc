import pytest

from ocop.accounts.enums import Role
from tests.factories.accounts import user_with_role
from tests.factories.geo import communes, province
from tests.factories.registry import ProductFactory, SubjectFactory


@pytest.fixture
def commune_x():
    return communes("38", 2)[0]


@pytest.fixture
def commune_y():
    return communes("38", 2)[1]


@pytest.fixture
def subject_x(commune_x):
    return SubjectFactory(commune=commune_x, name="Hợp tác xã Nước mắm Làng X")


@pytest.fixture
def subject_y(commune_y):
    return SubjectFactory(commune=commune_y, name="Công ty TNHH Mật ong Làng Y")


@pytest.fixture
def product_x(subject_x):
    return ProductFactory(subject=subject_x, name="Nước mắm cá cơm Làng X")


@pytest.fixture
def officer_x(commune_x):
    return user_with_role(Role.COMMUNE_OFFICER, unit=commune_x, username="xa.x")


@pytest.fixture
def province_officer():
    return user_with_role(Role.PROVINCE_OFFICER, unit=province("38"), username="tinh.th")


@pytest.fixture
def producer_x(subject_x):
    return user_with_role(Role.PRODUCER, subject=subject_x, username="sx.x")
