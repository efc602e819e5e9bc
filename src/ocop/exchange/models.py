from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    EXPORT = "export", _("exported")
    IMPORT = "import", _("imported")


class Package(models.Model):
    """A package this instance made (export) or received (import), with its
    manifest, the counts of what the import changed and its conflict report."""

    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    province_code = models.CharField(_("province code"), max_length=10)
    generated_at = models.DateTimeField(_("generated at"))
    changed_since = models.DateTimeField(_("changed since"), null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    counts = models.JSONField(_("counts"), default=dict)
    outcome = models.JSONField(_("outcome"), default=dict)
    conflicts = models.JSONField(_("conflicts"), default=list)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exchange package")
        verbose_name_plural = _("exchange packages")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["direction", "province_code", "-at"])]

    def __str__(self):
        return f"{self.province_code} {self.generated_at:%Y-%m-%d %H:%M} ({self.direction})"


class Replica(models.Model):
    """At the centre: which row holds a province's record (``ref`` is the
    province's own reference, e.g. ``P123``), the time the province last
    changed it and the fingerprint of what was last applied, so that a
    replayed or older package changes nothing."""

    province_code = models.CharField(max_length=10)
    kind = models.CharField(max_length=20)
    ref = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    source_updated = models.CharField(max_length=40)
    fingerprint = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "kind", "ref"], name="exchange_replica_unique_ref"
            ),
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="exchange_replica_unique_object"
            ),
        ]

    def __str__(self):
        return f"{self.province_code}:{self.kind}:{self.ref} → {self.object_id}"
