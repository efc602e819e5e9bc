"""Background tasks of trade promotion (run by ``manage.py db_worker``)."""

from django.tasks import task

from ocop.core.jobs import HOUSEKEEPING

from .domain.listings import check_due_listings


@task(priority=HOUSEKEEPING)
def check_listing_links() -> dict:
    """Open the listings due for a check (outside any transaction: the
    requests take seconds) and record what they answered."""
    return check_due_listings()
