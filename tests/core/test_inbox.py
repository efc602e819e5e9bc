import re

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.core.domain.notify import notify
from ocop.core.models import Notification
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def badge(page: str) -> str | None:
    found = re.search(r'id="inbox-unread">(\d+)<', page)
    return found.group(1) if found else None


def test_inbox_lists_my_notifications_newest_first_with_unread_highlighted(client):
    me, other = UserFactory(), UserFactory()
    notify(users=[me], text="Thông báo cũ", url="/cycle/tasks/", email=False)
    notify(users=[me], text="Thông báo mới", email=False)
    notify(users=[other], text="Của người khác", email=False)
    Notification.objects.filter(text="Thông báo cũ").update(read_at=timezone.now())
    client.force_login(me)
    page = client.get(reverse("core:inbox")).content.decode()
    assert page.index("Thông báo mới") < page.index("Thông báo cũ")
    assert "Của người khác" not in page
    assert page.count("list-group-item-warning") == 1
    assert '<a href="/cycle/tasks/">Thông báo cũ</a>' in page
    assert badge(page) == "1"


def test_mark_all_read_clears_only_my_unread_notifications(client):
    me, other = UserFactory(), UserFactory()
    notify(users=[me, other], text="Hồ sơ chờ xử lý", email=False)
    notify(users=[me], text="Hồ sơ thứ hai", email=False)
    client.force_login(me)
    response = client.post(reverse("core:inbox_read"))
    assert response.status_code == 302
    assert response.url == reverse("core:inbox")
    assert Notification.objects.filter(user=me, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 1
    page = client.get(reverse("core:inbox")).content.decode()
    assert badge(page) is None
    assert "list-group-item-warning" not in page


def test_mark_all_read_needs_a_post(client):
    me = UserFactory()
    notify(users=[me], text="Hồ sơ chờ xử lý", email=False)
    client.force_login(me)
    assert client.get(reverse("core:inbox_read")).status_code == 405
    assert Notification.objects.filter(user=me, read_at__isnull=True).count() == 1


def test_inbox_needs_a_login(client):
    response = client.get(reverse("core:inbox"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_unread_badge_costs_one_query_and_none_for_visitors(client, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from ocop.core.context_processors import ocop

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        context = ocop(request)
        assert context["inbox_unread"]() == 0
    me = UserFactory()
    notify(users=[me, me], text="Một", email=False)
    notify(users=[me], text="Hai", email=False)
    request.user = me
    context = ocop(request)
    with django_assert_num_queries(1):
        assert context["inbox_unread"]() == 2
    # A page of the shell, for a visitor, counts nothing.
    with django_assert_num_queries(0):
        page = client.get(reverse("accounts:login")).content.decode()
    assert badge(page) is None


def test_the_badge_shows_on_every_page_for_the_signed_in_person(client):
    me = UserFactory()
    notify(users=[me], text="Một", email=False)
    notify(users=[me], text="Hai", email=False)
    client.force_login(me)
    page = client.get(reverse("site:dashboard")).content.decode()
    assert badge(page) == "2"


def test_inbox_list_has_no_n_plus_one(client, django_assert_max_num_queries):
    me = UserFactory()
    notify(users=[me], text="Một", email=False)
    client.force_login(me)
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("core:inbox"))
    for n in range(10):
        notify(users=[me], text=f"Thông báo {n}", email=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("core:inbox"))
