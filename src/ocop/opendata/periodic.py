"""The daily open data snapshots (see ``domain.snapshots``)."""

from datetime import timedelta

from django.utils import timezone

from ocop.core.periodic import periodic_job

from .domain.snapshots import build_all


@periodic_job(minimum_interval=timedelta(hours=1))
def open_data_snapshots():
    """Today's files of every data set, once a day (a no-op once built)."""
    build_all(day=timezone.localdate())
