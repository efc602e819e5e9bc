"""The registry import's own record: an uploaded Excel list, checked
(preview) before it is applied. The table keeps its name from when it lived in
``products`` (``products_importbatch``); migration registry 0001 moved the
model here without touching the table."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.models import BackgroundWork


def import_file_path(instance, filename):
    return f"imports/{uuid.uuid4().hex}.xlsx"


class ImportBatch(BackgroundWork):
    """An uploaded Excel list of products, checked (preview) before it is
    applied. Applying runs in a background task that commits chunk by chunk:
    ``resume_row`` is the last Excel row of the last committed chunk (saved
    in the chunk's own transaction), so a run that died goes on after it and
    applies nothing twice."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        CHECKED = "checked", _("checked")
        QUEUED = "queued", _("waiting to be imported")
        APPLYING = "applying", _("being imported")
        APPLIED = "applied", _("applied")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    province = models.ForeignKey(
        "geo.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    original_name = models.CharField(max_length=255)
    file = models.FileField(upload_to=import_file_path)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    mapping = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rows_done = models.PositiveIntegerField(default=0)
    resume_row = models.PositiveIntegerField(default=0)
    committed = models.JSONField(default=dict, blank=True)  # counts written up to resume_row
    run_token = models.CharField(max_length=32, blank=True)  # the run that may write

    class Meta:
        db_table = "products_importbatch"
        verbose_name = _("product import")
        verbose_name_plural = _("product imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name
