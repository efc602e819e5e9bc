from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import ComplaintKind, ComplaintState


class Complaint(models.Model):
    """A consumer's report (no account needed), e.g. of a suspected fake OCOP
    stamp from the verification page; routed to the province of the product
    (or to the central office when the code is unknown)."""

    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=ComplaintKind.choices,
        default=ComplaintKind.SUSPECTED_FAKE,
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ComplaintState.choices, default=ComplaintState.NEW
    )
    code = models.CharField(_("code scanned"), max_length=200, blank=True)
    stamp = models.ForeignKey(
        "stamps.Stamp", null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints"
    )
    product = models.ForeignKey(
        "products.Product",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    province = models.ForeignKey(
        "geo.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("what did you see?"))
    place = models.CharField(_("where did you buy or see it?"), max_length=300, blank=True)
    contact = models.CharField(_("phone or e-mail (optional)"), max_length=200, blank=True)
    fingerprint = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["province", "state", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%d/%m/%Y}"


class FlagReview(models.Model):
    """An officer's review that clears a flagged stamp, with the flag as it
    was (the stamp's own flag fields are emptied). Scans before the review no
    longer count towards a new flag. Kept forever."""

    stamp = models.ForeignKey("stamps.Stamp", on_delete=models.CASCADE, related_name="flag_reviews")
    flagged_at = models.DateTimeField()
    flag_reason = models.CharField(_("why flagged"), max_length=300, blank=True)
    note = models.TextField(_("officer's note"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("review of a flagged stamp")
        verbose_name_plural = _("reviews of flagged stamps")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["stamp", "-at"]), models.Index(fields=["-flagged_at"])]

    def __str__(self):
        return f"{self.stamp_id} {self.at:%Y-%m-%d %H:%M}"


class ScanCheckpoint(models.Model):
    """How far the periodic clone check has read the scan log (a watermark),
    so that each run looks only at stamps scanned since the previous one."""

    name = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.name}: {self.at:%Y-%m-%d %H:%M}"
