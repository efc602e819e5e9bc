from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ComplaintKind(models.TextChoices):
    SUSPECTED_FAKE = "suspected_fake", _("suspected fake OCOP stamp or label")
    OTHER = "other", _("other")


class ComplaintState(models.TextChoices):
    NEW = "new", _("new")
    IN_REVIEW = "in_review", _("being reviewed")
    CLOSED = "closed", pgettext_lazy("complaint", "closed")
