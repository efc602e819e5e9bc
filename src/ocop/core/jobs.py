"""Long work that leaves the request: a record (``models.BackgroundWork``)
is queued for a background task (``manage.py db_worker``; ``make run``
starts one beside the web server), the task records its progress chunk by
chunk, and the page shows a progress bar that ``static/ocop/js/progress.js``
refreshes from a small JSON status view (without JavaScript the page has a
refresh link).

When no worker has started the task ``OCOP_TASK_WORKER_WAIT_SECONDS`` after
it was queued, the page says so plainly; a started task that has reported no
progress for ``OCOP_TASK_STALLED_SECONDS`` is taken to have died (a killed
worker) and may be resumed: the work is idempotent and goes on where its
last committed chunk ended."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

# The order in which a worker takes waiting tasks (django-tasks priority,
# -100 to 100, higher first). A worker runs one task at a time, so priority
# cannot cut a running task short, but nobody's import waits behind a queue
# of label sheets: what a person watches on the screen goes first.
WAITED_FOR = 20  # an import being applied, a password-reset or invitation e-mail
SOON = 10  # stamps being made, notification e-mails
HEAVY = 0  # label sheets (minutes of rendering for a large batch)
HOUSEKEEPING = -10  # link checks, the catalogue's counts


def worker_wait() -> int:
    return settings.OCOP_TASK_WORKER_WAIT_SECONDS


def waiting_for_worker(work, *, now=None) -> bool:
    """Queued, not started by any worker, for longer than the configured wait."""
    if work.queued_at is None or work.started_at is not None:
        return False
    now = now or timezone.now()
    return now - work.queued_at >= timedelta(seconds=worker_wait())


def stalled(work, *, now=None) -> bool:
    """Started, but no progress for longer than the configured time."""
    if work.started_at is None:
        return False
    last = work.progress_at or work.started_at
    now = now or timezone.now()
    return now - last >= timedelta(seconds=settings.OCOP_TASK_STALLED_SECONDS)


def no_worker_text() -> str:
    return _(
        "No background process has taken this work up yet (after %(seconds)s seconds). "
        "Ask the administrator to start the task worker (manage.py db_worker; make run "
        "starts it); the work starts as soon as a worker runs."
    ) % {"seconds": worker_wait()}


def enqueue_on_commit(task, *, model, pk: int, args=()) -> None:
    """Queue ``task(pk, *args)`` once the current transaction commits, and
    remember its id on the record."""

    def send():
        result = task.enqueue(pk, *args)
        model.objects.filter(pk=pk).update(task_id=str(result.id)[:64])

    transaction.on_commit(send)


def mark_queued(model, pk: int) -> None:
    model.objects.filter(pk=pk).update(
        queued_at=timezone.now(), started_at=None, progress_at=None, task_id=""
    )


@dataclass
class Progress:
    """What the progress bar shows."""

    done: int
    total: int
    text: str
    finished: bool = False
    waiting: bool = False
    stalled: bool = False
    url: str = ""

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.finished else 0
        return min(100, int(100 * self.done / self.total))

    @property
    def waiting_text(self) -> str:
        return no_worker_text() if self.waiting else ""

    def as_dict(self) -> dict:
        return {
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
            "text": self.text,
            "finished": self.finished,
            "waiting": self.waiting,
            "waiting_text": self.waiting_text,
            "stalled": self.stalled,
            "url": self.url,
        }

    def response(self) -> JsonResponse:
        response = JsonResponse(self.as_dict())
        response["Cache-Control"] = "private, no-store"
        return response
