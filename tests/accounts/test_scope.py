"""Who sees what: scoped by administrative unit and by subject."""

import pytest

from ocop.accounts.enums import Role
from ocop.producers.domain.queries import subjects_visible_to
from ocop.products.domain.queries import products_visible_to
from tests.factories.accounts import user_with_role
from tests.factories.geo import province

pytestmark = pytest.mark.django_db


def test_commune_officer_lists_only_their_commune(client, officer_x, subject_x, subject_y):
    client.force_login(officer_x)
    page = client.get("/subjects/").content.decode()
    assert subject_x.name in page
    assert subject_y.name not in page


@pytest.mark.parametrize("path", ["/subjects/{subject}/", "/products/{product}/"])
def test_commune_officer_cannot_open_another_communes_data(
    client, officer_x, subject_y, product_y, path
):
    client.force_login(officer_x)
    response = client.get(path.format(subject=subject_y.pk, product=product_y.pk))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_commune_officer_opens_own_communes_data(client, officer_x, subject_x, product_x):
    client.force_login(officer_x)
    assert client.get(f"/subjects/{subject_x.pk}/").status_code == 200
    assert client.get(f"/products/{product_x.pk}/").status_code == 200


def test_commune_officer_search_does_not_leak_other_communes(client, officer_x, product_y):
    client.force_login(officer_x)
    page = client.get("/products/", {"q": "mat ong"}).content.decode()
    assert product_y.name not in page


def test_province_officer_sees_the_whole_province_only(
    thanh_hoa, subject_x, subject_y, product_x, product_y
):
    officer = user_with_role(Role.PROVINCE_OFFICER, unit=thanh_hoa)
    other = user_with_role(Role.PROVINCE_OFFICER, unit=province("01"))
    assert set(subjects_visible_to(officer)) == {subject_x, subject_y}
    assert list(subjects_visible_to(other)) == []
    assert set(products_visible_to(officer)) == {product_x, product_y}


def test_producer_sees_only_their_subject(subject_x, subject_y, product_x, product_y):
    producer = user_with_role(Role.PRODUCER, subject=subject_x)
    assert list(subjects_visible_to(producer)) == [subject_x]
    assert list(products_visible_to(producer)) == [product_x]


def test_central_officer_sees_everything(subject_x, subject_y):
    central = user_with_role(Role.CENTRAL_OFFICER)
    assert set(subjects_visible_to(central)) == {subject_x, subject_y}


def test_expired_role_gives_no_access(commune_x, subject_x):
    import datetime

    officer = user_with_role(Role.COMMUNE_OFFICER, unit=commune_x)
    officer.role_assignments.update(
        valid_from=datetime.date(2024, 1, 1), valid_to=datetime.date(2025, 1, 1)
    )
    assert list(subjects_visible_to(officer)) == []


def test_user_without_role_sees_nothing(subject_x):
    nobody = user_with_role(Role.PRODUCER, subject=subject_x)
    nobody.role_assignments.all().delete()
    from ocop.accounts.rules import forget_scope

    forget_scope(nobody)
    assert list(subjects_visible_to(nobody)) == []


@pytest.mark.parametrize(
    "path", ["/dashboard/", "/subjects/", "/products/", "/accounts/", "/accounts/new/"]
)
def test_anonymous_users_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/password-reset/"])
def test_public_pages_open_without_login(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "vi"


def test_subject_list_has_no_n_plus_one(
    client, django_assert_max_num_queries, officer_x, commune_x
):
    from tests.factories.registry import SubjectFactory

    client.force_login(officer_x)
    SubjectFactory.create_batch(3, commune=commune_x)
    with django_assert_max_num_queries(9) as few:  # 8 + the inbox's unread count
        client.get("/subjects/")
    SubjectFactory.create_batch(20, commune=commune_x)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/subjects/")


def test_council_member_does_not_read_the_provincial_registry(client, thanh_hoa, subject_x):
    member = user_with_role(Role.COUNCIL_MEMBER, unit=thanh_hoa)
    assert list(subjects_visible_to(member)) == []
    client.force_login(member)
    assert client.get(f"/subjects/{subject_x.pk}/").status_code == 404
    assert "/subjects/" not in client.get("/dashboard/").content.decode()
