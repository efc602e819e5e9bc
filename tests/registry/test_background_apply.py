"""Applying an import list in the background (registry/domain/apply.py):
chunked commits with progress, resuming after a crash without applying
anything twice, the progress page and its JSON, and the "no worker" notice
with the real database task backend."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import include, path, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ocop import urls as project_urls
from ocop.certification.models import Certificate
from ocop.core.models import ActivityLog
from ocop.producers.models import Subject
from ocop.products.models import Product
from ocop.registry.domain.apply import apply_batch, run_apply
from ocop.registry.domain.service import check_batch, create_batch, run_import
from ocop.registry.models import ImportBatch
from tests.factories.geo import province
from tests.registry.files import thanh_hoa_list

pytestmark = pytest.mark.django_db

urlpatterns = [
    path("products/import/", include("ocop.registry.urls")),
    *[p for p in project_urls.urlpatterns if getattr(p, "namespace", None) != "products_import"],
]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NO_WORKER = "Chưa có tiến trình nền nào nhận việc này"


@pytest.fixture
def thanh_hoa():
    return province("38")


def checked_batch(tmp_path, officer, thanh_hoa) -> ImportBatch:
    upload = SimpleUploadedFile("ds.xlsx", thanh_hoa_list(tmp_path).read_bytes())
    batch = create_batch(by=officer, upload=upload, province=thanh_hoa)
    check_batch(by=officer, batch=batch)
    return batch


def counts():
    return (Subject.objects.count(), Product.objects.count(), Certificate.objects.count())


def queued(batch, officer, capture) -> ImportBatch:
    """Confirm the import, but keep the task from running (as with no worker)."""
    with capture(execute=False):
        return apply_batch(by=officer, batch=batch, apply_valid=True)


def test_confirming_only_queues_the_work(
    tmp_path, province_officer, thanh_hoa, django_capture_on_commit_callbacks
):
    batch = queued(
        checked_batch(tmp_path, province_officer, thanh_hoa),
        province_officer,
        django_capture_on_commit_callbacks,
    )
    assert batch.status == ImportBatch.Status.QUEUED
    assert batch.queued_at is not None
    assert batch.started_at is None
    assert batch.applied_by == province_officer
    assert counts() == (0, 0, 0)


def test_a_run_that_dies_is_resumed_and_applies_nothing_twice(
    tmp_path, province_officer, thanh_hoa, django_capture_on_commit_callbacks
):
    expected = run_import(thanh_hoa_list(tmp_path), province=thanh_hoa, dry_run=True).summary
    batch = queued(
        checked_batch(tmp_path, province_officer, thanh_hoa),
        province_officer,
        django_capture_on_commit_callbacks,
    )
    # The first run commits one chunk of two rows and dies (max_chunks).
    batch = run_apply(batch_id=batch.pk, max_chunks=1, chunk_size=2)
    assert batch.status == ImportBatch.Status.APPLYING
    assert batch.resume_row > 0
    assert 0 < batch.rows_done < expected["rows"]
    first = counts()
    assert 0 < first[1] < 4  # some products, not all
    assert sum(batch.committed.values()) > 0  # the counts written with the chunk

    # The next run goes on after the last committed row.
    batch = run_apply(batch_id=batch.pk, chunk_size=2)
    assert batch.status == ImportBatch.Status.APPLIED
    assert counts() == (3, 4, 4)
    assert Subject.objects.filter(name="HTX Dịch vụ nông nghiệp Hoằng Trung").count() == 1
    for key in ("subjects_created", "products_created", "certificates_created", "rows"):
        assert batch.summary[key] == expected[key], key
    assert batch.summary["rows_rejected"] == 1
    assert batch.rows_done == expected["rows"]
    assert ActivityLog.objects.filter(action="ocop.import.applied").count() == 1

    # Running it again (a task queued twice) changes nothing.
    again = run_apply(batch_id=batch.pk, chunk_size=2)
    assert again.status == ImportBatch.Status.APPLIED
    assert counts() == (3, 4, 4)
    assert ActivityLog.objects.filter(action="ocop.import.applied").count() == 1


def test_chunks_stop_at_each_commit_and_every_resume_goes_on(
    tmp_path, province_officer, thanh_hoa, django_capture_on_commit_callbacks
):
    batch = queued(
        checked_batch(tmp_path, province_officer, thanh_hoa),
        province_officer,
        django_capture_on_commit_callbacks,
    )
    seen = []
    for _ in range(20):  # one chunk of one row per run: a crash after every chunk
        batch = run_apply(batch_id=batch.pk, max_chunks=1, chunk_size=1)
        seen.append(batch.resume_row)
        if batch.status == ImportBatch.Status.APPLIED:
            break
    assert batch.status == ImportBatch.Status.APPLIED
    assert seen == sorted(seen)  # the cursor only moves on
    assert counts() == (3, 4, 4)
    assert batch.summary["products_created"] == 4
    assert batch.summary["subjects_created"] == 3


def test_a_list_with_bad_rows_is_not_queued_without_apply_valid(
    tmp_path, province_officer, thanh_hoa
):
    batch = checked_batch(tmp_path, province_officer, thanh_hoa)
    with pytest.raises(Exception, match=r"1 rows are bad|1 dòng"):
        apply_batch(by=province_officer, batch=batch, apply_valid=False)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED
    assert counts() == (0, 0, 0)


@pytest.mark.urls(__name__)
def test_the_progress_page_and_its_json(
    client, tmp_path, province_officer, thanh_hoa, django_capture_on_commit_callbacks
):
    client.force_login(province_officer)
    batch = checked_batch(tmp_path, province_officer, thanh_hoa)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("products_import:apply", args=[batch.pk]), {"apply_valid": "on"}
        )
    progress_url = reverse("products_import:progress", args=[batch.pk])
    assert response.url == progress_url
    # The preview of a list being imported leads to its progress.
    assert client.get(reverse("products_import:preview", args=[batch.pk])).url == progress_url
    page = client.get(progress_url)
    html = page.content.decode()
    status_url = reverse("products_import:status", args=[batch.pk])
    assert f'data-job-status-url="{status_url}"' in html
    assert "<progress" in html
    assert "ocop/js/progress.js" in html
    assert 'id="job-refresh"' in html  # works without JavaScript too
    assert "<script>" not in html  # no inline script (strict CSP)
    assert NO_WORKER not in html  # it was queued just now

    data = client.get(status_url).json()
    assert data["finished"] is False
    assert data["done"] == 0
    assert data["total"] == 6
    assert data["waiting"] is False

    run_apply(batch_id=batch.pk, max_chunks=1, chunk_size=2)
    data = client.get(status_url).json()
    assert 0 < data["done"] < data["total"]
    assert 0 < data["percent"] < 100

    run_apply(batch_id=batch.pk)
    data = client.get(status_url).json()
    result_url = reverse("products_import:result", args=[batch.pk])
    assert data["finished"] is True
    assert data["url"] == result_url
    assert client.get(progress_url).url == result_url


@pytest.mark.urls(__name__)
@override_settings(TASKS=DB_TASKS, OCOP_TASK_WORKER_WAIT_SECONDS=30)
def test_the_page_says_plainly_when_no_worker_takes_the_task(
    client, tmp_path, province_officer, thanh_hoa, django_capture_on_commit_callbacks
):
    client.force_login(province_officer)
    batch = checked_batch(tmp_path, province_officer, thanh_hoa)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("products_import:apply", args=[batch.pk]), {"apply_valid": "on"})
    batch.refresh_from_db()
    task = DBTaskResult.objects.get(task_path="ocop.registry.domain.apply.apply_import")
    assert str(task.id) == batch.task_id
    assert task.status == "READY"  # in the queue; no worker runs in the test
    progress_url = reverse("products_import:progress", args=[batch.pk])
    status_url = reverse("products_import:status", args=[batch.pk])
    assert NO_WORKER not in client.get(progress_url).content.decode()

    ImportBatch.objects.filter(pk=batch.pk).update(queued_at=timezone.now() - timedelta(seconds=31))
    html = client.get(progress_url).content.decode()
    assert NO_WORKER in html
    data = client.get(status_url).json()
    assert data["waiting"] is True
    assert data["waiting_text"].startswith(NO_WORKER)
    assert counts() == (0, 0, 0)


@pytest.mark.urls(__name__)
def test_a_stalled_run_can_be_continued_from_the_page(
    client, tmp_path, province_officer, thanh_hoa, django_capture_on_commit_callbacks
):
    client.force_login(province_officer)
    batch = queued(
        checked_batch(tmp_path, province_officer, thanh_hoa),
        province_officer,
        django_capture_on_commit_callbacks,
    )
    run_apply(batch_id=batch.pk, max_chunks=1, chunk_size=2)  # then the worker was killed
    progress_url = reverse("products_import:progress", args=[batch.pk])
    assert 'id="import-resume"' not in client.get(progress_url).content.decode()
    long_ago = timezone.now() - timedelta(hours=1)
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=long_ago, progress_at=long_ago)
    assert 'id="import-resume"' in client.get(progress_url).content.decode()
    assert client.get(reverse("products_import:status", args=[batch.pk])).json()["stalled"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("products_import:apply", args=[batch.pk]), {"apply_valid": "on"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert counts() == (3, 4, 4)


def test_the_confirm_button_pressed_twice_queues_the_work_once(
    client, tmp_path, province_officer, thanh_hoa, django_capture_on_commit_callbacks
):
    """A double click on "import": one task queued, both answers the progress page."""
    batch = checked_batch(tmp_path, province_officer, thanh_hoa)
    client.force_login(province_officer)
    url = reverse("products_import:apply", args=[batch.pk])
    with django_capture_on_commit_callbacks(execute=False) as queued_tasks:
        first = client.post(url, {"apply_valid": "on"})
        second = client.post(url, {"apply_valid": "on"})
    progress = reverse("products_import:progress", args=[batch.pk])
    assert (first.status_code, first["Location"]) == (302, progress)
    assert (second.status_code, second["Location"]) == (302, progress)
    assert len(queued_tasks) == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.QUEUED
    assert counts() == (0, 0, 0)
