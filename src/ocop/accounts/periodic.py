"""Periodic house-keeping of the accounts app."""

from datetime import timedelta

from ocop.accounts.domain.login import prune_failures
from ocop.core.periodic import periodic_job


@periodic_job(minimum_interval=timedelta(hours=6))
def prune_login_failures():
    return prune_failures()
