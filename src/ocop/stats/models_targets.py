"""Targets as data: a province's yearly targets (new products, by star, per
commune) and the national programme's targets with their legal basis."""

from django.conf import settings
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

STAR_CHOICES = [(3, "3★"), (4, "4★"), (5, "5★")]


class TargetMetric(models.TextChoices):
    """What a national target measures; the platform computes progress only
    for the metrics it can count (``MEASURED``)."""

    PRODUCTS_3_STAR_PLUS = "products_3plus", _("OCOP products rated 3★ or more (in force)")
    PRODUCTS_5_STAR = "products_5star", _("5★ OCOP products (in force)")
    SHARE_COOPERATIVES = "share_cooperatives", _("share of OCOP subjects that are cooperatives")
    SHARE_ENTERPRISES = "share_enterprises", _("share of OCOP subjects that are enterprises")
    OTHER = "other", _("not counted by the platform")


class TargetUnit(models.TextChoices):
    COUNT = "count", _("count")
    PERCENT = "percent", _("per cent")


class NationalTarget(models.Model):
    """One target of a national programme (Decision 919/QĐ-TTg for
    2021–2025), loaded by ``manage.py load_national_targets`` from
    ``stats/data/national_targets.yaml`` with its legal basis, its effective
    dates, its source and what is not confirmed."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    programme = models.CharField(_("programme"), max_length=200)
    label = models.CharField(_("target"), max_length=300)
    metric = models.CharField(_("measured as"), max_length=30, choices=TargetMetric.choices)
    unit = models.CharField(_("unit"), max_length=10, choices=TargetUnit.choices)
    value = models.DecimalField(_("target value"), max_digits=12, decimal_places=2)
    value_max = models.DecimalField(
        _("upper end of the target range"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    due = models.DateField(_("to be reached by"))
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    source = models.TextField(_("source"), blank=True)
    unconfirmed = models.TextField(_("what is not confirmed"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("national target")
        verbose_name_plural = _("national targets")
        ordering = ["-effective_from", "position", "code"]

    def __str__(self):
        return self.label


class ProvinceTarget(models.Model):
    """A province's target for one year: how many products are to be newly
    recognised, for the whole province or one commune, for any star or one
    star. Kept by the province's officers; every change is logged."""

    province = models.ForeignKey(
        "geo.AdminUnit", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("commune / ward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the whole province."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    star = models.PositiveSmallIntegerField(
        _("stars"),
        choices=STAR_CHOICES,
        null=True,
        blank=True,
        help_text=_("Empty: products of any star."),
    )
    new_products = models.PositiveIntegerField(_("new products to recognise"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("province target")
        verbose_name_plural = _("province targets")
        ordering = ["-year", "province__code", "commune__name", "star"]
        constraints = [
            models.UniqueConstraint(
                F("province"),
                F("year"),
                Coalesce(F("commune"), Value(0)),
                Coalesce(F("star"), Value(0)),
                name="stats_one_target_per_scope",
            ),
        ]
        indexes = [models.Index(fields=["province", "year"], name="stats_target_prov_year")]

    def __str__(self):
        return f"{self.province} {self.year}"
