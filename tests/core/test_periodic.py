from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ocop.accounts.models import LoginFailure
from ocop.core.models import PeriodicRun
from ocop.core.periodic import REGISTRY, RETRY_AFTER, JobFailed, periodic_job, run_due_jobs

pytestmark = pytest.mark.django_db


def test_run_periodic_runs_a_job_once_per_interval(capsys):
    old = LoginFailure.objects.create(username="a", at=timezone.now() - timedelta(days=2))
    LoginFailure.objects.create(username="b")
    call_command("run_periodic")
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["b"]
    assert "prune_login_failures: 1" in capsys.readouterr().out
    assert not LoginFailure.objects.filter(pk=old.pk).exists()
    # A second run inside the interval does nothing.
    results = run_due_jobs()
    assert "ocop.accounts.periodic.prune_login_failures" not in results
    assert "ocop.accounts.periodic.prune_login_failures" in REGISTRY


# One failing job does not stop the others; it is retried soon ------------------

T0 = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
FAILING = "tests.core.test_periodic.a_failing_job"
COUNTING = "tests.core.test_periodic.b_counting_job"


@pytest.fixture
def jobs():
    """Two jobs, the failing one first in the pass: it writes a row and then
    raises while ``state["fail"]`` is set; the other counts its runs."""
    state = {"fail": True, "runs": 0}

    def a_failing_job():
        LoginFailure.objects.create(username="half-written")
        if state["fail"]:
            raise RuntimeError("the registry is unreachable")
        return "recovered"

    def b_counting_job():
        state["runs"] += 1
        return state["runs"]

    for func in (a_failing_job, b_counting_job):
        func.__module__ = __name__
        func.__qualname__ = func.__name__
        periodic_job(minimum_interval=timedelta(days=1))(func)
    yield state
    for name in (FAILING, COUNTING):
        REGISTRY.pop(name, None)


def test_a_failing_job_does_not_stop_the_next_and_leaves_nothing_half_written(jobs):
    results = run_due_jobs(now=T0)
    assert isinstance(results[FAILING], JobFailed)
    assert "the registry is unreachable" in str(results[FAILING])
    assert results[COUNTING] == 1
    assert not LoginFailure.objects.filter(username="half-written").exists()
    failed = PeriodicRun.objects.get(name=FAILING)
    assert failed.failing
    assert failed.last_error_at == T0
    assert failed.last_error == "RuntimeError: the registry is unreachable"
    assert failed.last_success is None
    counted = PeriodicRun.objects.get(name=COUNTING)
    assert (counted.last_success, counted.last_error_at, counted.failing) == (T0, None, False)


def test_a_failed_job_is_retried_after_a_short_interval_not_its_whole_interval(jobs):
    run_due_jobs(now=T0)
    assert FAILING not in run_due_jobs(now=T0 + RETRY_AFTER - timedelta(seconds=1))
    # Still failing: recorded again, and retried again a few minutes later.
    results = run_due_jobs(now=T0 + RETRY_AFTER)
    assert isinstance(results[FAILING], JobFailed)
    assert PeriodicRun.objects.get(name=FAILING).last_error_at == T0 + RETRY_AFTER
    jobs["fail"] = False
    results = run_due_jobs(now=T0 + 2 * RETRY_AFTER)
    # (other real jobs with short intervals may be due again too)
    assert results[FAILING] == "recovered"
    run = PeriodicRun.objects.get(name=FAILING)
    assert run.last_success == T0 + 2 * RETRY_AFTER
    assert not run.failing
    assert run.last_error  # the last error stays visible
    # Once it has succeeded, its own interval applies again.
    assert FAILING not in run_due_jobs(now=T0 + 3 * RETRY_AFTER)
    assert FAILING in run_due_jobs(now=T0 + 2 * RETRY_AFTER + timedelta(days=1))
    # The job that never failed kept its daily interval throughout.
    assert jobs["runs"] == 2


def test_run_periodic_only_runs_the_named_job(jobs, capsys):
    call_command("run_periodic", "--only", "b_counting_job")
    out = capsys.readouterr().out
    assert f"{COUNTING}: 1" in out
    assert FAILING not in out
    assert "prune_login_failures" not in out
    assert list(PeriodicRun.objects.values_list("name", flat=True)) == [COUNTING]
    # Not due again; --force runs it anyway.
    call_command("run_periodic", "--only", COUNTING)
    assert "Nothing due." in capsys.readouterr().out
    call_command("run_periodic", "--only", COUNTING, "--force")
    assert jobs["runs"] == 2
    with pytest.raises(CommandError, match="No periodic job “nothing_like_it”"):
        call_command("run_periodic", "--only", "nothing_like_it")


def test_run_periodic_reports_a_failure_after_running_the_others(jobs, capsys):
    with pytest.raises(CommandError, match="1 periodic job"):
        call_command("run_periodic", "--only", "a_failing_job", "--only", "b_counting_job")
    captured = capsys.readouterr()
    assert f"{FAILING}: FAILED: RuntimeError: the registry is unreachable" in captured.err
    assert f"{COUNTING}: 1" in captured.out
