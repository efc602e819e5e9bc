from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from ocop.accounts.models import LoginFailure
from ocop.core.periodic import REGISTRY, run_due_jobs

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
