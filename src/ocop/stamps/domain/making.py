"""Creating a large batch's stamps in the background.

Approving a batch allocates its serials at once (the series' counter is
locked only for that short transaction). A batch of more than
``OCOP_STAMPS_BACKGROUND_MIN`` stamps then has its stamps created by a task
(``stamps.tasks.make_batch_stamps``), ``OCOP_STAMPS_CHUNK`` at a time: each
chunk locks the batch row, creates the next serials after those already made
and lowers ``stamps_left`` in the same transaction. A run that dies leaves
whole chunks; the next run goes on after them, and two runs at once take
turns on the row lock: no serial is ever created twice (serials are unique
as well). When the last chunk is made the label sheets are queued. Until
then the batch page shows the progress, and labels and voiding wait.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ocop.core import jobs

from .. import rules
from ..enums import RequestState
from ..models import LabelSheet, Stamp, StampBatch
from . import labels
from .links import new_stamp_token
from .serials import format_serial

BULK_SIZE = 2000


def background_min() -> int:
    return settings.OCOP_STAMPS_BACKGROUND_MIN


def chunk_size() -> int:
    return settings.OCOP_STAMPS_CHUNK


def in_background(batch: StampBatch) -> bool:
    return batch.quantity > background_min()


def queue_making(batch: StampBatch) -> list[str]:
    """Leave the stamps of a just-approved batch to the task (within the
    approval's transaction); returns the fields changed on ``batch``."""
    batch.stamps_left = batch.quantity
    return ["stamps_left", *queue_making_again(batch)]


def making(batch: StampBatch) -> bool:
    """Stamps of the approved batch are still being created."""
    return batch.state == RequestState.APPROVED and batch.stamps_left > 0


def check_made(batch: StampBatch) -> None:
    if making(batch):
        raise ValidationError(
            _(
                "The stamps of this batch are still being created (%(done)s of %(total)s); "
                "wait until they are all made."
            )
            % {
                "done": number_format(batch.quantity - batch.stamps_left, force_grouping=True),
                "total": number_format(batch.quantity, force_grouping=True),
            },
            code="making",
        )


def make_chunk(*, batch_id: int, size: int) -> tuple[int, int]:
    """Create the next ``size`` stamps of the batch in one transaction;
    returns (made now, still left)."""
    with transaction.atomic():
        batch = StampBatch.objects.select_for_update().get(pk=batch_id)
        left = batch.stamps_left
        if not left or batch.state != RequestState.APPROVED:
            return 0, 0
        count = min(size, left)
        start = batch.first_number + batch.quantity - left
        Stamp.objects.bulk_create(
            (
                Stamp(
                    batch=batch, serial=format_serial(batch.series, number), token=new_stamp_token()
                )
                for number in range(start, start + count)
            ),
            batch_size=BULK_SIZE,
        )
        StampBatch.objects.filter(pk=batch_id).update(
            stamps_left=left - count, progress_at=timezone.now()
        )
    return count, left - count


@task(priority=jobs.SOON)
def make_batch_stamps(batch_id: int) -> int:
    """The task (re-exported by ``stamps/tasks.py``; defined here, where it
    is queued, so that no import goes in a circle): create a large approved
    batch's stamps chunk by chunk; returns the stamps left."""
    return make_stamps(batch_id=batch_id)


def make_stamps(*, batch_id: int, max_chunks: int | None = None, size: int | None = None) -> int:
    """Create the batch's remaining stamps chunk by chunk (the task); with
    ``max_chunks`` it stops after that many, as a run that died would.
    Returns the number of stamps still left."""
    now = timezone.now()
    StampBatch.objects.filter(pk=batch_id).update(started_at=now, progress_at=now)
    size = size or chunk_size()
    chunks = made_here = 0
    while True:
        made, left = make_chunk(batch_id=batch_id, size=size)
        made_here += made
        if not left:
            break
        chunks += 1
        if max_chunks is not None and chunks >= max_chunks:
            return left
    if made_here:
        _all_made(batch_id)
    return 0


def _all_made(batch_id: int) -> None:
    """The last chunk is made: queue the label sheets of a large batch."""
    with transaction.atomic():
        batch = StampBatch.objects.select_for_update().select_related("product").get(pk=batch_id)
        if (
            batch.quantity > labels.direct_limit()
            and not LabelSheet.objects.filter(batch=batch).exists()
        ):
            labels.prepare_label_sheet(batch=batch, by=batch.decided_by)


def resume_making(*, batch: StampBatch, by) -> StampBatch:
    """Queue a stalled creation again (it goes on after the last chunk made)."""
    if not rules.can_decide(by, batch):
        raise PermissionDenied(_("You cannot do this on this stamp request."))
    with transaction.atomic():
        batch = StampBatch.objects.select_for_update().get(pk=batch.pk)
        if making(batch) and (jobs.stalled(batch) or batch.queued_at is None):
            fields = queue_making_again(batch)
            batch.save(update_fields=fields)
    return batch


def queue_making_again(batch: StampBatch) -> list[str]:
    batch.queued_at = timezone.now()
    batch.started_at = batch.progress_at = None
    jobs.enqueue_on_commit(make_batch_stamps, model=StampBatch, pk=batch.pk)
    return ["queued_at", "started_at", "progress_at"]


def making_progress(batch: StampBatch) -> jobs.Progress:
    done = batch.quantity - batch.stamps_left if batch.first_number else 0
    finished = not making(batch)
    if finished:
        text = _("All %(total)s stamps are created.") % {
            "total": number_format(batch.quantity, force_grouping=True)
        }
    elif batch.started_at is None:
        text = _("Waiting for the background process to create the stamps…")
    else:
        text = _("Creating the stamps: %(done)s of %(total)s.") % {
            "done": number_format(done, force_grouping=True),
            "total": number_format(batch.quantity, force_grouping=True),
        }
    return jobs.Progress(
        done=done,
        total=batch.quantity,
        text=text,
        finished=finished,
        waiting=not finished and jobs.waiting_for_worker(batch),
        stalled=not finished and jobs.stalled(batch),
        url=reverse("stamps:batch", args=[batch.pk]),
    )
