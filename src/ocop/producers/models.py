from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.text import fold_vi

from .enums import LegalForm


class Subject(models.Model):
    """A subject (chủ thể OCOP): the enterprise, cooperative, cooperative group
    or household business that owns and registers products."""

    name = models.CharField(_("name"), max_length=255)
    legal_form = models.CharField(_("legal form"), max_length=10, choices=LegalForm.choices)
    registration_number = models.CharField(
        _("business registration / tax number"), max_length=20, null=True, blank=True, unique=True
    )
    representative = models.CharField(_("legal representative"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    commune = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("commune / ward"),
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
    address = models.CharField(_("address (street, village)"), max_length=255, blank=True)
    legacy_address = models.CharField(_("address before 1 July 2025"), max_length=255, blank=True)
    search_text = models.CharField(max_length=600, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["search_text", "id"]
        indexes = [models.Index(fields=["province", "commune"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.province_id = self.commune.province_id
        self.search_text = fold_vi(f"{self.name} {self.registration_number or ''}")
        super().save(*args, **kwargs)
