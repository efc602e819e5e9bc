"""Applying a checked list in the background, chunk by chunk.

The preview (``check_batch``) reads the whole list first and nothing is
written; the confirm button (``apply_batch``) only queues the work, and only
for a list whose check found no bad row (or with "apply the valid rows").
The task (``registry.tasks.apply_import``) then calls ``run_apply``, which
reads the list again and commits every ``OCOP_IMPORT_CHUNK_ROWS`` rows in
their own transaction, together with the batch's progress: the rows read,
the last Excel row written (``resume_row``) and the counts written so far.

So the import is no longer "all or nothing" once it runs: a run that dies
(a killed worker) leaves the chunks it committed, and the next run (the
"continue" button, or the same task queued again) replays the rows up to
``resume_row`` without writing them and goes on after it: nothing is applied
twice. Only one run writes at a time: each run takes a fresh ``run_token``
and every chunk checks it in its transaction, so an older run that is still
alive stops at its next chunk. A bad row found only now (the data changed
since the check) stops the writing: the rows before it stay imported, the
batch goes back to "checked" with its problems, and applying again goes on.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ocop.certification.domain.certificates import supersede_older
from ocop.core import jobs
from ocop.core.domain.activity import log_action
from ocop.registry.models import ImportBatch
from ocop.registry.rules import check_import_permission

from .service import Importer, annex_of

EFFECTS = (
    "subjects_created",
    "subjects_updated",
    "products_created",
    "products_updated",
    "certificates_created",
)
RUNNING = (ImportBatch.Status.QUEUED, ImportBatch.Status.APPLYING)


class Superseded(Exception):
    """Another run of the same batch has taken over: this one stops."""


def chunk_rows() -> int:
    return settings.OCOP_IMPORT_CHUNK_ROWS


def apply_batch(*, by, batch: ImportBatch, apply_valid: bool | None = None) -> ImportBatch:
    """Queue a checked list for importing (the confirm button); the batch is
    returned as it is then (already applied when the task ran at once).
    Refused with a message when the check found bad rows and the valid rows
    are not to be applied alone. Confirming again while it runs changes
    nothing, unless the run has stalled: then it is queued again and goes on
    where it stopped."""
    check_import_permission(by, batch.province)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == ImportBatch.Status.APPLIED:
            raise ValidationError(_("This list has already been imported."), code="applied")
        if batch.status in RUNNING and not jobs.stalled(batch):
            return batch
        if batch.status not in (*RUNNING, ImportBatch.Status.CHECKED):
            raise ValidationError(_("Check the list before importing it."), code="unchecked")
        if apply_valid is None:
            apply_valid = bool(batch.summary.get("apply_valid"))
        if batch.summary.get("errors") and not apply_valid:
            raise ValidationError(
                _(
                    "Nothing was imported: %(count)s rows are bad. Correct the list and upload "
                    "it again, or tick “apply the valid rows”."
                )
                % {"count": batch.summary.get("rows_rejected", 0)},
                code="bad_rows",
            )
        batch.summary = {**batch.summary, "apply_valid": bool(apply_valid)}
        batch.status = ImportBatch.Status.QUEUED
        batch.applied_by = by
        batch.save(update_fields=["summary", "status", "applied_by"])
        jobs.mark_queued(ImportBatch, batch.pk)
        jobs.enqueue_on_commit(apply_import, model=ImportBatch, pk=batch.pk)
    batch.refresh_from_db()
    return batch


def run_apply(*, batch_id: int, max_chunks: int | None = None, chunk_size: int | None = None):
    """Import a queued list, committing chunk by chunk (the task). With
    ``max_chunks`` it stops after writing that many chunks, as a run that
    died would; the next call goes on from there. Returns the batch."""
    token = uuid.uuid4().hex
    now = timezone.now()
    claimed = ImportBatch.objects.filter(pk=batch_id, status__in=RUNNING).update(
        status=ImportBatch.Status.APPLYING, run_token=token, started_at=now, progress_at=now
    )
    batch = ImportBatch.objects.select_related("province", "applied_by").get(pk=batch_id)
    if not claimed:
        return batch  # applied already, or not queued
    base = {key: int(batch.committed.get(key, 0)) for key in EFFECTS}
    apply_valid = bool(batch.summary.get("apply_valid"))
    rows = ImportBatch.objects.filter(pk=batch_id, run_token=token)
    importer = None

    def commit(write, *, last_row: int) -> None:
        with transaction.atomic():
            # Taking the row first serialises the runs: a superseded one stops here.
            if not rows.update(progress_at=timezone.now()):
                raise Superseded
            written = write()
            importer.log_written(batch=batch)
            supersede_older(product_ids=importer.writer.certified_product_ids)
            importer.writer.certified_product_ids.clear()
            fields = {"rows_done": importer.report.counts.rows}
            if written:
                effects = importer.effects()
                fields["resume_row"] = last_row
                fields["committed"] = {key: base[key] + effects[key] for key in EFFECTS}
            rows.update(**fields)

    importer = Importer(
        province=batch.province,
        mapping=batch.mapping,
        dry_run=False,
        apply_valid=apply_valid,
        chunk_size=chunk_size or chunk_rows(),
        resume_after=batch.resume_row,
        commit=commit,
        max_chunks=max_chunks,
        annex=annex_of(batch),
        by=batch.applied_by,
    )
    try:
        with batch.file.open("rb") as handle:
            importer.run(handle)
    except Superseded:
        return ImportBatch.objects.get(pk=batch_id)
    if not importer.finished:
        return ImportBatch.objects.get(pk=batch_id)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.run_token != token:
            return batch
        _finish(batch=batch, importer=importer, base=base, apply_valid=apply_valid)
    return batch


def _finish(*, batch: ImportBatch, importer: Importer, base: dict, apply_valid: bool) -> None:
    summary = importer.summary(applied=True)
    kinds = ("subjects", "products")
    touched = {
        kind: sum(summary[f"{kind}_{what}"] for what in ("created", "updated", "unchanged"))
        for kind in kinds
    }
    effects = importer.effects()
    for key in EFFECTS:
        summary[key] = base[key] + effects[key]
    for kind in kinds:  # what an earlier run made is "unchanged" to this one
        summary[f"{kind}_unchanged"] = max(
            0, touched[kind] - summary[f"{kind}_created"] - summary[f"{kind}_updated"]
        )
    applied = not importer.has_errors or apply_valid
    summary["applied"] = applied
    batch.summary = {
        **batch.summary,
        **summary,
        "columns": [c.as_dict() for c in importer.layout.columns],
    }
    batch.problems = [p.as_dict() for p in importer.report.problems]
    batch.run_token = ""
    if not applied:
        # A bad row the check did not see (the data changed meanwhile): the
        # rows before it stay imported; checking and applying again goes on.
        batch.status = ImportBatch.Status.CHECKED
        batch.summary["stopped_at_row"] = batch.resume_row
        batch.save()
        return
    batch.status = ImportBatch.Status.APPLIED
    batch.applied_at = timezone.now()
    batch.save()
    log_action(
        action="ocop.import.applied",
        by=batch.applied_by,
        obj=batch,
        unit=batch.province,
        data={k: v for k, v in summary.items() if k != "header_row"},
    )


def import_progress(batch: ImportBatch) -> jobs.Progress:
    """The progress bar of an import being applied."""
    total = int(batch.summary.get("rows") or 0)
    done = min(batch.rows_done, total) if total else batch.rows_done
    finished = batch.status not in RUNNING
    if batch.status == ImportBatch.Status.APPLIED:
        text = _("The list was imported.")
        url = reverse("products_import:result", args=[batch.pk])
    elif finished:
        text = _("The import stopped; see the problems.")
        url = reverse("products_import:preview", args=[batch.pk])
    elif batch.started_at is None:
        text = _("Waiting for the background process to start the import…")
        url = ""
    else:
        text = ngettext(
            "Importing: %(done)s of %(total)s row read.",
            "Importing: %(done)s of %(total)s rows read.",
            total,
        ) % {"done": done, "total": total}
        url = ""
    return jobs.Progress(
        done=done,
        total=total,
        text=text,
        finished=finished,
        waiting=batch.status in RUNNING and jobs.waiting_for_worker(batch),
        stalled=batch.status in RUNNING and jobs.stalled(batch),
        url=url,
    )


@task(priority=jobs.WAITED_FOR)
def apply_import(batch_id: int) -> int:
    """The task (re-exported by ``registry/tasks.py``; defined here, where
    it is queued, so that no import goes in a circle): apply a queued list
    chunk by chunk; returns the rows read."""
    return run_apply(batch_id=batch_id).rows_done
