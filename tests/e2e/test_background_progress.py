"""A large stamp batch in a real browser: approving it queues the creation of
its stamps; the page's progress bar (static/ocop/js/progress.js, no inline
script) says plainly that no worker has taken the task, follows the chunks
as a worker makes them, and loads the finished page by itself."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from ocop.products.models import Product
from ocop.stamps.domain.batches import request_stamps
from ocop.stamps.domain.making import make_stamps
from ocop.stamps.models import Stamp
from tests.e2e.helpers import log_in

pytestmark = pytest.mark.e2e

PRODUCT = "Nước mắm cá cơm Đồng Tâm"
NO_WORKER = "Chưa có tiến trình nền nào nhận việc này"


def test_the_progress_bar_follows_the_background_work(
    live_server, page, console_errors, demo_data, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # no worker
    settings.OCOP_STAMPS_BACKGROUND_MIN = 30
    settings.OCOP_STAMPS_CHUNK = 20
    settings.OCOP_TASK_WORKER_WAIT_SECONDS = 1
    product = Product.objects.get(name=PRODUCT)
    producer = get_user_model().objects.get(username="sx.dongtam")
    batch = request_stamps(product=product, quantity=50, by=producer)

    log_in(page, live_server.url, "tinh.canbo")
    page.goto(f"{live_server.url}/stamps/{batch.pk}/")
    page.locator("#action-approve").click()
    page.locator("#confirm-action").click()  # the summary, then confirm
    bar = page.locator("#job-progress progress")
    expect(bar).to_be_visible()
    expect(bar).to_have_js_property("value", 0)
    # Nobody runs the queue: after the configured wait the page says so.
    expect(page.locator("#job-no-worker")).to_be_visible(timeout=10_000)
    expect(page.locator("#job-no-worker")).to_contain_text(NO_WORKER)

    # A worker makes one chunk: the bar follows without a reload.
    make_stamps(batch_id=batch.pk, max_chunks=1)
    expect(bar).to_have_js_property("value", 20, timeout=10_000)
    expect(page.locator("#job-no-worker")).to_be_hidden()
    expect(page.locator("[data-job-text]")).to_contain_text("20")

    # The rest: the page loads the finished batch by itself.
    make_stamps(batch_id=batch.pk)
    expect(page.locator("#job-progress")).to_have_count(0, timeout=10_000)
    expect(page.locator("#download-labels")).to_be_visible()
    assert Stamp.objects.filter(batch=batch).count() == 50
    assert console_errors == []
