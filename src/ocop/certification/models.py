from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import CertificateSource


class Certificate(models.Model):
    """A product's OCOP recognition: star, score, decision and validity.

    Records imported from published lists (source=import) carry the decision
    number and date but no PDF; the certification workflow extends this model.
    """

    product = models.ForeignKey(
        "products.Product", on_delete=models.CASCADE, related_name="certificates"
    )
    star = models.PositiveSmallIntegerField(_("stars"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=50, blank=True)
    source = models.CharField(max_length=20, choices=CertificateSource.choices)
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
        ]

    def __str__(self):
        return f"{self.product} {self.star}★ {self.decision_number}"
