"""The catalogue's counts are kept in one row (portal/domain/summary.py): a
visitor's request reads it instead of counting the catalogue, and every change
that can alter them leaves them stale, so the next request shows them rebuilt
(with the tests' immediate task backend the rebuild runs in that request;
in production the task worker runs it)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import ocop.portal.periodic  # noqa: F401 -- registers the job
from ocop.core.periodic import run_due_jobs
from ocop.portal.domain import summary
from ocop.portal.models import CatalogueSummary
from ocop.products.enums import OcopStatus

from .conftest import certify

pytestmark = pytest.mark.django_db


def test_counts_are_read_from_the_summary_and_follow_every_change(
    client, honey, fish_sauce, tea, subject_x
):
    from tests.factories.registry import ProductFactory

    assert client.get("/").status_code == 200
    row = CatalogueSummary.objects.get()
    assert row.day == timezone.localdate()
    assert summary.counts(today=timezone.localdate()).by_star == {3: 1, 4: 1, 5: 1}

    # A visitor's request (page cache empty) does not count the products.
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as context:
        assert client.get("/").status_code == 200
    sqls = [q["sql"] for q in context.captured_queries]
    assert not [s for s in sqls if "COUNT(" in s.upper() and "products_product" in s], sqls

    # A new certified product: stale at once, rebuilt by the next request.
    product = ProductFactory(subject=subject_x, name="Mắm tôm chua Làng X")
    certify(product, star=4)
    assert not summary.is_current(today=timezone.localdate())
    counts = summary.counts(today=timezone.localdate())
    assert counts.by_star == {3: 1, 4: 2, 5: 1}
    assert counts.products == 4
    assert summary.is_current(today=timezone.localdate())
    # A product leaving the catalogue (its certificate revoked) leaves the counts.
    honey.status = OcopStatus.REVOKED
    honey.save()
    assert summary.counts(today=timezone.localdate()).by_star == {3: 1, 4: 1, 5: 1}


def test_counts_of_another_day_are_rebuilt_and_the_periodic_job_keeps_them(honey, fish_sauce, tea):
    today = timezone.localdate()
    assert summary.counts(today=today).products == 3
    # Tomorrow (nothing changed): the counts are rebuilt for that day.
    fish_sauce.certified_until = today
    fish_sauce.save()
    summary.counts(today=today)  # built for today, fish sauce still in force today
    CatalogueSummary.objects.update(built_at=timezone.now() - timedelta(hours=1))
    assert not summary.is_current(today=today)
    results = run_due_jobs(only=["refresh_catalogue_summary_due"], force=True)
    assert summary.is_current(today=today)
    assert "rebuilt" in str(results)
    tomorrow = today + timedelta(days=1)
    assert summary.counts(today=tomorrow).products == 2  # the fish sauce's day has passed
    assert CatalogueSummary.objects.get().day == tomorrow


def test_a_change_counted_before_its_commit_leaves_the_counts_stale(honey):
    """The change counter moves at once and again after the commit: counts
    built from data read before the commit are not taken as current."""
    today = timezone.localdate()
    summary.refresh(today=today)
    assert summary.is_current(today=today)
    summary.note_change()
    assert not summary.is_current(today=today)
    summary.refresh(today=today)
    assert summary.is_current(today=today)
