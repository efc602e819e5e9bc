"""Background tasks of stamps (run by ``manage.py db_worker`` in production)."""

from django.tasks import task

from ocop.core.jobs import HEAVY

from .domain.labels import build_label_sheet
from .domain.making import make_batch_stamps

__all__ = ["make_batch_stamps", "render_label_sheet"]


@task(priority=HEAVY)
def render_label_sheet(sheet_id: int) -> int:
    """Render a large batch's label sheets into a stored PDF; returns the number of labels."""
    return build_label_sheet(sheet_id=sheet_id)
