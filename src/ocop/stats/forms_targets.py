"""Forms of the targets pages: input validation only; the domain checks the
unit, the year and the number again (``domain/targets.py``)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.accounts.rules import scope_for
from ocop.core.forms import BootstrapMixin
from ocop.geo.domain.queries import current_provinces, current_units
from ocop.geo.enums import Level
from ocop.geo.widgets import UnitPickerWidget

from .domain.targets import FIRST_YEAR, MAX_NEW_PRODUCTS
from .models import ProvinceTarget
from .rules_targets import READER_ROLES, SETTER_ROLES

STAR_FILTER = [("", _("Any star")), (3, "3★"), (4, "4★"), (5, "5★")]


def _provinces_for(user, roles):
    scope = scope_for(user)
    provinces = current_provinces()
    if scope.is_national(roles):
        return provinces
    communes = current_units().filter(pk__in=sorted(scope.commune_ids(roles)))
    return provinces.filter(
        pk__in=[*scope.province_ids(roles), *communes.values_list("province_id", flat=True)]
    )


def _year_field(**kwargs):
    last = timezone.localdate().year + 10
    return forms.IntegerField(
        label=_("Year"),
        min_value=FIRST_YEAR,
        max_value=last,
        error_messages={
            "min_value": _("The year must be %(limit_value)s or later."),
            "max_value": _("The year must be %(limit_value)s or earlier."),
            "invalid": _("Enter the year as four digits, e.g. 2026."),
        },
        **kwargs,
    )


class TargetForm(BootstrapMixin, forms.Form):
    """A new target: province, year, commune (or the whole province), star (or
    any), the number of new products."""

    province = forms.ModelChoiceField(label=_("Province"), queryset=None)
    year = _year_field()
    commune = forms.ModelChoiceField(
        label=_("Commune / ward"),
        queryset=None,
        required=False,
        widget=UnitPickerWidget(),
        help_text=_("Leave empty for a target of the whole province."),
    )
    star = forms.TypedChoiceField(
        label=_("Stars"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=STAR_FILTER,
        help_text=_("Leave “any star” for all products rated 3★ or more."),
    )
    new_products = forms.IntegerField(
        label=_("New products to recognise"),
        min_value=0,
        max_value=MAX_NEW_PRODUCTS,
        error_messages={
            "min_value": _("The target cannot be negative."),
            "max_value": _("The target must be at most %(limit_value)s."),
            "invalid": _("Enter a whole number of products."),
        },
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = _provinces_for(user, SETTER_ROLES)
        self.fields["commune"].queryset = current_units().filter(level=Level.COMMUNE)
        self.fields["year"].initial = timezone.localdate().year
        provinces = list(self.fields["province"].queryset[:2])
        if len(provinces) == 1:
            self.fields["province"].initial = provinces[0].pk

    def clean(self):
        cleaned = super().clean()
        province, commune = cleaned.get("province"), cleaned.get("commune")
        if province and commune and commune.province_id != province.pk:
            self.add_error(
                "commune", _("The commune must be a commune or ward of the chosen province.")
            )
        return cleaned


class TargetEditForm(BootstrapMixin, forms.ModelForm):
    """A change of the number or note of an existing target (guarded against
    a stale save by ``BootstrapMixin``)."""

    class Meta:
        model = ProvinceTarget
        fields = ["new_products", "note"]
        error_messages = {
            "new_products": {
                "min_value": _("The target cannot be negative."),
                "invalid": _("Enter a whole number of products."),
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_products"].max_value = MAX_NEW_PRODUCTS
        self.fields["new_products"].widget.attrs["max"] = MAX_NEW_PRODUCTS

    def _post_clean(self):
        """The domain function saves and checks the number."""


class TargetFilterForm(BootstrapMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=None, required=False, empty_label=_("All")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [
            (y, str(y)) for y in range(this_year + 5, FIRST_YEAR - 1, -1)
        ]
        self.fields["province"].queryset = _provinces_for(user, READER_ROLES)

    def values(self) -> tuple[int, object]:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("year") or timezone.localdate().year, data.get("province")
