"""Forms of production batches and their events (no saving here: the views
pass ``cleaned_data`` to ``ocop.traceability.domain.batches``)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import BootstrapMixin

from .domain.batches import amount
from .enums import BizStep
from .models import ProductionBatch

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class BatchForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ProductionBatch
        fields = [
            "lot_code",
            "production_date",
            "expiry_date",
            "quantity",
            "unit",
            "standards",
            "note",
        ]
        widgets = {
            "production_date": DATE_WIDGET,
            "expiry_date": DATE_WIDGET,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "lot_code": _(
                "As printed on the pack: up to 20 letters without accents, digits and - . / _"
            ),
            "unit": _("For example: chai 500 ml, hộp, kg."),
            "standards": _("For example: TCVN 5107:2018, VietGAP, HACCP."),
        }

    def validate_unique(self):
        """The domain refuses a lot code used twice, with its own message."""

    def validate_constraints(self, exclude=None):
        """The domain checks the quantity and gives its own message."""


class EventForm(BootstrapMixin, forms.Form):
    biz_step = forms.ChoiceField(label=_("Step"), choices=BizStep.choices)
    event_time = forms.DateTimeField(label=_("Date and time"), widget=DATETIME_WIDGET)
    place = forms.CharField(
        label=_("Place"),
        max_length=300,
        help_text=_("Where it took place: farm, workshop, warehouse, shop, with its address."),
    )
    gln = forms.CharField(
        label=_("Location code (GLN)"),
        max_length=20,
        required=False,
        help_text=_("The 13-digit GS1 location number, if the place has one."),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("How much of the batch this step concerns, in the batch's unit."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, batch=None, **kwargs):
        super().__init__(*args, **kwargs)
        if batch is not None:
            self.fields["quantity"].help_text = _(
                "How much of the batch this step concerns, in %(unit)s (at most %(quantity)s)."
            ) % {"unit": batch.unit, "quantity": amount(batch.quantity)}

    @classmethod
    def initial_from(cls, event) -> dict:
        return {
            "biz_step": event.biz_step,
            "event_time": timezone.localtime(event.event_time),
            "place": event.place,
            "gln": event.gln,
            "quantity": event.quantity,
            "description": event.description,
        }


class CorrectionForm(EventForm):
    note = forms.CharField(
        label=_("What was wrong"),
        max_length=300,
        help_text=_("The recorded event stays on record, marked as corrected by this one."),
    )


class WithdrawForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("Why it did not take place"),
        max_length=300,
        help_text=_("The event stays on record, marked as withdrawn, and is no longer shown."),
    )
