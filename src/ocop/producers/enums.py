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
