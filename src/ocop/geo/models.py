from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import Era, Level


class AdminUnit(models.Model):
    """An administrative unit: a province, a (historical) district or a commune/ward.

    Units in force since 1 July 2025 have ``era=CURRENT`` and no end date.
    Units from before the reform have ``era=LEGACY``, ``valid_to=2025-06-30``
    and point at the 2025 units that succeeded them, so that a record made
    under an old district is shown and counted under its 2025 province.
    """

    era = models.CharField(_("period"), max_length=10, choices=Era.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=50)
    full_name = models.CharField(_("full name"), max_length=150)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.ForeignKey(
        "self",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The province of this unit (itself for a province)."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    successor_province = models.ForeignKey(
        "self",
        verbose_name=_("2025 province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    successor_commune = models.ForeignKey(
        "self",
        verbose_name=_("2025 commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    search_text = models.CharField(max_length=400, editable=False, db_index=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["era", "code"]
        constraints = [
            models.UniqueConstraint(fields=["era", "level", "code"], name="geo_unit_unique_code")
        ]
        indexes = [models.Index(fields=["era", "level", "province"])]

    def __str__(self):
        if self.level == Level.PROVINCE or self.parent_id is None:
            return self.full_name
        return f"{self.full_name}, {self.parent.full_name}"

    @property
    def is_current(self) -> bool:
        return self.era == Era.CURRENT

    @property
    def current_province(self):
        """The 2025 province this unit is counted under."""
        if self.is_current:
            return self.province
        return self.successor_province

    @property
    def current_commune(self):
        if self.is_current:
            return self if self.level == Level.COMMUNE else None
        return self.successor_commune


class AdminUnitSuccession(models.Model):
    """Old → new: which 2025 unit(s) took over (part of) a legacy unit."""

    legacy = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="successions")
    current = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="predecessions")
    is_primary = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("succession of administrative units")
        verbose_name_plural = _("successions of administrative units")
        constraints = [
            models.UniqueConstraint(fields=["legacy", "current"], name="geo_succession_unique")
        ]

    def __str__(self):
        return f"{self.legacy} → {self.current}"
