"""A large batch's stamps are created in the background (stamps/domain/making.py):
chunk by chunk with progress, resumed after a crash, never twice; the batch
page shows the progress and says so plainly when no worker takes the task."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ocop.stamps.domain.batches import request_stamps, set_batch_state, void_stamps
from ocop.stamps.domain.labels import request_label_sheet
from ocop.stamps.domain.making import make_chunk, make_stamps
from ocop.stamps.domain.serials import format_serial
from ocop.stamps.enums import LabelState
from ocop.stamps.models import LabelSheet, Stamp, StampBatch

pytestmark = pytest.mark.django_db
NO_WORKER = "Chưa có tiến trình nền nào nhận việc này"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.OCOP_STAMPS_BACKGROUND_MIN = 50
    settings.OCOP_STAMPS_CHUNK = 20
    settings.OCOP_STAMPS_LABELS_DIRECT_MAX = 30


def approve(product, producer, officer, quantity, capture, *, run: bool):
    batch = request_stamps(product=product, quantity=quantity, by=producer)
    with capture(execute=run):
        return set_batch_state(batch=batch, action="approve", by=officer)


def test_approving_a_large_batch_leaves_the_stamps_to_the_task(
    certified_x, producer_x, province_officer, django_capture_on_commit_callbacks
):
    batch = approve(
        certified_x, producer_x, province_officer, 70, django_capture_on_commit_callbacks, run=False
    )
    batch.refresh_from_db()
    assert (batch.first_number, batch.last_number) == (1, 70)  # the serials are allocated
    assert batch.stamps_left == 70
    assert batch.queued_at is not None
    assert Stamp.objects.filter(batch=batch).count() == 0
    # Nothing can be voided or printed while they are made.
    with pytest.raises(Exception, match=r"đang được tạo|being created"):
        void_stamps(batch=batch, serials=None, reason="x", by=producer_x)
    with pytest.raises(Exception, match=r"đang được tạo|being created"):
        request_label_sheet(batch=batch, by=producer_x)


def test_a_crash_after_a_chunk_is_resumed_and_no_stamp_is_made_twice(
    certified_x, producer_x, province_officer, django_capture_on_commit_callbacks
):
    batch = approve(
        certified_x, producer_x, province_officer, 70, django_capture_on_commit_callbacks, run=False
    )
    assert make_stamps(batch_id=batch.pk, max_chunks=2) == 30  # died after two chunks
    assert Stamp.objects.filter(batch=batch).count() == 40
    batch.refresh_from_db()
    assert batch.stamps_left == 30  # saved with the chunk
    with django_capture_on_commit_callbacks(execute=True):
        assert make_stamps(batch_id=batch.pk) == 0
    serials = sorted(Stamp.objects.filter(batch=batch).values_list("serial", flat=True))
    assert serials == sorted(format_serial(batch.series, n) for n in range(1, 71))
    # The label sheets of the large batch were queued (and rendered) at the end.
    assert LabelSheet.objects.get(batch=batch).state == LabelState.READY
    # Running again (a task queued twice) and a stray chunk make nothing.
    assert make_stamps(batch_id=batch.pk) == 0
    assert make_chunk(batch_id=batch.pk, size=20) == (0, 0)
    assert Stamp.objects.filter(batch=batch).count() == 70
    # The next batch of the series starts after this one.
    other = approve(
        certified_x, producer_x, province_officer, 5, django_capture_on_commit_callbacks, run=True
    )
    assert other.first_number == 71
    assert Stamp.objects.filter(batch=other).count() == 5


def test_a_small_batch_is_made_at_once(
    certified_x, producer_x, province_officer, django_capture_on_commit_callbacks
):
    batch = approve(
        certified_x, producer_x, province_officer, 50, django_capture_on_commit_callbacks, run=False
    )
    batch.refresh_from_db()
    assert batch.stamps_left == 0
    assert batch.queued_at is None
    assert Stamp.objects.filter(batch=batch).count() == 50


def test_the_batch_page_shows_the_progress_and_its_json(
    client, certified_x, producer_x, province_officer, django_capture_on_commit_callbacks
):
    batch = approve(
        certified_x, producer_x, province_officer, 70, django_capture_on_commit_callbacks, run=False
    )
    client.force_login(province_officer)
    page = client.get(reverse("stamps:batch", args=[batch.pk])).content.decode()
    status_url = reverse("stamps:making_status", args=[batch.pk])
    assert f'data-job-status-url="{status_url}"' in page
    assert "ocop/js/progress.js" in page
    assert 'id="job-refresh"' in page
    assert 'id="download-labels"' not in page
    assert 'id="prepare-labels"' not in page
    make_stamps(batch_id=batch.pk, max_chunks=1)
    data = client.get(status_url).json()
    assert (data["done"], data["total"], data["finished"]) == (20, 70, False)
    make_stamps(batch_id=batch.pk)
    data = client.get(status_url).json()
    assert (data["done"], data["finished"]) == (70, True)
    page = client.get(reverse("stamps:batch", args=[batch.pk])).content.decode()
    assert "data-job-status-url" not in page


@override_settings(TASKS=DB_TASKS)
def test_the_page_says_plainly_when_no_worker_takes_the_task(
    client, certified_x, producer_x, province_officer, django_capture_on_commit_callbacks
):
    batch = approve(
        certified_x, producer_x, province_officer, 70, django_capture_on_commit_callbacks, run=True
    )
    batch.refresh_from_db()
    task = DBTaskResult.objects.get(task_path="ocop.stamps.domain.making.make_batch_stamps")
    assert (str(task.id), task.status) == (batch.task_id, "READY")
    client.force_login(province_officer)
    url = reverse("stamps:batch", args=[batch.pk])
    assert NO_WORKER not in client.get(url).content.decode()
    StampBatch.objects.filter(pk=batch.pk).update(queued_at=timezone.now() - timedelta(minutes=1))
    assert NO_WORKER in client.get(url).content.decode()
    data = client.get(reverse("stamps:making_status", args=[batch.pk])).json()
    assert data["waiting"] is True


def test_a_stalled_creation_is_continued_from_the_page(
    client, certified_x, producer_x, province_officer, django_capture_on_commit_callbacks
):
    batch = approve(
        certified_x, producer_x, province_officer, 70, django_capture_on_commit_callbacks, run=False
    )
    make_stamps(batch_id=batch.pk, max_chunks=1)
    long_ago = timezone.now() - timedelta(hours=1)
    StampBatch.objects.filter(pk=batch.pk).update(started_at=long_ago, progress_at=long_ago)
    client.force_login(province_officer)
    assert (
        'id="making-resume"'
        in client.get(reverse("stamps:batch", args=[batch.pk])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("stamps:making_resume", args=[batch.pk]))
    assert Stamp.objects.filter(batch=batch).count() == 70
