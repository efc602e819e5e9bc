import pytest

from tests.factories.evaluation import council_with_members, open_session


@pytest.fixture
def council(province_officer):
    council, _members = council_with_members(officer=province_officer, members=3)
    return council


@pytest.fixture
def members(council):
    return list(council.members.filter(body="council").select_related("user").order_by("id"))


@pytest.fixture
def chair(members):
    return members[0]


@pytest.fixture
def session(province_officer, council, product_x, product_y):
    return open_session(officer=province_officer, council=council, products=[product_x, product_y])


@pytest.fixture
def item(session, product_x):
    return session.items.get(product=product_x)
