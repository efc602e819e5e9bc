"""A worker takes what a person waits for first: an import being applied
goes before label sheets and housekeeping queued earlier (django-tasks
priority, ``core/jobs.py``)."""

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from ocop.core.tasks import send_notification_emails
from ocop.portal.domain.summary import refresh_catalogue_summary
from ocop.registry.domain.apply import apply_import
from ocop.stamps.domain.making import make_batch_stamps
from ocop.stamps.tasks import render_label_sheet

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(TASKS=DB_TASKS)
def test_an_import_queued_behind_label_sheets_is_taken_first():
    # In the order a busy afternoon queues them: housekeeping and two large
    # label sheets first, then a producer's stamps, an e-mail, an import.
    refresh_catalogue_summary.enqueue()
    render_label_sheet.enqueue(1)
    render_label_sheet.enqueue(2)
    make_batch_stamps.enqueue(3)
    send_notification_emails.enqueue([4])
    apply_import.enqueue(5)

    taken = [
        (result.task_path.rsplit(".", 1)[1], result.args_kwargs["args"])
        for result in DBTaskResult.objects.ready()
    ]

    assert taken == [
        ("apply_import", [5]),
        ("make_batch_stamps", [3]),
        ("send_notification_emails", [[4]]),
        ("render_label_sheet", [1]),
        ("render_label_sheet", [2]),
        ("refresh_catalogue_summary", []),
    ]
    # What the worker itself claims first.
    assert DBTaskResult.objects.ready().get_locked().task_path.endswith("apply_import")
