from django.db import models
from django.utils.translation import gettext_lazy as _


class OcopStatus(models.TextChoices):
    NONE = "none", _("not rated")
    IN_EVALUATION = "in_evaluation", _("in evaluation")
    CERTIFIED = "certified", _("certified")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", _("revoked")


class CategoryLevel(models.TextChoices):
    GROUP = "group", _("group")
    SUBGROUP = "subgroup", _("sub-group")
    SET = "set", _("product set")
