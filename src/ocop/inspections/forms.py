"""Forms of the complaints: the public "report a suspected fake" form (no
account; a honeypot field and a signed form timestamp keep robots out) and
the officers' action forms."""

import time

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import BootstrapMixin, form_started, form_token

from .domain.complaints import CONTACT_MAX, MESSAGE_MAX, MESSAGE_MIN, PLACE_MAX
from .domain.queries import KIND_COMPLAINT, KIND_FLAG
from .enums import ComplaintState

MIN_SECONDS = 3  # a person takes longer than this to write a report
MAX_AGE_SECONDS = 24 * 3600  # a form older than a day is sent again
HONEYPOT = "website"


class ComplaintForm(BootstrapMixin, forms.Form):
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

    def __init__(self, *args, now: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = time.time() if now is None else now

    @property
    def fresh_token(self) -> str:
        """The timestamp to render: a refused form can simply be sent again."""
        return form_token(now=self.now)

    def clean(self):
        cleaned = super().clean()
        if self.data.get(HONEYPOT):
            raise forms.ValidationError(
                _(
                    "Your report could not be accepted. If you are a person, leave the "
                    "last field empty and send it again."
                ),
                code="honeypot",
            )
        started = form_started(self.data.get("started", ""))
        if started is None:
            raise forms.ValidationError(
                _("The form could not be checked. Please send it again."), code="token"
            )
        elapsed = self.now - started
        if elapsed < MIN_SECONDS:
            raise forms.ValidationError(
                _("That was very quick. Please check your report and send it again."),
                code="too_fast",
            )
        if elapsed > MAX_AGE_SECONDS:
            raise forms.ValidationError(
                _("This form was opened more than a day ago. Please send it again."),
                code="too_old",
            )
        return cleaned


class ComplaintActionForm(forms.Form):
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
