from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("public holiday (day off)")
    COMPENSATORY_OFF = "comp_off", _("compensatory day off")
    WORKING_WEEKEND = "working_weekend", _("weekend day worked in compensation")
