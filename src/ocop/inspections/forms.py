"""Forms of the complaints: the public "report a suspected fake" form (no
account; a honeypot field and a signed form timestamp keep robots out) and
the officers' action forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import HUMAN_MIN_SECONDS, BootstrapMixin, HumanCheckMixin
from ocop.geo.domain.queries import current_provinces

from .domain.complaints import CONTACT_MAX, MESSAGE_MAX, MESSAGE_MIN, PLACE_MAX
from .domain.queries import KIND_COMPLAINT, KIND_FLAG
from .enums import ComplaintState

MIN_SECONDS = HUMAN_MIN_SECONDS


class ComplaintForm(HumanCheckMixin, BootstrapMixin, forms.Form):
    message = forms.CharField(
        label=_("What did you see?"),
        min_length=MESSAGE_MIN,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example: the label looks different, the code was already scanned, "
            "the product is sold without a stamp."
        ),
    )
    place = forms.CharField(
        label=_("Where did you buy or see it?"), required=False, max_length=PLACE_MAX
    )
    contact = forms.CharField(
        label=_("Phone or e-mail (optional)"),
        required=False,
        max_length=CONTACT_MAX,
        help_text=_("Only if you agree that an officer contacts you about this report."),
    )
    code = forms.CharField(required=False, widget=forms.HiddenInput)

    honeypot_message = _(
        "Your report could not be accepted. If you are a person, leave the "
        "last field empty and send it again."
    )
    too_fast_message = _("That was very quick. Please check your report and send it again.")


class ComplaintActionForm(BootstrapMixin, forms.Form):
    action = forms.CharField()
    resolution = forms.CharField(required=False, max_length=MESSAGE_MAX, widget=forms.Textarea)


class ClearFlagForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("What did the review find?"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FeedFilterForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[
            ("", _("All")),
            (KIND_COMPLAINT, _("Complaints")),
            (KIND_FLAG, _("Flagged stamps")),
        ],
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *ComplaintState.choices]
    )
    # The dashboards' link to one province's complaints (kept as the list is filtered).
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=None, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = current_provinces()
