from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateSource(models.TextChoices):
    IMPORT = "import", _("imported list (historical)")
    DECISION = "decision", _("recognition decision in the system")


# Certificates are valid for 36 months (Decision 148/QĐ-TTg, Phụ lục II).
VALIDITY_MONTHS = 36
