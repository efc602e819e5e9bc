"""Forms of the post-certification inspection: input validation only; the
domain functions decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.certification.models import RevocationGround
from ocop.core.forms import BootstrapMixin
from ocop.products.models import Product
from ocop.stamps.models import Stamp

from .enums import AnswerResult, ComplaintState, Outcome
from .models import Complaint

DATE = {"type": "date"}


def date_field(label, **kwargs):
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"), **kwargs
    )


class PlanCreateForm(BootstrapMixin, forms.Form):
    province = forms.ModelChoiceField(label=_("Province"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("Year"), min_value=2020, max_value=2100)

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces
        self.fields["year"].initial = timezone.localdate().year


class CandidateForm(BootstrapMixin, forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=None)
    reason = forms.CharField(
        label=_("Why is it added?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(province=province).order_by(
            "search_text"
        )


class RemoveCandidateForm(BootstrapMixin, forms.Form):
    candidate = forms.ModelChoiceField(label=_("Product to remove"), queryset=None)
    reason = forms.CharField(
        label=_("Why is it removed?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = candidates
        self.fields["candidate"].label_from_instance = lambda c: c.product.name


class ActionReasonForm(BootstrapMixin, forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(BootstrapMixin, forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=None)
    inspector = forms.ChoiceField(label=_("Inspector"))
    on = date_field(_("Date of the visit"))

    def __init__(self, *args, products, inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.inspectors = {str(u.pk): u for u in inspectors}
        self.fields["inspector"].choices = [
            (str(u.pk), u.get_full_name() or u.username) for u in inspectors
        ]

    def clean_inspector(self):
        return self.inspectors[self.cleaned_data["inspector"]]


class RevisitForm(BootstrapMixin, forms.Form):
    inspector = forms.ChoiceField(label=_("Inspector"))
    on = date_field(_("Date of the re-visit"))

    def __init__(self, *args, inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspectors = {str(u.pk): u for u in inspectors}
        self.fields["inspector"].choices = [
            (str(u.pk), u.get_full_name() or u.username) for u in inspectors
        ]

    def clean_inspector(self):
        return self.inspectors[self.cleaned_data["inspector"]]


class AnswersForm(BootstrapMixin, forms.Form):
    """One result and one note per checklist question, and the visit's notes."""

    notes = forms.CharField(
        label=_("Notes of the visit"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    client_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, items, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        answers = answers or {}
        self.items = list(items)
        for item in self.items:
            given = answers.get(item.pk)
            self.fields[f"r_{item.code}"] = forms.ChoiceField(
                label=f"{item.code}. {item.text}",
                choices=AnswerResult.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=given.result if given else None,
                help_text=item.guidance,
            )
            self.fields[f"n_{item.code}"] = forms.CharField(
                label=_("What was seen (%(code)s)") % {"code": item.code},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 1}),
                initial=given.note if given else "",
            )

    def rows(self):
        return [(item, self[f"r_{item.code}"], self[f"n_{item.code}"]) for item in self.items]

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            item.code: (data[f"r_{item.code}"], data[f"n_{item.code}"])
            for item in self.items
            if data.get(f"r_{item.code}")
        }


class PhotoForm(BootstrapMixin, forms.Form):
    photo = forms.FileField(label=_("Photo"), help_text=_("JPEG or PNG."))
    caption = forms.CharField(label=_("Caption"), max_length=255, required=False)
    location_consent = forms.BooleanField(
        label=_("The representative agrees that the place of the photo is recorded"),
        required=False,
    )
    latitude = forms.DecimalField(
        max_digits=8, decimal_places=5, required=False, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        max_digits=8, decimal_places=5, required=False, widget=forms.HiddenInput
    )
    client_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # When a photo kept on the phone without a signal was taken (sent later).
    taken_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)


class AcknowledgeForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name of the producer's representative"), max_length=200)
    title = forms.CharField(label=_("Position"), max_length=200, required=False)
    confirmed = forms.BooleanField(
        label=_("The representative has read the record and acknowledges it"), required=False
    )


class CorrectiveActionForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label=_("Corrective action"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = date_field(_("Deadline"))


class CloseForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    visited_on = date_field(_("Visited on"))
    ground = forms.ModelChoiceField(
        label=_("Ground for revocation (only for a proposal to revoke)"),
        queryset=RevocationGround.objects.filter(active=True),
        required=False,
    )
    evidence = forms.CharField(
        label=_("Evidence (only for a proposal to revoke)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    complaints = forms.ModelMultipleChoiceField(
        label=_("Complaints this visit resolves"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    flags = forms.ModelMultipleChoiceField(
        label=_("Flagged stamps this visit resolves"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = timezone.localdate()
        self.fields["complaints"].queryset = Complaint.objects.filter(product=product).exclude(
            state=ComplaintState.CLOSED
        )
        self.fields["flags"].queryset = Stamp.objects.filter(
            batch__product=product, flagged_at__isnull=False
        )


class VoidForm(BootstrapMixin, forms.Form):
    serials = forms.CharField(
        label=_("Serials of the misused stamps (one a line)"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProposalForm(BootstrapMixin, forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    decision_number = forms.CharField(
        label=_("Revocation decision number"), max_length=100, required=False
    )
    decision_date = date_field(_("Revocation decision date"), required=False)
    reason = forms.CharField(
        label=_("Why is it not followed?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FiguresForm(BootstrapMixin, forms.Form):
    start = date_field(_("From"), required=False)
    end = date_field(_("To"), required=False)
