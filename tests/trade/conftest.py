from datetime import timedelta

import pytest
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.products.enums import OcopStatus
from tests.factories.accounts import user_with_role
from tests.factories.geo import communes, province
from tests.factories.registry import ProductFactory, SubjectFactory


def certify(product, *, star=4, days=365):
    product.status = OcopStatus.CERTIFIED
    product.star = star
    product.certified_until = timezone.localdate() + timedelta(days=days)
    product.save()
    return product


@pytest.fixture
def certified_x(product_x):
    return certify(product_x)


@pytest.fixture
def certified_y(product_y):
    return certify(product_y, star=3)


@pytest.fixture
def hanoi_commune():
    return communes("01", 1)[0]


@pytest.fixture
def hanoi_product(hanoi_commune):
    subject = SubjectFactory(commune=hanoi_commune, name="Hợp tác xã Hà Nội")
    return certify(ProductFactory(subject=subject, name="Chè Hà Nội"))


@pytest.fixture
def hanoi_officer():
    return user_with_role(Role.PROVINCE_OFFICER, unit=province("01"), username="hn.canbo")


@pytest.fixture
def central_officer():
    return user_with_role(Role.CENTRAL_OFFICER, username="tw.cb")
