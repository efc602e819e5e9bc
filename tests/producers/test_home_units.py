"""A commune officer's forms start with their commune, and the province
filter of the lists offers only the provinces the person's lists can hold."""

import re

import pytest
from django.urls import reverse

from ocop.accounts.enums import Role
from ocop.producers.domain.queries import home_commune, provinces_in_scope
from tests.factories.accounts import user_with_role
from tests.factories.geo import province

pytestmark = pytest.mark.django_db


def province_options(page: str) -> list[str]:
    select = re.search(r'<select name="province"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="(\d+)"', select)


def test_a_commune_officer_registers_a_subject_in_their_commune_already_filled_in(
    client, officer_x, commune_x
):
    assert home_commune(officer_x) == commune_x
    client.force_login(officer_x)
    page = client.get(reverse("producers:create")).content.decode()
    assert f'name="commune" id="id_commune" value="{commune_x.pk}"' in page
    assert f'value="{commune_x}"' in page  # the picker's search box shows its name


def test_the_province_filter_offers_only_the_officers_province(client, officer_x, commune_x):
    hanoi = province("01")
    thanh_hoa = province("38")
    client.force_login(officer_x)
    for url in (reverse("producers:list"), reverse("products:list")):
        assert province_options(client.get(url).content.decode()) == [str(thanh_hoa.pk)], url
    central = user_with_role(Role.CENTRAL_OFFICER, username="tw.x")
    assert {hanoi, thanh_hoa} <= set(provinces_in_scope(central))


def test_a_provincial_officer_has_no_home_commune_and_their_province_only(province_officer):
    province("01")
    assert home_commune(province_officer) is None
    assert list(provinces_in_scope(province_officer)) == [province("38")]


def test_a_commune_officers_new_activity_is_at_their_communes_level(client, officer_x, commune_x):
    client.force_login(officer_x)
    page = client.get(reverse("events:new")).content.decode()
    assert re.search(r'<option value="commune" selected>', page)
    chosen = rf'<option value="{commune_x.pk}" selected>|id="id_commune" value="{commune_x.pk}"'
    assert re.search(chosen, page)
