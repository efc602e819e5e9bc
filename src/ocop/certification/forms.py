from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import BootstrapMixin

from .enums import DecisionState, LiveStatus
from .models import Decision, RevocationGround

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()


class CertificateFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label=_("Product, certificate or decision number"), required=False, max_length=100
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *LiveStatus.choices]
    )
    star = forms.TypedChoiceField(
        label=_("Stars"), required=False, choices=STARS, coerce=int, empty_value=None
    )
    year = forms.TypedChoiceField(
        label=_("Year of decision"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()


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
