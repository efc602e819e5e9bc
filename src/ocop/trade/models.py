"""Trade promotion: points of sale of OCOP products, online listings, export
markets and buyers' inquiries (kết nối cung – cầu)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.text import fold_vi

from .enums import InquiryState, LinkState, Platform, PointKind


class PointOfSale(models.Model):
    """A place where OCOP products are shown and sold (điểm giới thiệu và bán
    sản phẩm OCOP), registered by the commune or province it lies in."""

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("type"), max_length=20, choices=PointKind.choices)
    commune = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("commune / ward"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    province = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    address = models.CharField(_("address (street, number)"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    opening_hours = models.CharField(_("opening hours"), max_length=255, blank=True)
    operator = models.CharField(_("run by"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    products = models.ManyToManyField(
        "products.Product",
        verbose_name=_("OCOP products carried"),
        related_name="points_of_sale",
        blank=True,
    )
    since = models.DateField(_("open since"))
    until = models.DateField(_("closed on"), null=True, blank=True)
    search_text = models.CharField(max_length=600, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("point of sale")
        verbose_name_plural = _("points of sale")
        ordering = ["province", "name", "id"]
        indexes = [
            models.Index(fields=["province", "until", "name"]),
            models.Index(fields=["commune", "until"]),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.province_id = self.commune.province_id
        self.search_text = f" {fold_vi(' '.join([self.name, self.address, self.operator]))} "
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "province", "search_text"}
        super().save(*args, **kwargs)

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Listing(models.Model):
    """A product's page on a marketplace or website; a periodic check marks
    links that no longer answer."""

    product = models.ForeignKey(
        "products.Product", on_delete=models.CASCADE, related_name="listings"
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    url = models.URLField(_("address (URL)"), max_length=500)
    since = models.DateField(_("listed since"))
    link_state = models.CharField(
        _("link"), max_length=10, choices=LinkState.choices, default=LinkState.UNCHECKED
    )
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    check_result = models.CharField(_("result of the last check"), max_length=200, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("online listing")
        verbose_name_plural = _("online listings")
        ordering = ["platform", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "url"], name="trade_listing_once")
        ]
        indexes = [
            models.Index(fields=["link_state", "platform"]),
            models.Index(fields=["checked_at"]),
        ]

    def __str__(self):
        return f"{self.get_platform_display()}: {self.url}"


class ExportMarket(models.Model):
    """A country a product was exported to in a year."""

    product = models.ForeignKey(
        "products.Product", on_delete=models.CASCADE, related_name="export_markets"
    )
    country = models.CharField(_("country"), max_length=2)
    year = models.PositiveSmallIntegerField(_("year"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("export market")
        verbose_name_plural = _("export markets")
        ordering = ["-year", "country", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "country", "year"], name="trade_export_once_a_year"
            )
        ]
        indexes = [models.Index(fields=["country", "year"])]

    def __str__(self):
        return f"{self.country} {self.year}"


class Inquiry(models.Model):
    """A buyer's inquiry about a product or a producer (no account needed),
    delivered to the subject's people and its province's officers; the
    buyer never sees the producer's address."""

    subject = models.ForeignKey(
        "producers.Subject", on_delete=models.CASCADE, related_name="inquiries"
    )
    product = models.ForeignKey(
        "products.Product",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inquiries",
    )
    province = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("your name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    contact = models.CharField(_("phone or e-mail"), max_length=200)
    quantity = models.CharField(_("quantity wanted"), max_length=150, blank=True)
    message = models.TextField(_("message"))
    state = models.CharField(
        _("state"), max_length=10, choices=InquiryState.choices, default=InquiryState.NEW
    )
    fingerprint = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("buyer's inquiry")
        verbose_name_plural = _("buyers' inquiries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["province", "state", "-created_at"]),
            models.Index(fields=["subject", "-created_at"]),
            models.Index(fields=["fingerprint", "created_at"]),
        ]

    def __str__(self):
        return f"{self.name} → {self.subject_id} ({self.created_at:%d/%m/%Y})"
