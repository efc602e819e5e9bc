"""Periodic jobs, run by ``manage.py run_periodic`` from cron or a systemd timer.

Apps register jobs with ``@periodic_job(minimum_interval=timedelta(...))`` in
their own ``periodic.py`` module (imported by ``run_periodic``). Each job must
be idempotent: running it twice does no harm (reminders are recorded as sent).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import PeriodicRun


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: Callable[[], object]
    minimum_interval: timedelta


REGISTRY: dict[str, PeriodicJob] = {}


def periodic_job(*, minimum_interval: timedelta = timedelta(minutes=5)):
    def decorator(func):
        name = f"{func.__module__}.{func.__qualname__}"
        REGISTRY[name] = PeriodicJob(name=name, func=func, minimum_interval=minimum_interval)
        return func

    return decorator


def run_due_jobs(*, force: bool = False, now=None) -> dict[str, object]:
    """Run each registered job whose minimum interval has passed; return results."""
    now = now or timezone.now()
    results: dict[str, object] = {}
    for job in sorted(REGISTRY.values(), key=lambda j: j.name):
        with transaction.atomic():
            run, created = PeriodicRun.objects.select_for_update().get_or_create(
                name=job.name, defaults={"last_run": now}
            )
            if not created and not force and now - run.last_run < job.minimum_interval:
                continue
            run.last_run = now
            run.save(update_fields=["last_run"])
        results[job.name] = job.func()
    return results
