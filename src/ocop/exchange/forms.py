from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit


class ExportForm(forms.Form):
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=AdminUnit.objects.none(), empty_label=None
    )
    since = forms.DateField(
        label=_("Changed since (empty: since the last package; give an early date for all)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, province_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = AdminUnit.objects.filter(
            era=Era.CURRENT, level=Level.PROVINCE, pk__in=sorted(province_ids)
        ).order_by("code")


class ImportForm(forms.Form):
    package = forms.FileField(label=_("Exchange package (.json)"))

    def clean_package(self):
        upload = self.cleaned_data["package"]
        if not upload.name.lower().endswith(".json"):
            raise forms.ValidationError(_("Choose the .json file of an exchange package."))
        return upload
