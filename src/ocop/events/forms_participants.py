"""Forms of the participants' pages; they read input, ``events.domain`` decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import BootstrapMixin
from ocop.producers.validators import normalise_registration_number

from .enums import Audience


class _PersonForm(BootstrapMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, widget=forms.TextInput({"type": "tel"})
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    organisation = forms.CharField(
        label=_("Organisation / position"), max_length=300, required=False
    )
    audience = forms.ChoiceField(label=_("Participant group"), choices=Audience.choices)


class RegisterForm(_PersonForm):
    """A person registers themselves (prefilled from their account)."""

    subject = forms.ModelChoiceField(label=_("For the subject"), queryset=None, required=False)

    def __init__(self, *args, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        if subjects.count() > 1:
            self.fields["subject"].queryset = subjects
            self.fields["subject"].required = True
            self.fields["subject"].empty_label = _("(choose)")
        else:
            del self.fields["subject"]


class ParticipantForm(_PersonForm):
    """An officer registers someone; the subject is given by its number."""

    subject_number = forms.CharField(
        label=_("Subject's registration / tax number (optional)"),
        max_length=20,
        required=False,
        help_text=_("Links the participant to an OCOP subject of your area."),
    )

    def __init__(self, *args, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self._subjects = subjects

    def clean_subject_number(self):
        number = normalise_registration_number(self.cleaned_data["subject_number"])
        if not number:
            return None
        subject = self._subjects.filter(registration_number=number).first()
        if subject is None:
            raise forms.ValidationError(
                _("No subject in your area has the number %(number)s."),
                params={"number": number},
            )
        return subject


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("One participant per row; the first sheet is read."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class CheckInForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=_("Scan the QR code or type the registration code"),
        max_length=300,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "autocapitalize": "characters"}
        ),
    )


class ParticipantFilterForm(BootstrapMixin, forms.Form):
    SHOW = (
        ("", _("Registered")),
        ("attended", _("Attended")),
        ("absent", _("Not checked in")),
        ("cancelled", _("Cancelled")),
        ("all", _("All")),
    )
    q = forms.CharField(label=_("Name, phone or organisation"), required=False, max_length=100)
    show = forms.ChoiceField(label=_("Show"), choices=SHOW, required=False)


class HeadCountForm(BootstrapMixin, forms.Form):
    """One number per participant group."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Audience.choices:
            self.fields[value] = forms.IntegerField(
                label=label, min_value=0, max_value=1_000_000, required=False
            )
