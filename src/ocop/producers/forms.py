from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import BootstrapMixin
from ocop.geo.domain.queries import current_units
from ocop.geo.enums import Level
from ocop.geo.widgets import UnitPickerWidget
from ocop.producers.domain.queries import provinces_in_scope
from ocop.producers.domain.subjects import SUBJECT_FIELDS
from ocop.producers.enums import DocumentType, LegalForm
from ocop.producers.models import Subject

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SubjectForm(BootstrapMixin, forms.ModelForm):
    confirm_similar = forms.BooleanField(
        label=_("I have checked: this is a different subject from the similar ones above"),
        required=False,
    )

    class Meta:
        model = Subject
        fields = SUBJECT_FIELDS
        widgets = {"commune": UnitPickerWidget()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = current_units().filter(level=Level.COMMUNE)
        self.fields["registration_number"].help_text = _(
            "10 digits, or 10 digits-3 digits for a branch; household businesses may "
            "give their household-business registration number."
        )
        self.similar = []


class SubjectFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=None, required=False, empty_label=_("All")
    )
    commune = forms.ModelChoiceField(
        label=_("Commune / ward"), queryset=None, required=False, widget=UnitPickerWidget()
    )
    legal_form = forms.ChoiceField(
        label=_("Legal form"), required=False, choices=[("", _("All")), *LegalForm.choices]
    )
    led_by_woman = forms.BooleanField(label=_("Led by a woman"), required=False)
    ethnic_minority = forms.BooleanField(label=_("Ethnic-minority subject"), required=False)
    on = forms.DateField(label=_("Registered by"), required=False, widget=DATE_WIDGET)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("name", _("Name")), ("-created", _("Newest first"))],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the provinces the person's list can hold.
        self.fields["province"].queryset = provinces_in_scope(user)
        self.fields["commune"].queryset = current_units().filter(level=Level.COMMUNE)


class DocumentForm(BootstrapMixin, forms.Form):
    doc_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    product = forms.ModelChoiceField(label=_("Product"), queryset=None, required=False)
    number = forms.CharField(label=_("Number"), max_length=100, required=False)
    issuer = forms.CharField(label=_("Issued by"), max_length=255, required=False)
    issued_on = forms.DateField(label=_("Issue date"), required=False, widget=DATE_WIDGET)
    expires_on = forms.DateField(label=_("Expiry date"), required=False, widget=DATE_WIDGET)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG, PNG, DOCX or XLSX."),
    )

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = subject.products.all()
        self.fields["product"].empty_label = _("(the subject as a whole)")

    def clean(self):
        cleaned = super().clean()
        issued, expires = cleaned.get("issued_on"), cleaned.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error("expires_on", _("The expiry date is before the issue date."))
        return cleaned


class ConsultantForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label=_("Consultant's username or e-mail"), max_length=254)
