"""Periodic jobs of stamps: fold the read model's version rows (one per
change) into one, without changing the version; write the scan buffer
(Redis's when configured: the web processes' threads write it too, this
catches what a stopped process left and a dead flusher's batch). Idempotent."""

from datetime import timedelta

from ocop.core.periodic import periodic_job

from .domain.readmodel import compact
from .domain.redisbuffer import current


@periodic_job(minimum_interval=timedelta(minutes=10))
def compact_read_versions():
    return {"folded": compact()}


@periodic_job(minimum_interval=timedelta(minutes=1))
def flush_scan_buffer():
    return {"written": current().flush()}
