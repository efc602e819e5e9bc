"""Periodic jobs, run by ``manage.py run_periodic`` from cron or a systemd timer.

Apps register jobs with ``@periodic_job(minimum_interval=timedelta(...))`` in
their own ``periodic.py`` module (imported by ``run_periodic``). Each job must
be idempotent: running it twice does no harm (reminders are recorded as sent).

Each job runs on its own: in its own transaction, so a job that raises leaves
nothing half-written, is logged and recorded on its ``PeriodicRun`` (time and
message), and the jobs after it still run. A failed job is tried again after
``RETRY_AFTER`` instead of its whole interval (a failed daily expiry run does
not wait a day).
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .idempotency import prune as prune_submissions
from .models import PeriodicRun

logger = logging.getLogger(__name__)

# How soon a job that failed is tried again (at most its own interval).
RETRY_AFTER = timedelta(minutes=5)
ERROR_MAX_LENGTH = 2000


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: Callable[[], object]
    minimum_interval: timedelta

    @property
    def short_name(self) -> str:
        return self.name.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class JobFailed:
    """The result of a job that raised: the error's type and message."""

    error: str

    def __str__(self):
        return f"FAILED: {self.error}"


REGISTRY: dict[str, PeriodicJob] = {}


def periodic_job(*, minimum_interval: timedelta = timedelta(minutes=5)):
    def decorator(func):
        name = f"{func.__module__}.{func.__qualname__}"
        REGISTRY[name] = PeriodicJob(name=name, func=func, minimum_interval=minimum_interval)
        return func

    return decorator


def find_job(name: str) -> PeriodicJob:
    """A job by its full name (``ocop.accounts.periodic.prune_login_failures``)
    or, when unambiguous, its function name (``prune_login_failures``)."""
    if name in REGISTRY:
        return REGISTRY[name]
    matches = [job for job in REGISTRY.values() if job.short_name == name]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(sorted(REGISTRY))
    if matches:
        raise LookupError(f"“{name}” names several jobs; give the full name: {known}")
    raise LookupError(f"No periodic job “{name}”. Jobs: {known}")


def _claim(job: PeriodicJob, now, force: bool) -> bool:
    """Whether the job is due; if so, mark it started (committed before the job
    runs, so that two runners do not both run it)."""
    with transaction.atomic():
        run, created = PeriodicRun.objects.select_for_update().get_or_create(
            name=job.name, defaults={"last_run": now}
        )
        if not created and not force:
            wait = min(RETRY_AFTER, job.minimum_interval) if run.failing else job.minimum_interval
            if now - run.last_run < wait:
                return False
        run.last_run = now
        run.save(update_fields=["last_run"])
    return True


def run_job(job: PeriodicJob, *, now) -> object:
    """Run one claimed job in its own transaction and record how it ended.
    Returns its result, or ``JobFailed`` if it raised (the error is logged)."""
    try:
        with transaction.atomic():
            result = job.func()
    except Exception as error:
        logger.exception("Periodic job %s failed", job.name)
        message = f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]
        PeriodicRun.objects.filter(name=job.name).update(last_error_at=now, last_error=message)
        return JobFailed(message)
    PeriodicRun.objects.filter(name=job.name).update(last_success=now)
    return result


def run_due_jobs(
    *, force: bool = False, now=None, only: Iterable[str] | None = None
) -> dict[str, object]:
    """Run each registered job (or only the named ones) whose interval has
    passed; return each run job's result (``JobFailed`` for a job that raised)."""
    now = now or timezone.now()
    if only is None:
        jobs = sorted(REGISTRY.values(), key=lambda j: j.name)
    else:
        jobs = sorted({find_job(name) for name in only}, key=lambda j: j.name)
    results: dict[str, object] = {}
    for job in jobs:
        if _claim(job, now, force):
            results[job.name] = run_job(job, now=now)
    return results


@periodic_job(minimum_interval=timedelta(hours=6))
def prune_submitted_forms():
    """Forget the submissions of create forms older than a day (``@once``
    only needs the last few minutes)."""
    return prune_submissions()
