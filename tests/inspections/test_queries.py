"""The inspection lists and pages read a fixed number of queries whatever the
number of visits, answers and corrective actions (no N+1)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.inspections.domain import plans, visits
from tests.factories.accounts import user_with_role
from tests.factories.geo import communes, province
from tests.factories.registry import ProductFactory, SubjectFactory
from tests.factories.stamps import certify

pytestmark = pytest.mark.django_db


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _visit(plan, product, inspector, officer):
    today = timezone.localdate()
    visit = plans.assign_visit(
        plan=plan, product=product, inspector=inspector, on=today, by=officer
    )
    visits.save_answers(
        visit=visit,
        answers={i.code: ("finding", "") for i in visit.checklist.items.all()},
        by=inspector,
    )
    visits.add_corrective_action(
        visit=visit, text="Khắc phục", deadline=today + timedelta(days=5), by=inspector
    )
    visits.acknowledge(visit=visit, name="Đại diện", confirmed=True, by=inspector)
    return visits.set_visit_state(visit=visit, action="close", by=inspector, outcome="warning")


def test_pages_read_a_fixed_number_of_queries(client, province_officer):
    inspector = user_with_role(Role.INSPECTOR, unit=province("38"), username="hk.q")
    subject = SubjectFactory(commune=communes("38", 1)[0])
    today = timezone.localdate()
    products = [ProductFactory(subject=subject) for _ in range(8)]
    for product in products:
        certify(product, valid_until=today + timedelta(days=900))
    plan = plans.create_plan(province=province("38"), year=today.year, by=inspector, seed=1)
    plans.set_plan_state(plan=plan, action="submit", by=inspector)
    plans.set_plan_state(plan=plan, action="approve", by=province_officer)
    first = [_visit(plan, p, inspector, province_officer) for p in products[:2]]
    client.force_login(inspector)
    urls = [
        "/inspections/plans/",
        f"/inspections/plans/{plan.pk}/",
        "/inspections/visits/",
        "/inspections/visits/?mine=1",
        f"/inspections/visits/{first[0].pk}/",
        "/inspections/figures/",
    ]
    small = [_count(client, url) for url in urls]
    for product in products[2:]:
        _visit(plan, product, inspector, province_officer)
    assert [_count(client, url) for url in urls] == small
