"""Forms of the dossier pages; they validate input, the domain writes."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import BootstrapMixin
from ocop.cycles.domain import checks
from ocop.cycles.domain.dossiers import EDITABLE_FIELDS
from ocop.cycles.enums import DossierKind, DossierState
from ocop.cycles.models import Dossier, EvaluationRound
from ocop.geo.models import AdminUnit
from ocop.producers.forms import DATE_WIDGET, DocumentForm


class DossierForm(BootstrapMixin, forms.ModelForm):
    """The registration form (phiếu đăng ký sản phẩm)."""

    class Meta:
        model = Dossier
        fields = EDITABLE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "story": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, editable=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not editable:
            for field in self.fields.values():
                field.disabled = True


def _round_label(round_) -> str:
    """The round's title; a round past its deadline (offered only when the
    cycle accepts late dossiers) says the dossier will be marked late."""
    if round_.submission_deadline < timezone.localdate():
        late = _("deadline passed: the dossier will be marked late")
        return f"{round_.title} — {late}"
    return round_.title


class DossierCreateForm(BootstrapMixin, forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=None)
    cycle = forms.ModelChoiceField(label=_("Cycle"), queryset=None, required=False)
    round = forms.ModelChoiceField(label=_("Evaluation round"), queryset=None, required=False)

    def __init__(self, *args, products, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["cycle"].queryset = cycles
        self.fields["cycle"].empty_label = _("(none)")
        # Closed rounds (deadline passed, the cycle refusing late dossiers)
        # are not offered; a round accepting late dossiers says so.
        self.fields["round"].queryset = checks.open_rounds(
            EvaluationRound.objects.filter(cycle__in=cycles), today=timezone.localdate()
        ).select_related("cycle")
        self.fields["round"].empty_label = _("(none)")
        self.fields["round"].label_from_instance = _round_label

    def clean(self):
        cleaned = super().clean()
        cycle, round_ = cleaned.get("cycle"), cleaned.get("round")
        if round_ is not None:
            if cycle is None:
                cleaned["cycle"] = round_.cycle
            elif round_.cycle_id != cycle.pk:
                self.add_error("round", _("This round belongs to another cycle."))
        return cleaned


class DossierFilterForm(BootstrapMixin, forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *DossierState.choices]
    )
    commune = forms.ModelChoiceField(
        label=_("Commune / ward"), queryset=None, required=False, empty_label=_("All")
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *DossierKind.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=None, required=False, empty_label=_("All")
    )
    year = forms.IntegerField(label=_("Year of the cycle"), required=False, min_value=2000)
    stage = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("", _("All")), ("central", _("on the central council's session"))],
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        self.fields["province"].queryset = AdminUnit.objects.filter(
            pk__in=communes.values("province_id")
        ).order_by("code")


class DossierDocumentForm(DocumentForm):
    """A new evidence document for the subject (or this product), then linked."""

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, subject=dossier.subject, **kwargs)
        self.fields["product"].queryset = self.fields["product"].queryset.filter(
            pk=dossier.product_id
        )


class CommuneCheckForm(BootstrapMixin, forms.Form):
    samples_received_on = forms.DateField(
        label=_("samples received on"), required=False, widget=DATE_WIDGET
    )
    samples_received_by = forms.CharField(
        label=_("samples received by"), max_length=200, required=False
    )
    samples_quantity = forms.IntegerField(
        label=_("samples received"),
        min_value=0,
        max_value=999,
        required=False,
        help_text=_(
            "Rule: the subject hands in 05 product samples with the dossier. The dossier "
            "cannot be forwarded to the province until the date of receipt and at least "
            "05 samples are recorded here."
        ),
    )
    site_visit_on = forms.DateField(
        label=_("site visit on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_(
            "Rule: for a tourism service the site visit replaces the samples; its date "
            "must be recorded before the dossier is forwarded."
        ),
    )
    commune_report = forms.CharField(
        label=_("commune evaluation report"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Required before forwarding, with the commune's assessment of its local criteria."
        ),
    )

    def __init__(self, *args, tourism=False, **kwargs):
        super().__init__(*args, **kwargs)
        if tourism:
            for name in ("samples_received_on", "samples_received_by", "samples_quantity"):
                del self.fields[name]
        else:
            del self.fields["site_visit_on"]


class ActionForm(BootstrapMixin, forms.Form):
    action = forms.CharField(max_length=30)
    reason = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)
    missing = forms.CharField(required=False, max_length=5000, widget=forms.Textarea)

    def missing_items(self) -> list[str]:
        text = self.cleaned_data.get("missing", "") if hasattr(self, "cleaned_data") else ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class ScheduleForm(BootstrapMixin, forms.Form):
    session = forms.ModelChoiceField(label=_("Council session"), queryset=None)

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
