"""Periodic jobs of trade promotion: the check of online listings' links."""

from datetime import timedelta

from django.db import transaction

from ocop.core.periodic import periodic_job

from .tasks import check_listing_links


@periodic_job(minimum_interval=timedelta(hours=1))
def check_listing_links_due():
    """Hand the link check to a background task once this run has committed:
    the HTTP requests must not hold the periodic run's transaction open."""
    transaction.on_commit(check_listing_links.enqueue)
    return "enqueued"
