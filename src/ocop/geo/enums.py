from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

# The two-tier local government (Resolution 202/2025/QH15 and the National
# Assembly's resolutions on arranging commune-level units) took effect on
# 1 July 2025: 34 provinces, 3,321 communes/wards, no district level.
REFORM_DATE = date(2025, 7, 1)
LEGACY_END_DATE = date(2025, 6, 30)


class Level(models.TextChoices):
    PROVINCE = "province", _("province")
    DISTRICT = "district", _("district")
    COMMUNE = "commune", _("commune")


class Era(models.TextChoices):
    CURRENT = "2025", _("since 1 July 2025")
    LEGACY = "legacy", _("before 1 July 2025")
