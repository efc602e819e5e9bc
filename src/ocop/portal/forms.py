from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import BootstrapMixin
from ocop.geo.domain.queries import current_provinces

from .domain.queries import groups, product_sets
from .models import PublicProfile

STAR_CHOICES = [("", _("All")), ("3", "3★"), ("4", "4★"), ("5", "5★")]
SORT_CHOICES = [
    ("name", _("Name")),
    ("-star", _("Stars, highest first")),
    ("-new", _("Newest recognitions first")),
]


class CategoryChoiceField(forms.ModelChoiceField):
    """A group or product set by its name in the page's language."""

    def label_from_instance(self, obj):
        if translation.get_language() == "en" and obj.name_en:
            return f"{obj.code} {obj.name_en}"
        return f"{obj.code} {obj.name}"


class ProvinceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CatalogueFilter(BootstrapMixin, forms.Form):
    """The public search (GET): every choice is by a stable code."""

    q = forms.CharField(label=_("Search products"), required=False, max_length=100)
    province = ProvinceChoiceField(
        label=_("Province"),
        queryset=None,
        required=False,
        to_field_name="code",
        empty_label=_("All provinces"),
    )
    star = forms.ChoiceField(label=_("Stars"), required=False, choices=STAR_CHOICES)
    group = CategoryChoiceField(
        label=_("Product group"),
        queryset=None,
        required=False,
        to_field_name="code",
        empty_label=_("All groups"),
    )
    category = CategoryChoiceField(
        label=_("Product set"),
        queryset=None,
        required=False,
        to_field_name="code",
        empty_label=_("All product sets"),
    )
    exported = forms.ChoiceField(
        label=_("Export"),
        required=False,
        choices=[("", _("All products")), ("1", _("Exported products"))],
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = current_provinces()
        self.fields["group"].queryset = groups()
        self.fields["category"].queryset = product_sets()


class PublicProfileForm(BootstrapMixin, forms.ModelForm):
    consent = forms.BooleanField(
        label=_(
            "I act for this subject and agree, on its behalf, that the details ticked above "
            "are published on the public OCOP portal."
        ),
        required=False,
    )

    class Meta:
        model = PublicProfile
        fields = [
            "story",
            "website",
            "show_representative",
            "show_phone",
            "show_email",
            "show_address",
            "show_website",
        ]
        widgets = {"story": forms.Textarea(attrs={"rows": 6})}

    def clean(self):
        data = super().clean()
        publishes = any(data.get(f) for f in self.Meta.fields if f.startswith("show_"))
        if publishes and not data.get("consent"):
            self.add_error(
                "consent",
                _("Tick the consent to publish the chosen details, or untick every detail."),
            )
        if data.get("show_website") and not data.get("website"):
            self.add_error("website", _("Enter the website to publish, or untick it."))
        return data
