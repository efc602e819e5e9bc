"""Periodic jobs of stamps: fold the read model's version rows (one per
change) into one, without changing the version. Idempotent."""

from datetime import timedelta

from ocop.core.periodic import periodic_job

from .domain.readmodel import compact


@periodic_job(minimum_interval=timedelta(minutes=10))
def compact_read_versions():
    return {"folded": compact()}
