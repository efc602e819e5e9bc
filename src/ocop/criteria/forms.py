from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import BootstrapMixin
from ocop.criteria.models import LegalBasis
from ocop.products.models import ProductCategory


class SheetFilterForm(BootstrapMixin, forms.Form):
    legal_basis = forms.ModelChoiceField(
        label=_("Legal basis"),
        queryset=LegalBasis.objects.filter(sheets__isnull=False).distinct(),
        required=False,
        empty_label=_("All"),
    )
    product_set = forms.ModelChoiceField(
        label=_("Product set"),
        queryset=ProductCategory.objects.filter(criteria_sheets__isnull=False).distinct(),
        required=False,
        empty_label=_("All"),
    )
    current = forms.BooleanField(label=_("Current versions only"), required=False)
