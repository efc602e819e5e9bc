"""The work queue's page and the navigation's badge make a small, fixed number
of queries for every role, whatever the number of items waiting: the counts
of every kind in one query, then one page of rows per kind that has items
(before: a count and a page per kind, 19 queries for a commune officer)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.demo import ACCOUNTS
from ocop.accounts.models import User
from ocop.cycles.domain.workflow import set_dossier_state
from ocop.producers.models import Subject
from tests.factories.cycles import ready_dossier
from tests.factories.registry import ProductFactory
from tests.factories.stamps import certify

pytestmark = pytest.mark.django_db

# The most queries of the queue page and of the badge, per demo account's role
# (session, user, roles, the providers' own reads, the counts, the rows of
# each kind with items, the navigation's notices).
PAGE_MAX = {
    "central_admin": 8,
    "central_officer": 8,
    "province_admin": 9,
    "province_officer": 9,
    "advisory_team": 6,
    "council_member": 6,
    "inspector": 8,
    "commune_officer": 10,
    "producer": 10,
    "consultant": 10,
}
BADGE_MAX = 6


def _queries(client, name: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(name)).status_code == 200
    return len(captured.captured_queries)


def _counts(client) -> dict[str, tuple[int, int]]:
    found = {}
    for username, _name, _role, _scope in ACCOUNTS:
        client.force_login(User.objects.get(username=username))
        client.get(reverse("site:queue"))  # the first request of a session reads more
        found[username] = (_queries(client, "site:queue"), _queries(client, "site:queue_badge"))
    return found


def _more_waiting(n: int) -> None:
    """Dossiers submitted at the commune and certificates expiring, for the
    producer, the commune and the province."""
    producer = User.objects.get(username="sx.dongtam")
    subject = Subject.objects.get(registration_number="2801234567")
    today = timezone.localdate()
    for _ in range(n):
        set_dossier_state(
            dossier=ready_dossier(product=ProductFactory(subject=subject), producer=producer),
            action="submit",
            by=producer,
        )
        certify(
            ProductFactory(subject=subject),
            issued=today - timedelta(days=1000),
            valid_until=today + timedelta(days=20),
        )


def test_every_role_s_queue_and_badge_take_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    _more_waiting(1)
    for username, _name, role, _scope in ACCOUNTS:
        client.force_login(User.objects.get(username=username))
        client.get(reverse("site:queue"))
        with django_assert_max_num_queries(PAGE_MAX[role]):
            assert client.get(reverse("site:queue")).status_code == 200
        with django_assert_max_num_queries(BADGE_MAX):
            assert client.get(reverse("site:queue_badge")).status_code == 200
    few = _counts(client)
    _more_waiting(6)
    assert _counts(client) == few
