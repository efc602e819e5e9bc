"""Summary tables of the statistics layer (see ``domain/refresh.py``).

They hold nothing of their own: each row is derived from the domain apps'
records and can be rebuilt at any time (``manage.py refresh_stats``)."""

from django.db import models


class CertificateFact(models.Model):
    """One row per certificate with what the figures group and filter on,
    so that a national figure is one scan of a narrow table without joins.
    Dates are compared at query time, so a validity date that passed reads as
    expired at once (the live status), whatever the time of the refresh."""

    certificate = models.OneToOneField(
        "certification.Certificate",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    product_id = models.BigIntegerField()
    province_id = models.BigIntegerField()
    commune_id = models.BigIntegerField()
    group_code = models.CharField(max_length=10, blank=True)
    category_id = models.BigIntegerField(null=True)
    legal_form = models.CharField(max_length=10, blank=True)
    star = models.PositiveSmallIntegerField()
    recognised_on = models.DateField(null=True)
    valid_until = models.DateField(null=True)
    # The stored status is "valid" (what counts from today on).
    stored_valid = models.BooleanField()
    # The day it stopped being in force before its date (revoked, or superseded
    # by a newer certificate): in force on D only while D < ended_on.
    ended_on = models.DateField(null=True)
    # new / renewed / upgraded on ``recognised_on`` ("" when undated).
    change = models.CharField(max_length=10, blank=True)
    revoked_on = models.DateField(null=True)
    # Lapsed at ``valid_until`` (neither revoked nor superseded by then).
    lapses = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(fields=["province_id", "valid_until"], name="stats_fact_prov_valid"),
            models.Index(fields=["commune_id", "valid_until"], name="stats_fact_comm_valid"),
            models.Index(fields=["product_id"], name="stats_fact_product"),
            models.Index(fields=["recognised_on"], name="stats_fact_recognised"),
        ]

    def __str__(self):
        return f"{self.certificate_id} {self.star}★"


class ScanDay(models.Model):
    """Verification-page scans of the stamps of a commune's products, per day
    (filled incrementally from the scan log by ``run_periodic``)."""

    province_id = models.BigIntegerField()
    commune_id = models.BigIntegerField()
    day = models.DateField()
    scans = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commune_id", "day"], name="stats_scanday_unique")
        ]
        indexes = [models.Index(fields=["province_id", "day"], name="stats_scanday_prov")]

    def __str__(self):
        return f"{self.commune_id} {self.day}: {self.scans}"


class Refresh(models.Model):
    """When a summary was last brought up to date ("số liệu tính đến …"), and
    for the scans the time up to which the log has been counted."""

    key = models.CharField(max_length=30, unique=True)
    refreshed_at = models.DateTimeField()
    cursor = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.key} {self.refreshed_at:%Y-%m-%d %H:%M}"


# Targets as data (``models_targets.py``): the province's yearly targets and
# the national programme's targets.
from .models_targets import NationalTarget, ProvinceTarget  # noqa: E402

__all__ = ["CertificateFact", "NationalTarget", "ProvinceTarget", "Refresh", "ScanDay"]
