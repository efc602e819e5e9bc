from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import BootstrapMixin

FIRST_YEAR = 2018


class ReportForm(BootstrapMixin, forms.Form):
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    kind = forms.ChoiceField(
        label=_("Period"),
        choices=[("year", _("Whole year")), ("h1", _("First six months"))],
        initial="year",
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        self.fields["unit"].choices = [(value, label) for value, label, _u in units]
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(this_year, FIRST_YEAR - 1, -1)]
        self.fields["year"].initial = this_year

    def chosen_unit(self):
        value = self.cleaned_data.get("unit") or ""
        if not value:
            return self.units[0][2]
        return next(u for v, _label, u in self.units if v == value)
