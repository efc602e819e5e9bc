import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import BizStep, ErrorReason


class ProductionBatch(models.Model):
    """A production lot of a product (lô sản xuất), recorded by the producer.
    Its fields cover the minimum traceability data of Circular 02/2024/TT-BKHCN
    together with the product, subject and events.

    ``public_id`` identifies the lot outside the site (EPCIS export of a
    product without a GTIN) without revealing database ids."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    product = models.ForeignKey(
        "products.Product", on_delete=models.PROTECT, related_name="production_batches"
    )
    lot_code = models.CharField(_("lot code"), max_length=50)
    production_date = models.DateField(_("production date"))
    expiry_date = models.DateField(_("use by / shelf life until"), null=True, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=30, default="sản phẩm")
    standards = models.CharField(_("standards applied"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("production batch")
        verbose_name_plural = _("production batches")
        ordering = ["-production_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "lot_code"], name="traceability_lot_unique_per_product"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="traceability_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.product} — {self.lot_code}"

    @property
    def events_in_force(self) -> list:
        """The events not declared wrong, in time order (from prefetched
        ``events`` when they are, so a page showing them costs no query)."""
        return sorted(
            (e for e in self.events.all() if e.error_declared_at is None),
            key=lambda e: (e.event_time, e.pk),
        )


class TraceEvent(models.Model):
    """An EPCIS 2.0-style event of a batch: what (the batch and quantity),
    when (event time), where (place, optional GLN), why (business step).

    Events are append-only: what was recorded is never changed. A mistake is
    handled as in EPCIS 2.0 (errorDeclaration): the wrong event is marked with
    the time and reason of the declaration, and a correction is a new event
    that points to the one it corrects (``corrects``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    batch = models.ForeignKey(ProductionBatch, on_delete=models.CASCADE, related_name="events")
    biz_step = models.CharField(_("step"), max_length=20, choices=BizStep.choices)
    event_time = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=300)
    gln = models.CharField(_("location code (GLN)"), max_length=13, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    error_declared_at = models.DateTimeField(_("declared wrong at"), null=True, blank=True)
    error_reason = models.CharField(
        _("why it was declared wrong"), max_length=20, choices=ErrorReason.choices, blank=True
    )
    error_note = models.CharField(_("explanation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("traceability event")
        verbose_name_plural = _("traceability events")
        ordering = ["batch", "event_time", "id"]

    def __str__(self):
        return f"{self.batch} {self.biz_step} {self.event_time:%Y-%m-%d}"
