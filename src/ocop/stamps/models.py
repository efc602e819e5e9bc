from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.core import jobs
from ocop.core.models import BackgroundWork

from .enums import LabelState, RequestState, StampState


class SerialCounter(models.Model):
    """The next serial number of a series (one series per province, "00" for
    central). Allocation locks this row, so two batches issued at the same
    moment never share a serial."""

    series = models.CharField(max_length=10, unique=True)
    next_number = models.PositiveBigIntegerField(default=1)

    def __str__(self):
        return f"{self.series}: {self.next_number}"


class StampBatch(BackgroundWork):
    """A subject's request for OCOP stamps for a certified product; once an
    officer approves it the stamps are allocated (serials first..last). A
    large batch's stamps are created by a background task, chunk by chunk:
    ``stamps_left`` counts those still to create (saved with each chunk)."""

    product = models.ForeignKey(
        "products.Product", on_delete=models.PROTECT, related_name="stamp_batches"
    )
    certificate = models.ForeignKey(
        "certification.Certificate",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stamp_batches",
    )
    production_batch = models.ForeignKey(
        "traceability.ProductionBatch",
        verbose_name=_("production batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stamp_batches",
    )
    gtin = models.CharField(
        _("GTIN the stamps were issued under"),
        max_length=14,
        blank=True,
        help_text=_(
            "The product's GTIN when the stamps were requested: printed codes keep "
            "verifying under it even if the product's GTIN is corrected later."
        ),
    )
    quantity = models.PositiveIntegerField(_("number of stamps"))
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=RequestState.choices, default=RequestState.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    series = models.CharField(max_length=10, blank=True)
    first_number = models.PositiveBigIntegerField(null=True, blank=True)
    last_number = models.PositiveBigIntegerField(null=True, blank=True)
    stamps_left = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("stamp batch")
        verbose_name_plural = _("stamp batches")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["state", "-requested_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="stamps_batch_quantity_positive"
            )
        ]

    def __str__(self):
        return f"{self.product} × {self.quantity}"


class LabelSheet(models.Model):
    """The label sheets (PDF) of a large batch, rendered by a background task
    with its progress; small batches are rendered on download instead.
    Voiding stamps discards the file (it would still print voided stamps)."""

    batch = models.OneToOneField(StampBatch, on_delete=models.CASCADE, related_name="label_sheet")
    state = models.CharField(max_length=10, choices=LabelState.choices, default=LabelState.PENDING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="stamps/labels/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    def __str__(self):
        return f"{self.batch_id}: {self.state} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def no_worker_notice(self) -> str:
        """The plain "no worker has taken this up" text while the sheets are
        still pending longer than ``OCOP_TASK_WORKER_WAIT_SECONDS`` after the
        request (without a worker they would wait forever); else empty."""
        if self.state != LabelState.PENDING or self.requested_at is None:
            return ""
        if timezone.now() - self.requested_at < timedelta(seconds=jobs.worker_wait()):
            return ""
        return jobs.no_worker_text()


class Stamp(models.Model):
    """One stamp: a human-readable serial (with a check character) printed
    on the label, and an unguessable token in the QR URL."""

    batch = models.ForeignKey(StampBatch, on_delete=models.PROTECT, related_name="stamps")
    serial = models.CharField(_("serial"), max_length=24, unique=True)
    token = models.CharField(max_length=32, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=StampState.choices, default=StampState.ACTIVE
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    first_scan_at = models.DateTimeField(_("first scanned"), null=True, blank=True)
    scan_count = models.PositiveIntegerField(_("scans"), default=0)
    flagged_at = models.DateTimeField(null=True, blank=True)
    flag_reason = models.CharField(_("why flagged"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("stamp")
        verbose_name_plural = _("stamps")
        indexes = [
            models.Index(
                fields=["-flagged_at"],
                name="stamps_flagged",
                condition=models.Q(flagged_at__isnull=False),
            )
        ]

    def __str__(self):
        return self.serial


class Scan(models.Model):
    """A scan of a stamp on the public verification page: the time, a hashed
    client fingerprint (never the raw address) and, only with the person's
    consent, an approximate location."""

    # No index of its own: the index on (stamp, -at) serves the stamp's
    # scans, and every scan written costs one index less.
    stamp = models.ForeignKey(Stamp, on_delete=models.CASCADE, related_name="scans", db_index=False)
    at = models.DateTimeField(db_index=True)
    fingerprint = models.CharField(max_length=32)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["stamp", "-at"])]

    def __str__(self):
        return f"{self.stamp_id} {self.at:%Y-%m-%d %H:%M}"


class ReadVersion(models.Model):
    """The version of everything the verification page reads besides the
    stamp's own row (products, subjects, images, certificates, decisions,
    revocations, stamp batches, production batches and their events): the
    sum of ``value`` over the rows. A change inserts a row of 1 in its own
    transaction (``domain/readmodel.py: bump``), so writers never wait on each
    other, and the sum grows when (and only when) such a transaction commits,
    whatever order they commit in. ``compact_read_versions`` folds the rows
    into the first one without changing the sum."""

    value = models.BigIntegerField(default=1)

    def __str__(self):
        return str(self.value)
