import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .enums import AuthorityLevel, CertificateSource, CertificateStatus, DecisionState


def new_token() -> str:
    """An unguessable token for public URLs (128 bits, URL-safe)."""
    return secrets.token_urlsafe(16)


class UnconfirmedNote(models.Model):
    """What is not confirmed about a rule, in Vietnamese (``unconfirmed``)
    and English (``unconfirmed_en``): data, like the rule itself, so it is
    written in both languages in the rules file rather than translated."""

    unconfirmed = models.TextField(_("what is not confirmed"), blank=True)
    unconfirmed_en = models.TextField(_("what is not confirmed (English)"), blank=True)

    class Meta:
        abstract = True

    @property
    def unconfirmed_note(self) -> str:
        """The note in the language of the page (Vietnamese when the English
        text is missing)."""
        if (get_language() or "").startswith("en") and self.unconfirmed_en:
            return self.unconfirmed_en
        return self.unconfirmed


class CertificationRule(UnconfirmedNote):
    """Validity of certificates and the expiry warnings, as data with their
    legal basis and dates (loaded by ``manage.py load_certification_rules``).

    The rule in force on a decision's date applies to its certificates."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    legal_basis = models.CharField(_("legal basis"), max_length=100)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    validity_months = models.PositiveSmallIntegerField(_("validity (months)"))
    expiring_days = models.PositiveSmallIntegerField(
        _("shown as expiring this many days before expiry")
    )
    notice_days = models.PositiveSmallIntegerField(
        _("the subject is notified this many days before expiry")
    )
    source = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("certification rule")
        verbose_name_plural = _("certification rules")
        ordering = ["effective_from"]

    def __str__(self):
        return f"{self.code} ({self.legal_basis})"


class RevocationGround(UnconfirmedNote):
    """A ground for revoking a certificate (reference §5.9), as data."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    source = models.TextField(_("source"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("revocation ground")
        verbose_name_plural = _("revocation grounds")
        ordering = ["order", "code"]

    def __str__(self):
        return self.title


class Decision(models.Model):
    """A recognition decision (Quyết định công nhận kết quả đánh giá, phân
    hạng sản phẩm OCOP) with its annex; drafted from a council session's
    results, issued by an authorised officer. Issuing creates certificates."""

    state = models.CharField(
        _("state"), max_length=10, choices=DecisionState.choices, default=DecisionState.DRAFT
    )
    number = models.CharField(_("decision number"), max_length=100, blank=True)
    date = models.DateField(_("decision date"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=500)
    authority = models.CharField(_("issuing authority"), max_length=300)
    level = models.CharField(_("level"), max_length=10, choices=AuthorityLevel.choices)
    unit = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    legal_basis = models.TextField(_("legal basis (căn cứ)"))
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    session = models.ForeignKey(
        "evaluation.Session",
        verbose_name=_("council session"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    rule = models.ForeignKey(
        CertificationRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recognition decision")
        verbose_name_plural = _("recognition decisions")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "unit", "number"],
                condition=models.Q(state="issued"),
                name="certification_decision_number_unique",
            )
        ]
        indexes = [models.Index(fields=["unit", "state", "-date"])]

    def __str__(self):
        return self.number or str(_("draft decision"))


class DecisionItem(models.Model):
    """A line of the decision's annex: a product with its star and score."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    agenda_item = models.ForeignKey(
        "evaluation.AgendaItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    star = models.PositiveSmallIntegerField(_("stars"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["decision", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "product"], name="certification_decision_item_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(star__gte=1, star__lte=5), name="certification_item_star_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.product} {self.star}★"


class Certificate(models.Model):
    """A product's OCOP certificate (giấy chứng nhận): star, score, decision
    and validity. Records imported from published lists (source=import) carry
    the decision number and date but no decision record or PDF."""

    product = models.ForeignKey(
        "products.Product", on_delete=models.CASCADE, related_name="certificates"
    )
    number = models.CharField(_("certificate number"), max_length=100, blank=True)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    star = models.PositiveSmallIntegerField(_("stars"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    authority_level = models.CharField(
        _("recognised by"), max_length=10, choices=AuthorityLevel.choices, blank=True
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=50, blank=True)
    source = models.CharField(max_length=20, choices=CertificateSource.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("OCOP certificate")
        verbose_name_plural = _("OCOP certificates")
        ordering = ["-decision_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(star__gte=1, star__lte=5), name="certification_star_1_to_5"
            ),
            models.UniqueConstraint(
                fields=["product", "decision_number", "star"],
                name="certification_unique_decision_per_product",
            ),
            models.UniqueConstraint(
                fields=["number"],
                condition=~models.Q(number=""),
                name="certification_certificate_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"]),
            models.Index(fields=["product", "status"]),
            models.Index(fields=["star", "decision_date"]),  # list filters
            models.Index(fields=["decision_date"]),
        ]

    def __str__(self):
        return f"{self.product} {self.star}★ {self.number or self.decision_number}"


class NumberCounter(models.Model):
    """The last certificate number given for a key (an authority and a year),
    locked while a decision is issued so that two decisions issued at the same
    moment never share a number (see ``domain.numbering``)."""

    key = models.CharField(max_length=50, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.key}: {self.last}"


class Revocation(models.Model):
    """Revocation of a certificate by the authority that recognised it, with
    its ground, decision number and date. Kept forever (never edited)."""

    certificate = models.OneToOneField(
        Certificate, on_delete=models.PROTECT, related_name="revocation"
    )
    ground = models.ForeignKey(
        RevocationGround, verbose_name=_("ground"), on_delete=models.PROTECT, related_name="+"
    )
    decision_number = models.CharField(_("revocation decision number"), max_length=100)
    decision_date = models.DateField(_("revocation decision date"))
    authority = models.CharField(_("issuing authority"), max_length=300)
    details = models.TextField(_("details"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")
        ordering = ["-decision_date", "-id"]

    def __str__(self):
        return f"{self.certificate} — {self.decision_number}"
