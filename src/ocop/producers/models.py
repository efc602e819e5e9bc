import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.core.text import fold_vi

from .enums import DocumentType, DocumentValidity, LegalForm

EXPIRING_DAYS = 30


def unit_names(commune) -> str:
    """ "Xã Hoằng Hóa Tỉnh Thanh Hóa": searched together with names."""
    if commune is None:
        return ""
    return f"{commune.full_name} {commune.parent.full_name if commune.parent_id else ''}"


def subject_search_text(*, name: str, registration_number: str | None, commune) -> str:
    """The folded, space-padded text that subject search matches against."""
    return f" {fold_vi(f'{name} {registration_number or ""} {unit_names(commune)}')[:596]} "


class Subject(models.Model):
    """A subject (chủ thể OCOP): the enterprise, cooperative, cooperative group
    or household business that owns and registers products."""

    name = models.CharField(_("name"), max_length=255)
    legal_form = models.CharField(_("legal form"), max_length=10, choices=LegalForm.choices)
    registration_number = models.CharField(
        _("business registration / tax number"),
        max_length=20,
        null=True,
        blank=True,
        unique=True,
        error_messages={"unique": _("A subject with this registration number already exists.")},
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
    led_by_woman = models.BooleanField(_("led by a woman"), default=False)
    ethnic_minority = models.BooleanField(_("ethnic-minority subject"), default=False)
    disadvantaged_area = models.BooleanField(_("in a disadvantaged area"), default=False)
    local_labour_share = models.PositiveSmallIntegerField(
        _("share of local labour (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    name_key = models.CharField(max_length=255, editable=False, db_index=True)
    search_text = models.CharField(max_length=600, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["search_text", "id"]
        indexes = [
            models.Index(fields=["province", "search_text", "id"]),
            models.Index(fields=["province", "commune"]),
            models.Index(fields=["province", "legal_form"]),
            # National lists by legal form, in name order: names start with the
            # legal form ("Hợp tác xã …"), so walking the name index for one form
            # would read most of the table (docs/benchmarks.md, "National scale").
            models.Index(fields=["legal_form", "search_text", "id"]),
            models.Index(fields=["province", "name_key"]),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.province_id = self.commune.province_id
        self.name_key = fold_vi(self.name)[:255]
        self.search_text = subject_search_text(
            name=self.name, registration_number=self.registration_number, commune=self.commune
        )
        super().save(*args, **kwargs)


def document_path(instance, filename):
    """Random names: nothing of the original file name reaches the storage."""
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class EvidenceDocument(models.Model):
    """Evidence attached to a subject or one of its products: certificates,
    declarations, test reports, contracts… with their validity dates."""

    subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, related_name="documents", verbose_name=_("subject")
    )
    product = models.ForeignKey(
        "products.Product",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("product"),
        help_text=_("Leave empty for a document about the subject as a whole."),
    )
    doc_type = models.CharField(_("document type"), max_length=30, choices=DocumentType.choices)
    number = models.CharField(_("number"), max_length=100, blank=True)
    issuer = models.CharField(_("issued by"), max_length=255, blank=True)
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=document_path, blank=True)
    original_name = models.CharField(max_length=255, blank=True, editable=False)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    size = models.PositiveIntegerField(default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        ordering = ["doc_type", "-issued_on", "id"]
        indexes = [
            models.Index(fields=["expires_on"]),
            models.Index(fields=["subject", "doc_type"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(issued_on__isnull=True)
                | models.Q(expires_on__gte=models.F("issued_on")),
                name="producers_document_dates_in_order",
            )
        ]

    def __str__(self):
        return f"{self.get_doc_type_display()} {self.number}".strip()

    def validity(self, today=None) -> str:
        today = today or timezone.localdate()
        if self.expires_on is None:
            return DocumentValidity.NO_EXPIRY
        if self.expires_on < today:
            return DocumentValidity.EXPIRED
        if (self.expires_on - today).days <= EXPIRING_DAYS:
            return DocumentValidity.EXPIRING
        return DocumentValidity.VALID
