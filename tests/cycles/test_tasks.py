import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.cycles.domain.queries import my_tasks, overdue_by_commune
from ocop.cycles.domain.workflow import set_dossier_state
from ocop.cycles.enums import IdeaState
from ocop.cycles.models import Cycle, Dossier, Idea
from tests.factories.accounts import user_with_role
from tests.factories.cycles import commune_checked, ready_dossier
from tests.factories.geo import province
from tests.factories.registry import ProductFactory

pytestmark = pytest.mark.django_db


def tasks(user):
    found = my_tasks(user)
    return [d.pk for d in found["dossiers"]], [i.pk for i in found["ideas"]]


@pytest.fixture
def officer_y(commune_y):
    return user_with_role(Role.COMMUNE_OFFICER, unit=commune_y, username="xa.y")


@pytest.fixture
def producer_y(subject_y):
    return user_with_role(Role.PRODUCER, subject=subject_y, username="sx.y")


@pytest.fixture
def other_province_officer():
    return user_with_role(Role.PROVINCE_OFFICER, unit=province("01"), username="tinh.hn")


def test_each_role_sees_what_waits_for_it(
    dossier, producer_x, officer_x, province_officer, advisory, officer_y, producer_y
):
    assert tasks(producer_x) == ([dossier.pk], [])
    for user in (officer_x, province_officer, advisory, officer_y, producer_y):
        assert tasks(user) == ([], []), user.username
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    assert tasks(officer_x) == ([dossier.pk], [])
    for user in (producer_x, province_officer, advisory, officer_y, producer_y):
        assert tasks(user) == ([], []), user.username
    commune_checked(dossier, officer_x)
    set_dossier_state(dossier=dossier, action="forward", by=officer_x)
    assert tasks(province_officer) == ([dossier.pk], [])
    assert tasks(advisory) == ([dossier.pk], [])
    for user in (producer_x, officer_x, officer_y, producer_y):
        assert tasks(user) == ([], []), user.username
    set_dossier_state(dossier=dossier, action="precheck", by=advisory)
    assert tasks(province_officer) == ([dossier.pk], [])
    assert tasks(advisory) == ([], [])


def test_out_of_scope_officers_see_nothing(
    dossier, producer_x, officer_x, other_province_officer, officer_y
):
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    commune_checked(dossier, officer_x)
    set_dossier_state(dossier=dossier, action="forward", by=officer_x)
    assert tasks(other_province_officer) == ([], [])
    assert tasks(officer_y) == ([], [])
    assert list(overdue_by_commune(other_province_officer)) == []


def test_an_evaluated_dossier_waits_only_when_proposed_to_the_centre(
    dossier, producer_x, province_officer
):
    from ocop.cycles.enums import DossierState

    Dossier.objects.filter(pk=dossier.pk).update(state=DossierState.EVALUATED)
    assert tasks(province_officer) == ([], [])
    assert tasks(producer_x) == ([], [])


def test_tasks_are_oldest_first(subject_x, producer_x, officer_x):
    first = ready_dossier(product=ProductFactory(subject=subject_x), producer=producer_x)
    second = ready_dossier(product=ProductFactory(subject=subject_x), producer=producer_x)
    assert tasks(producer_x)[0] == [first.pk, second.pk]
    # The one that moved last waits least.
    set_dossier_state(dossier=first, action="submit", by=producer_x)
    set_dossier_state(dossier=second, action="submit", by=producer_x)
    assert tasks(officer_x)[0] == [first.pk, second.pk]
    Dossier.objects.filter(pk=first.pk).update(state_changed_at=timezone.now() + timedelta(hours=1))
    assert tasks(officer_x)[0] == [second.pk, first.pk]


def test_ideas_wait_for_the_commune_the_province_then_the_producer(
    subject_x, producer_x, officer_x, province_officer, officer_y
):
    cycle = Cycle.objects.create(province=province("38"), year=2025, title="OCOP 2025")
    idea = Idea.objects.create(
        cycle=cycle, subject=subject_x, product_name="Bánh gai", description="Bánh gai lá gai"
    )
    expected = {IdeaState.SUBMITTED: officer_x, IdeaState.RECEIVED: province_officer}
    expected[IdeaState.ACCEPTED] = producer_x
    for state, actor in expected.items():
        Idea.objects.filter(pk=idea.pk).update(state=state)
        for user in (producer_x, officer_x, province_officer, officer_y):
            assert tasks(user)[1] == ([idea.pk] if user == actor else []), (state, user.username)
    Idea.objects.filter(pk=idea.pk).update(state=IdeaState.REJECTED)
    assert tasks(producer_x)[1] == []


def test_tasks_page_shows_due_dates_and_overdue_by_commune(
    client, dossier, producer_x, officer_x, province_officer
):
    dossier = set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    Dossier.objects.filter(pk=dossier.pk).update(
        overdue=True, due_on=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(officer_x)
    page = client.get(reverse("site:queue")).content.decode()
    assert reverse("cycles:dossier", args=[dossier.pk]) in page
    assert "badge text-bg-danger" in page
    assert 'id="overdue-by-commune"' in page
    client.force_login(producer_x)
    page = client.get(reverse("site:queue")).content.decode()
    assert 'id="queue-dossiers"' not in page
    assert "overdue-by-commune" not in page
    client.force_login(province_officer)
    page = client.get(reverse("site:queue")).content.decode()
    assert 'id="queue-dossiers"' not in page
    assert f'<td>{dossier.commune.name}</td><td class="text-end">1</td>' in page


def test_tasks_page_needs_a_login(client):
    response = client.get(reverse("site:queue"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_old_address_leads_to_the_queue(client, officer_x):
    client.force_login(officer_x)
    response = client.get(reverse("cycles:tasks"))
    assert (response.status_code, response.url) == (301, reverse("site:queue"))


def test_tasks_page_has_no_n_plus_one(client, subject_x, producer_x, django_assert_max_num_queries):
    client.force_login(producer_x)
    ready_dossier(product=ProductFactory(subject=subject_x), producer=producer_x)
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("site:queue"))
    for _ in range(4):
        ready_dossier(product=ProductFactory(subject=subject_x), producer=producer_x)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("site:queue"))
    assert len(re.findall(r'href="/cycle/dossiers/\d+/"', response.content.decode())) == 5


def test_the_waiting_list_indexes_cover_every_waiting_state():
    """The partial indexes of "my tasks" (cycles.enums.WAITING_STATES) hold
    every state a dossier waits in; evaluated ones are found another way."""
    from ocop.cycles.domain.queries import WAITING_ON
    from ocop.cycles.enums import WAITING_STATES, DossierState

    assert set(WAITING_STATES) == set(WAITING_ON) - {DossierState.EVALUATED}
