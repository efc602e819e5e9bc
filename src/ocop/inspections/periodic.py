"""Periodic jobs of the inspections app: clone detection over the stamps' scan log."""

from datetime import timedelta

from ocop.core.periodic import periodic_job

from .domain.clones import flag_many_clients


@periodic_job(minimum_interval=timedelta(minutes=15))
def flag_stamps_scanned_by_many_clients():
    # Flag reasons and notifications are written in the site's language
    # (the domain function overrides it).
    return flag_many_clients()
