"""Periodic jobs of the statistics layer (``manage.py run_periodic``): the full
rebuild of the certificate facts (catching writes that send no signal) and
the incremental count of the scan log, and the kept dashboards counted again
when stale (``domain/cache.py``)."""

from datetime import timedelta

from ocop.core.periodic import periodic_job

from .domain import cache
from .domain.refresh import count_scans, rebuild_certificate_facts


@periodic_job(minimum_interval=timedelta(minutes=15))
def rebuild_statistics():
    return {"certificates": rebuild_certificate_facts()}


@periodic_job(minimum_interval=timedelta(minutes=5))
def count_stamp_scans():
    return {"scans": count_scans()}


@periodic_job(minimum_interval=timedelta(minutes=cache.REFRESH_MINUTES))
def refresh_dashboards():
    return cache.refresh_stale()
