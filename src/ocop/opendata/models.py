from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """One file of a data set as built on a day (``domain.snapshots``)."""

    day = models.DateField(_("day"))
    dataset = models.CharField(_("data set"), max_length=40)
    fmt = models.CharField(_("format"), max_length=5)
    file = models.FileField(upload_to="opendata/", max_length=200)
    rows = models.PositiveIntegerField(_("rows"))
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("open data snapshot")
        verbose_name_plural = _("open data snapshots")
        ordering = ["-day", "dataset", "fmt"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "dataset", "fmt"], name="opendata_snapshot_unique"
            )
        ]

    def __str__(self):
        return f"{self.dataset}.{self.fmt} {self.day}"
