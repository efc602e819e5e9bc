import pytest
from django.urls import reverse

from ocop.accounts.enums import Role
from tests.factories.accounts import user_with_role
from tests.factories.geo import province

pytestmark = pytest.mark.django_db


def test_the_activity_list_links_to_every_page_of_the_section(client, province_officer):
    client.force_login(province_officer)
    html = client.get(reverse("events:list")).content.decode()
    for name in ("distributions", "supports", "untrained", "report"):
        assert f'href="{reverse(f"events:{name}")}"' in html
    assert reverse("events:topics") not in html  # provincial officers do not edit topics


def test_administrators_also_get_the_topics_tab(client):
    admin = user_with_role(Role.PROVINCE_ADMIN, unit=province("38"))
    client.force_login(admin)
    assert reverse("events:topics") in client.get(reverse("events:list")).content.decode()
