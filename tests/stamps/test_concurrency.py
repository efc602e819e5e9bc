"""Two batches approved at the same moment, on PostgreSQL (real row locks).

Each thread has its own connection and sees only what the others committed.
The main thread holds the series' counter table locked until both approvals
wait for it, then releases them together, so they really compete for the
same numbers instead of running one after the other. Transactional tests
flush the database afterwards, so the reference data is loaded here when an
earlier transactional test has flushed it away."""

import pytest
from django.core.management import call_command

from ocop.accounts.enums import Role
from ocop.certification.models import CertificationRule
from ocop.geo.models import AdminUnit
from ocop.stamps.domain.batches import request_stamps, set_batch_state
from ocop.stamps.domain.serials import format_serial
from ocop.stamps.enums import RequestState
from ocop.stamps.models import SerialCounter, Stamp, StampBatch
from tests.concurrency import POSTGRESQL_ONLY, run_together
from tests.factories.accounts import user_with_role
from tests.factories.geo import communes, province
from tests.factories.registry import ProductFactory, SubjectFactory
from tests.factories.stamps import certify

pytestmark = POSTGRESQL_ONLY


@pytest.fixture
def reference_data():
    if not AdminUnit.objects.filter(code="38").exists():
        call_command("load_admin_units", province=["38"], verbosity=0)
        call_command("load_calendar", verbosity=0)
    if not CertificationRule.objects.exists():
        call_command("load_certification_rules", verbosity=0)


@pytest.fixture
def two_requests(reference_data):
    officers = [
        user_with_role(Role.PROVINCE_OFFICER, unit=province("38"), username=f"tinh.{n}")
        for n in (1, 2)
    ]
    commune_a, commune_b = communes("38", 2)
    requests = []
    for n, (commune, size) in enumerate(((commune_a, 700), (commune_b, 1300))):
        product = ProductFactory(subject=SubjectFactory(commune=commune), name=f"Sản phẩm {n}")
        certify(product)
        producer = user_with_role(Role.PRODUCER, subject=product.subject, username=f"sx.{n}")
        requests.append(request_stamps(product=product, quantity=size, by=producer))
    return list(zip(requests, officers, strict=True))


def _approve(batch, officer):
    return lambda: set_batch_state(batch=batch, action="approve", by=officer)


def test_two_batches_approved_at_once_never_share_a_serial(two_requests):
    # The very first allocation of the series: both also race to create its counter.
    assert not SerialCounter.objects.filter(series="38").exists()
    errors = run_together([_approve(b, o) for b, o in two_requests], gate=StampBatch._meta.db_table)
    assert errors == []
    batches = list(StampBatch.objects.filter(pk__in=[b.pk for b, _ in two_requests]))
    assert {b.state for b in batches} == {RequestState.APPROVED}
    ranges = sorted((b.first_number, b.last_number) for b in batches)
    assert ranges in ([(1, 700), (701, 2000)], [(1, 1300), (1301, 2000)])
    serials = list(Stamp.objects.values_list("serial", flat=True))
    assert len(serials) == len(set(serials)) == 2000
    assert sorted(serials) == [format_serial("38", n) for n in range(1, 2001)]
    for batch in batches:
        assert batch.stamps.count() == batch.quantity
    assert SerialCounter.objects.get(series="38").next_number == 2001


def test_batches_approved_at_once_on_an_existing_series_continue_it(two_requests):
    SerialCounter.objects.create(series="38", next_number=5000)
    errors = run_together(
        [_approve(b, o) for b, o in two_requests], gate=SerialCounter._meta.db_table
    )
    assert errors == []
    ranges = sorted(
        StampBatch.objects.filter(pk__in=[b.pk for b, _ in two_requests]).values_list(
            "first_number", "last_number"
        )
    )
    assert ranges in ([(5000, 5699), (5700, 6999)], [(5000, 6299), (6300, 6999)])
    assert Stamp.objects.count() == len(set(Stamp.objects.values_list("serial", flat=True))) == 2000
    assert SerialCounter.objects.get(series="38").next_number == 7000
