from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.text import fold_vi

from .enums import CategoryLevel, OcopStatus
from .validators import validate_gtin


class ProductCategory(models.Model):
    """A node of the official product classification: a group, a sub-group or
    a product set (bộ sản phẩm), with the decision that defines it."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    legal_basis = models.CharField(_("legal basis"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=CategoryLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    lead_ministry = models.CharField(_("lead ministry"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    search_text = models.CharField(max_length=400, editable=False)

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["legal_basis", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.search_text = fold_vi(f"{self.code} {self.name}")
        super().save(*args, **kwargs)


def product_search_text(*, name: str, subject_name: str, commune, national_code: str = "") -> str:
    """The folded, space-padded text that product search matches against
    (the national product code first, so that it is never cut off)."""
    from ocop.producers.models import unit_names  # noqa: PLC0415 -- circular import

    text = f"{national_code} {name} {subject_name} {unit_names(commune)}".strip()
    return f" {fold_vi(text)[:596]} "


class Product(models.Model):
    """A product or service registered by a subject."""

    subject = models.ForeignKey(
        "producers.Subject",
        verbose_name=_("subject"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    name = models.CharField(_("product name"), max_length=255)
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("product set"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    group_code = models.CharField(max_length=10, blank=True, editable=False, db_index=True)
    description = models.TextField(_("description"), blank=True)
    story = models.TextField(_("product story"), blank=True)
    raw_material_origin = models.TextField(_("raw-material origin"), blank=True)
    packaging = models.TextField(_("packaging and label"), blank=True)
    gtin = models.CharField(
        _("GTIN (barcode number)"), max_length=14, blank=True, validators=[validate_gtin]
    )
    commune = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("made in (commune / ward)"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"era": "2025", "level": "commune"},
    )
    annual_capacity = models.PositiveIntegerField(
        _("declared annual production capacity (sale units)"),
        null=True,
        blank=True,
        help_text=_(
            "How many packaged units (bottles, boxes, bags…) the subject can make in a year. "
            "Stamps issued far beyond it are checked by the post-certification inspection."
        ),
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
    certified_until = models.DateField(_("certificate valid until"), null=True, blank=True)
    national_code = models.CharField(
        _("national product code"),
        max_length=40,
        blank=True,
        editable=False,
        help_text=_(
            "PP-DDD-CCCCC-n-YYYY: province, district, commune, the product's sequence in its "
            "commune and the year of its first recognition."
        ),
    )
    search_text = models.CharField(max_length=600, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["search_text", "id"]
        indexes = [
            models.Index(fields=["province", "search_text", "id"]),
            models.Index(fields=["province", "commune"]),
            models.Index(fields=["province", "status", "star"]),
            models.Index(fields=["status", "star"]),  # national lists (central office)
            models.Index(fields=["province", "category"]),
            models.Index(fields=["province", "group_code"]),
            models.Index(fields=["province", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(star__isnull=True) | models.Q(star__gte=1, star__lte=5),
                name="products_star_1_to_5",
            ),
            models.UniqueConstraint(
                fields=["national_code"],
                condition=~models.Q(national_code=""),
                name="products_national_code_unique",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.province_id = self.commune.province_id
        self.group_code = self.category.code.split(".")[0] if self.category_id else ""
        self.search_text = product_search_text(
            name=self.name,
            subject_name=self.subject.name,
            commune=self.commune,
            national_code=self.national_code,
        )
        super().save(*args, **kwargs)


class CodeSequence(models.Model):
    """The last sequence number of the national product code given in a
    commune (the ``n`` of ``PP-DDD-CCCCC-n-YYYY``), locked while a code is
    given so that two products recognised at the same moment never share one."""

    commune_code = models.CharField(max_length=10, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.commune_code}: {self.last}"


def product_image_path(instance, filename):
    import uuid  # noqa: PLC0415 -- leaf

    return f"products/images/{uuid.uuid4().hex}.jpg"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.FileField(_("image"), upload_to=product_image_path)
    thumbnail = models.FileField(upload_to=product_image_path, editable=False)
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["position", "id"]

    def __str__(self):
        return self.caption or f"#{self.pk}"


def import_file_path(instance, filename):
    """Kept for migration 0002 (the import records moved to ``registry``)."""
    import uuid  # noqa: PLC0415 -- leaf

    return f"imports/{uuid.uuid4().hex}.xlsx"
