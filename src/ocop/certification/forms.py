from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import BootstrapMixin
from ocop.geo.domain.queries import current_provinces, current_units
from ocop.geo.enums import Level
from ocop.geo.widgets import UnitPickerWidget
from ocop.producers.enums import LegalForm
from ocop.products.enums import CategoryLevel
from ocop.products.forms import CURRENT_BASIS, product_set_choices
from ocop.products.models import ProductCategory

from .domain.figures import IN_FORCE
from .enums import DecisionState, LiveStatus
from .models import Decision, RevocationGround

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHANGE_CHOICES = [
    ("new", _("newly recognised")),
    ("renewed", _("renewed")),
    ("upgraded", _("upgraded")),
    ("expired", _("expired")),
    ("revoked", _("revoked")),
]
STARS = [("", _("All")), *[(str(s), f"{s}★") for s in (3, 4, 5)]]


def _years():
    this_year = timezone.localdate().year
    return [("", _("All")), *[(str(y), str(y)) for y in range(this_year, 2017, -1)]]


class DecisionForm(BootstrapMixin, forms.ModelForm):
    """The editable parts of a draft (the view hands them to ``update_draft``)."""

    class Meta:
        model = Decision
        fields = [
            "number",
            "date",
            "title",
            "authority",
            "legal_basis",
            "signer_title",
            "signer_name",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "legal_basis": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "number": _("As on the signed decision, e.g. 1234/QĐ-UBND."),
            "legal_basis": _("One “Căn cứ …” line per line, as they will be printed."),
            "signer_title": _("E.g. “KT. CHỦ TỊCH / PHÓ CHỦ TỊCH”; a slash starts a new line."),
        }


class DecisionFilterForm(BootstrapMixin, forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *DecisionState.choices]
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    # The dashboards' link to one province's decisions (kept as the list is filtered).
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=None, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()
        self.fields["province"].queryset = current_provinces()


class CertificateFilterForm(BootstrapMixin, forms.Form):
    """The certificate list's filters; the statistics layer (``ocop.stats``)
    links each figure to this list with the same parameters."""

    q = forms.CharField(
        label=_("Product, certificate or decision number"), required=False, max_length=100
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            (IN_FORCE, _("in force (valid or expires soon)")),
            *LiveStatus.choices,
        ],
    )
    on = forms.DateField(
        label=_("In force on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("With the status “in force”: the certificates in force on that day."),
    )
    expires_by = forms.DateField(
        label=_("Valid until at the latest"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Certificates whose validity ends on or before this day."),
    )
    star = forms.TypedChoiceField(
        label=_("Stars"), required=False, choices=STARS, coerce=int, empty_value=None
    )
    year = forms.TypedChoiceField(
        label=_("Year of decision"), required=False, coerce=int, empty_value=None
    )
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
    legal_form = forms.ChoiceField(
        label=_("Legal form"), required=False, choices=[("", _("All")), *LegalForm.choices]
    )
    change = forms.ChoiceField(
        label=_("Change in the period"),
        required=False,
        choices=[("", _("All")), *CHANGE_CHOICES],
    )
    start = forms.DateField(label=_("Change from"), required=False, widget=DATE_WIDGET)
    end = forms.DateField(label=_("Change until"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()
        self.fields["province"].queryset = current_provinces()
        self.fields["commune"].queryset = current_units().filter(level=Level.COMMUNE)
        self.fields["group"].queryset = ProductCategory.objects.filter(
            level=CategoryLevel.GROUP, legal_basis=CURRENT_BASIS
        )
        self.fields["category"].queryset = product_set_choices()

    def clean(self):
        cleaned = super().clean()
        change, start, end = cleaned.get("change"), cleaned.get("start"), cleaned.get("end")
        if change and not (start and end):
            self.add_error("start", _("A change is counted between two dates: give both."))
        if start and end and end < start:
            self.add_error("end", _("The end of the period is before its start."))
        return cleaned


class RevocationForm(BootstrapMixin, forms.Form):
    ground = forms.ModelChoiceField(
        label=_("Ground for revocation"),
        queryset=RevocationGround.objects.filter(active=True),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    decision_number = forms.CharField(label=_("Revocation decision number"), max_length=100)
    decision_date = forms.DateField(
        label=_("Revocation decision date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    details = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
