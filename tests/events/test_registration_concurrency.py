"""Two people taking the last place at the same moment, on PostgreSQL (real
row locks): exactly one is registered, the other is refused as full; and the
same person registering twice at once is registered once.

Each thread has its own connection. The main thread holds the activity table
locked until both registrations wait for it, then releases them together, so
they really compete for the activity's row. Transactional tests flush the
database afterwards, so the reference data is loaded here when an earlier
transactional test has flushed it away."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from ocop.accounts.enums import Role
from ocop.events.domain.registrations import register_online
from ocop.events.enums import RegistrationState
from ocop.events.models import Activity, Registration
from ocop.geo.models import AdminUnit
from tests.concurrency import POSTGRESQL_ONLY, run_together
from tests.factories.accounts import user_with_role
from tests.factories.events import ActivityFactory, RegistrationFactory
from tests.factories.geo import communes
from tests.factories.registry import SubjectFactory

pytestmark = POSTGRESQL_ONLY


@pytest.fixture
def producers():
    if not AdminUnit.objects.filter(code="38").exists():
        call_command("load_admin_units", province=["38"], verbosity=0)
    commune_a, commune_b = communes("38", 2)
    return [
        user_with_role(Role.PRODUCER, subject=SubjectFactory(commune=commune), username=f"sx.{n}")
        for n, commune in enumerate((commune_a, commune_b))
    ]


def _register(activity, producer):
    return lambda: register_online(activity=activity, by=producer)


def test_two_people_taking_the_last_place_at_once(producers):
    activity = ActivityFactory(capacity=3)
    RegistrationFactory.create_batch(2, activity=activity)
    errors = run_together([_register(activity, p) for p in producers], gate=Activity._meta.db_table)
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert errors[0].code == "full"
    registered = activity.registrations.filter(state=RegistrationState.REGISTERED)
    assert registered.count() == 3
    assert registered.filter(user__in=producers).count() == 1


def test_the_same_person_registering_twice_at_once_is_registered_once(producers):
    activity = ActivityFactory()
    producer = producers[0]
    errors = run_together(
        [_register(activity, producer), _register(activity, producer)],
        gate=Activity._meta.db_table,
    )
    assert [e.code for e in errors] == ["duplicate"]
    assert list(Registration.objects.values_list("user", flat=True)) == [producer.pk]
