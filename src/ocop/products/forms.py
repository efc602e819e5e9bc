from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import BootstrapMixin
from ocop.geo.domain.queries import current_units
from ocop.geo.enums import Level
from ocop.geo.widgets import UnitPickerWidget
from ocop.producers.domain.queries import provinces_in_scope
from ocop.products.domain.products import PRODUCT_FIELDS
from ocop.products.enums import CategoryLevel, OcopStatus
from ocop.products.models import Product, ProductCategory

CURRENT_BASIS = "148/QĐ-TTg"


def product_set_choices():
    return ProductCategory.objects.filter(level=CategoryLevel.SET, legal_basis=CURRENT_BASIS)


class ProductForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Product
        fields = PRODUCT_FIELDS
        widgets = {
            "commune": UnitPickerWidget(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "story": forms.Textarea(attrs={"rows": 4}),
            "raw_material_origin": forms.Textarea(attrs={"rows": 2}),
            "packaging": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = product_set_choices()
        self.fields["category"].required = True
        self.fields["category"].empty_label = _("Choose a product set")
        self.fields["commune"].queryset = current_units().filter(level=Level.COMMUNE)
        self.fields["commune"].required = False
        self.fields["commune"].help_text = _("Leave empty if it is the subject's commune.")


class ImageForm(BootstrapMixin, forms.Form):
    image = forms.FileField(label=_("Photo"), help_text=_("JPEG or PNG."))
    caption = forms.CharField(label=_("Caption"), max_length=255, required=False)


class ProductListFilter(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=None, required=False, empty_label=_("All")
    )
    commune = forms.ModelChoiceField(
        label=_("Commune / ward"), queryset=None, required=False, widget=UnitPickerWidget()
    )
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=None, required=False, empty_label=_("All")
    )
    category = forms.ModelChoiceField(
        label=_("Product set"), queryset=None, required=False, empty_label=_("All")
    )
    star = forms.TypedChoiceField(
        label=_("Stars"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All")), (3, "3★"), (4, "4★"), (5, "5★")],
    )
    status = forms.ChoiceField(
        label=_("OCOP status"), required=False, choices=[("", _("All")), *OcopStatus.choices]
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name")),
            ("-star", _("Stars, highest first")),
            ("certified_until", _("Expiry, soonest first")),
            ("-created", _("Newest first")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the provinces the person's list can hold.
        self.fields["province"].queryset = provinces_in_scope(user)
        self.fields["commune"].queryset = current_units().filter(level=Level.COMMUNE)
        self.fields["group"].queryset = ProductCategory.objects.filter(
            level=CategoryLevel.GROUP, legal_basis=CURRENT_BASIS
        )
        self.fields["category"].queryset = product_set_choices()
