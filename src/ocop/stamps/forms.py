"""Forms of the stamp pages; they read input, ``stamps.domain`` decides."""

from django import forms
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import BootstrapMixin
from ocop.geo.models import AdminUnit

from .enums import RequestState


class StampRequestForm(BootstrapMixin, forms.Form):
    quantity = forms.IntegerField(
        label=_("Number of stamps"),
    )
    production_batch = forms.ModelChoiceField(
        label=_("Production batch (optional)"),
        queryset=None,
        required=False,
        help_text=_("The consumer who scans a stamp then sees this batch's traceability data."),
    )
    note = forms.CharField(
        label=_("Note for the office (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        # The rules the request is checked against, stated before it refuses.
        self.fields["quantity"].help_text = _(
            "One stamp for each package that will carry the OCOP mark. From 1 to %(max)s "
            "stamps per request; stamps are issued only while the product's OCOP "
            "certificate is in force."
        ) % {"max": number_format(settings.OCOP_STAMPS_MAX_PER_REQUEST, force_grouping=True)}
        field = self.fields["production_batch"]
        field.queryset = product.production_batches.order_by("-production_date", "-id")
        field.empty_label = _("(none)")
        field.label_from_instance = lambda b: f"{b.lot_code} — {b.production_date:%d/%m/%Y}"


class BatchFilterForm(BootstrapMixin, forms.Form):
    """The stamp requests' filters; the statistics layer links its "stamps
    issued" figures here (approved, by unit and decision dates)."""

    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *RequestState.choices]
    )
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=None, required=False, widget=forms.HiddenInput
    )
    commune = forms.ModelChoiceField(
        label=_("Commune / ward"), queryset=None, required=False, widget=forms.HiddenInput
    )
    decided_from = forms.DateField(
        label=_("Decided from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    decided_to = forms.DateField(
        label=_("Decided until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = AdminUnit.objects.filter(era="2025")
        self.fields["province"].queryset = units.filter(level="province")
        self.fields["commune"].queryset = units.filter(level="commune")


class VoidForm(BootstrapMixin, forms.Form):
    WHOLE, LISTED = "all", "listed"
    which = forms.ChoiceField(
        label=_("Which stamps"),
        choices=[
            (LISTED, _("The stamps listed below")),
            (WHOLE, _("Every active stamp of this batch")),
        ],
        initial=LISTED,
        widget=forms.RadioSelect,
    )
    serials = forms.CharField(
        label=_("Serials (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "38-00001234-K"}),
        help_text=_("As printed under the QR code; spaces, dashes and case do not matter."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["which"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("which") == self.LISTED and not (cleaned.get("serials") or "").strip():
            self.add_error("serials", _("List the serials of the stamps to void."))
        return cleaned
