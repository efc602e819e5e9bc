"""Importing an Excel list of products: upload → preview → confirm → result.

The upload is checked at once (a dry run: nothing is written) and the preview
shows the header found, how columns are read, the counts and the first
problems; unrecognised columns can be mapped to a field and checked again.
Confirming queues the list for a background task that imports it chunk by
chunk; the progress page follows it (``domain/apply.py``).
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop.core import jobs
from ocop.core.idempotency import once
from ocop.registry.domain.apply import RUNNING, apply_batch, import_progress
from ocop.registry.domain.fields import FIELDS
from ocop.registry.domain.queries import import_batches_visible_to
from ocop.registry.domain.service import (
    annex_given,
    check_batch,
    start_import,
    stored_columns,
    stored_problems,
)
from ocop.registry.forms import AnnexForm, ApplyForm, MappingForm, UploadForm
from ocop.registry.models import ImportBatch
from ocop.registry.rules import can_import

PREVIEW_PROBLEMS = 50
RESULT_PROBLEMS = 500


def _require_importer(user) -> None:
    if not can_import(user):
        raise PermissionDenied(_("Only provincial and central officers may import product lists."))


def _iso_date(text):
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@once
def upload(request):
    _require_importer(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            checked = start_import(
                by=request.user,
                upload=form.cleaned_data["file"],
                province=form.cleaned_data["province"],
                apply_valid=form.cleaned_data["apply_valid"],
                annex=annex_given(
                    number=form.cleaned_data["decision_number"],
                    day=form.cleaned_data["decision_date"],
                ),
            )
        except PermissionDenied as exc:
            form.add_error("province", str(exc))
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("products_import:preview", pk=checked.batch.pk)
    return render(
        request,
        "registry/import/upload.html",
        {
            "form": form,
            "recent": import_batches_visible_to(request.user).filter(created_by=request.user)[:10],
            "nav_active": "products",
        },
    )


def preview(request, pk: int):
    batch = get_object_or_404(import_batches_visible_to(request.user), pk=pk)
    if batch.status == ImportBatch.Status.APPLIED:
        return redirect("products_import:result", pk=batch.pk)
    if batch.status in RUNNING:
        return redirect("products_import:progress", pk=batch.pk)
    columns = stored_columns(batch)
    form = MappingForm(request.POST or None, columns=columns, mapping=batch.mapping)
    summary = batch.summary or {}
    annex_form = AnnexForm(
        request.POST or None,
        initial={
            "decision_number": summary.get("annex_number", ""),
            "decision_date": summary.get("annex_date") or None,
        },
    )
    if request.method == "POST" and form.is_valid() and annex_form.is_valid():
        annex = annex_given(
            number=annex_form.cleaned_data["decision_number"],
            day=annex_form.cleaned_data["decision_date"],
        )
        try:
            check_batch(
                by=request.user,
                batch=batch,
                mapping={**batch.mapping, **form.mapping()},
                annex=annex,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.info(request, _("The list was checked again with your column choices."))
        return redirect("products_import:preview", pk=batch.pk)
    problems = stored_problems(batch)
    selects = {column.index: field for column, field in form.unrecognised}
    return render(
        request,
        "registry/import/preview.html",
        {
            "batch": batch,
            "summary": batch.summary,
            "columns": [
                (c, FIELDS.get(c.field, ""), selects.get(c.index))
                for c in columns
                if c.header or c.field
            ],
            "form": form,
            "annex_form": annex_form,
            "annex_read_date": _iso_date(summary.get("annex_read_date")),
            "apply_form": ApplyForm(initial={"apply_valid": batch.summary.get("apply_valid")}),
            "problems": problems[:PREVIEW_PROBLEMS],
            "more_problems": max(0, len(problems) - PREVIEW_PROBLEMS),
            "nav_active": "products",
        },
    )


@require_POST
@once
def apply(request, pk: int):
    batch = get_object_or_404(import_batches_visible_to(request.user), pk=pk)
    form = ApplyForm(request.POST)
    apply_valid = form.cleaned_data["apply_valid"] if form.is_valid() else False
    try:
        batch = apply_batch(by=request.user, batch=batch, apply_valid=apply_valid)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("products_import:preview", pk=batch.pk)
    if batch.status == ImportBatch.Status.APPLIED:
        messages.success(request, _("The list was imported."))
        return redirect("products_import:result", pk=batch.pk)
    if batch.status == ImportBatch.Status.CHECKED:
        messages.error(request, _("The import stopped at a bad row; see the problems."))
        return redirect("products_import:preview", pk=batch.pk)
    return redirect("products_import:progress", pk=batch.pk)


def progress(request, pk: int):
    """The progress of a list being imported (refreshed by progress.js)."""
    batch = get_object_or_404(import_batches_visible_to(request.user), pk=pk)
    if batch.status == ImportBatch.Status.APPLIED:
        return redirect("products_import:result", pk=batch.pk)
    if batch.status not in RUNNING:
        return redirect("products_import:preview", pk=batch.pk)
    return render(
        request,
        "registry/import/progress.html",
        {
            "batch": batch,
            "progress": import_progress(batch),
            "status_url": reverse("products_import:status", args=[batch.pk]),
            "worker_wait": jobs.worker_wait(),
            "nav_active": "products",
        },
    )


def status(request, pk: int):
    """The progress as JSON, for the progress bar."""
    batch = get_object_or_404(import_batches_visible_to(request.user), pk=pk)
    return import_progress(batch).response()


def result(request, pk: int):
    batch = get_object_or_404(import_batches_visible_to(request.user), pk=pk)
    if batch.status != ImportBatch.Status.APPLIED:
        return redirect("products_import:preview", pk=batch.pk)
    problems = stored_problems(batch)
    return render(
        request,
        "registry/import/result.html",
        {
            "batch": batch,
            "summary": batch.summary,
            "problems": problems[:RESULT_PROBLEMS],
            "more_problems": max(0, len(problems) - RESULT_PROBLEMS),
            "nav_active": "products",
        },
    )
