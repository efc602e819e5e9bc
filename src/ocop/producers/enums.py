from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalForm(models.TextChoices):
    LLC_ONE = "tnhh1tv", _("One-member limited liability company (TNHH 1TV)")
    LLC_MULTI = "tnhh2tv", _("Multi-member limited liability company (TNHH 2TV+)")
    PRIVATE_ENTERPRISE = "dntn", _("Private enterprise (DNTN)")
    JOINT_STOCK = "ctcp", _("Joint-stock company (CTCP)")
    COOPERATIVE = "htx", _("Cooperative (HTX)")
    COOPERATIVE_UNION = "lhhtx", _("Union of cooperatives (Liên hiệp HTX)")
    COOPERATIVE_GROUP = "tht", _("Cooperative group (Tổ hợp tác)")
    HOUSEHOLD = "hkd", _("Household business (Hộ kinh doanh)")


class DocumentType(models.TextChoices):
    BUSINESS_REGISTRATION = "business_registration", _("Business registration certificate")
    FOOD_SAFETY = "food_safety", _("Food-safety certificate")
    QUALITY_DECLARATION = "quality_declaration", _("Quality declaration (công bố chất lượng)")
    TEST_REPORT = "test_report", _("Test report (phiếu kiểm nghiệm)")
    TRADEMARK = "trademark", _("Trademark / intellectual property")
    VIETGAP = "vietgap", _("VietGAP")
    GLOBALGAP = "globalgap", _("GlobalGAP")
    ORGANIC = "organic", _("Organic certificate")
    HACCP = "haccp", _("HACCP")
    ISO = "iso", _("ISO certificate")
    ENVIRONMENT = "environment", _("Environmental commitment")
    LINKAGE_CONTRACT = "linkage_contract", _("Linkage contract")
    OTHER = "other", _("Other")


class DocumentValidity(models.TextChoices):
    VALID = "valid", _("valid")
    EXPIRING = "expiring", _("expires soon")
    EXPIRED = "expired", _("expired")
    NO_EXPIRY = "no_expiry", _("no expiry date")
