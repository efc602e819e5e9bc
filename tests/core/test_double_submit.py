"""Create and request forms are protected against double submits: the same
post twice (a double click, a resent form, two tabs) gives one record, and the
second gets the first one's result."""

import re
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client

from ocop.core.models import SubmittedForm
from ocop.producers.models import Subject
from ocop.stamps.models import StampBatch
from tests.stamps.conftest import *  # noqa: F403 -- the stamps fixtures (certified_x)


@pytest.mark.django_db
def test_the_same_stamp_request_twice_makes_one_batch(client, certified_x, producer_x):
    client.force_login(producer_x)
    url = f"/stamps/request/{certified_x.pk}/"
    first = client.post(url, {"quantity": "300", "note": "chai 500ml"})
    second = client.post(url, {"quantity": "300", "note": "chai 500ml"})
    batch = StampBatch.objects.get()
    assert first["Location"] == second["Location"] == f"/stamps/{batch.pk}/"
    assert "Biểu mẫu này đã được gửi" in " ".join(str(m) for m in get_messages(second.wsgi_request))
    # Another request (a different quantity) is another batch.
    client.post(url, {"quantity": "200", "note": "chai 500ml"})
    assert StampBatch.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_post_leaves_nothing_behind_so_the_corrected_one_goes_through(
    client, certified_x, producer_x
):
    client.force_login(producer_x)
    url = f"/stamps/request/{certified_x.pk}/"
    assert client.post(url, {"quantity": "0"}).status_code == 200
    assert SubmittedForm.objects.count() == 0
    assert client.post(url, {"quantity": "0"}).status_code == 200  # still the form, not a redirect
    assert client.post(url, {"quantity": "10"}).status_code == 302
    assert StampBatch.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads need PostgreSQL (the SQLite test database is in memory)",
)
def test_a_double_click_at_the_same_moment_creates_one_subject(
    reference_data, province_officer, commune_x
):
    """Both posts at once: one runs, the other waits for it and follows it."""
    data = {"name": "HTX Song Song", "legal_form": "htx", "commune": str(commune_x.pk)}
    statuses = []

    def post():
        client = Client()
        client.force_login(province_officer)
        statuses.append(client.post("/subjects/new/", data).status_code)
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Subject.objects.filter(name="HTX Song Song").count() == 1, statuses
    assert statuses == [302, 302]


@pytest.mark.django_db
def test_a_refusal_shown_as_a_message_is_not_repeated_as_a_result(client, province_officer):
    """A view that refuses with an error message and a redirect (the council
    list refuses a council for a unit out of scope that way) leaves nothing
    behind: the same post later is judged again."""
    from django.urls import reverse

    from ocop.evaluation.models import Council
    from tests.factories.geo import province

    client.force_login(province_officer)
    data = {
        "name": "Hội đồng Hà Nội",
        "level": "province",
        "unit": province("01").pk,  # another province: refused
        "decision_number": "97/QĐ-UBND",
        "decision_date": "2025-08-01",
        "quorum_percent": 75,
        "max_spread": "10",
        "max_criterion_spread": "2",
    }
    url = reverse("evaluation:council_create")
    for _ in range(2):
        response = client.post(url, data)
        assert response.status_code in (200, 302)
        assert SubmittedForm.objects.count() == 0
    assert not Council.objects.filter(decision_number="97/QĐ-UBND").exists()


@pytest.mark.django_db
def test_run_periodic_forgets_submissions_older_than_a_day():
    from datetime import timedelta

    from django.utils import timezone

    from ocop.core.periodic import REGISTRY, run_due_jobs

    assert "ocop.core.periodic.prune_submitted_forms" in REGISTRY
    SubmittedForm.objects.create(key="old", created_at=timezone.now() - timedelta(days=2))
    SubmittedForm.objects.create(key="new")
    run_due_jobs(force=True, only=["prune_submitted_forms"])
    assert list(SubmittedForm.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db
def test_a_leftover_row_from_an_older_submission_does_not_block_a_new_one(
    client, certified_x, producer_x
):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(producer_x)
    url = f"/stamps/request/{certified_x.pk}/"
    first = client.post(url, {"quantity": "30"})
    key = SubmittedForm.objects.get().key
    SubmittedForm.objects.filter(key=key).update(created_at=timezone.now() - timedelta(hours=1))
    second = client.post(url, {"quantity": "30"})
    assert first.status_code == second.status_code == 302
    assert StampBatch.objects.count() == 2  # an hour later it is a new request


# Every create or request form runs once per identical submission ----------------

CREATES = re.compile(r"(^|_)(create|new|add|request|register|import|upload|report|round)$")
# Creates that are not protected by @once, each with the reason it needs none.
NOT_FORMS = {
    "api:office_participant_add": "the API, called by programs with a personal token",
    "api:office_product_create": "the API, called by programs with a personal token",
    "api:office_stamp_request": "the API, called by programs with a personal token",
    "api:office_subject_create": "the API, called by programs with a personal token",
    "exchange:import": "a signed package is imported once by its id (idempotent by design)",
    "stats:report": "a read-only report page",
    "events:report": "writes the report of an activity already held (an edit, not a create)",
}


def _views():
    from django.urls import URLResolver, get_resolver

    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern, inner)
            elif pattern.name:
                yield namespace + pattern.name, pattern.callback

    return dict(walk(get_resolver()))


def _runs_once(view) -> bool:
    """Whether ``@once``'s wrapper is in the view's chain of decorators."""
    while view is not None:
        if view.__code__.co_qualname.startswith("once."):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def test_every_create_and_request_form_runs_once():
    views = _views()
    creates = {
        name
        for name in views
        if CREATES.search(name.rsplit(":", 1)[-1]) and not name.startswith("admin:")
    }
    assert {"stamps:request", "producers:create", "events:register", "products:create"} <= creates
    unprotected = sorted(n for n in creates - NOT_FORMS.keys() if not _runs_once(views[n]))
    assert unprotected == [], f"create or request views without @once: {unprotected}"
    assert set(NOT_FORMS) <= set(views), "an exemption names a URL that no longer exists"
    for name in ("products_import:apply", "complaints:report", "inquiry:product"):
        assert _runs_once(views[name]), name
