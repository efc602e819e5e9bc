from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.text import fold_vi

from .enums import OcopStatus


class Product(models.Model):
    """A product or service registered by a subject."""

    subject = models.ForeignKey(
        "producers.Subject",
        verbose_name=_("subject"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    name = models.CharField(_("product name"), max_length=255)
    product_set = models.CharField(_("product set"), max_length=10, blank=True)
    description = models.TextField(_("description"), blank=True)
    commune = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("made in (commune / ward)"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"era": "2025", "level": "commune"},
    )
    province = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    status = models.CharField(
        _("OCOP status"), max_length=20, choices=OcopStatus.choices, default=OcopStatus.NONE
    )
    star = models.PositiveSmallIntegerField(_("stars"), null=True, blank=True)
    search_text = models.CharField(max_length=600, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["search_text", "id"]
        indexes = [
            models.Index(fields=["province", "commune"]),
            models.Index(fields=["status", "star"]),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.province_id = self.commune.province_id
        self.search_text = fold_vi(self.name)
        super().save(*args, **kwargs)
