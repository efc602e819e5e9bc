from django.db import models
from django.utils.translation import gettext_lazy as _


class CriterionKind(models.TextChoices):
    SINGLE = "single", _("one option")
    MULTI = "multi", _("several options, capped at the maximum")
    NUMBER = "number", _("a number in a range")


class ConditionKind(models.TextChoices):
    MANDATORY = "mandatory", _("mandatory for a star level")
    DISQUALIFYING = "disqualifying", _("disqualifying")


class EvaluationLevel(models.TextChoices):
    DISTRICT = "district", _("district")
    PROVINCE = "province", _("province")
    CENTRAL = "central", _("central")


class SheetStatus(models.TextChoices):
    """What a sheet's text is: the signed text, a transcription of it not yet
    checked against the signed document, or a sample written for trials."""

    OFFICIAL = "official", _("official text")
    TRANSCRIPTION = "transcription", _("transcription, not checked against the signed text")
    SAMPLE = "sample", _("sample")
