"""Forms of cycles, phases, rounds, ideas and business plans (no saving here:
the views pass ``cleaned_data`` to ``ocop.cycles.domain``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.accounts.rules import scope_for
from ocop.core.forms import BootstrapMixin
from ocop.geo.domain.queries import current_units
from ocop.geo.enums import Level
from ocop.geo.widgets import UnitPickerWidget
from ocop.producers.models import Subject
from ocop.products.enums import CategoryLevel
from ocop.products.models import ProductCategory

from . import rules
from .domain.cycles import MANAGER_ROLES, SETTINGS
from .domain.queries import cycles_visible_to
from .enums import IdeaState, PhaseKind
from .models import Cycle, EvaluationRound, Phase

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SETTINGS_HELP = _("Counted in working days (weekends and public holidays are skipped).")


class CycleForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Cycle
        fields = [
            "province",
            "year",
            "title",
            "plan_deadline_days",
            "commune_check_days",
            "province_check_days",
            "supplement_days",
            "late_submissions",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["province"]
            del self.fields["year"]
        else:
            scope = scope_for(user)
            provinces = current_units().filter(level=Level.PROVINCE).order_by("code")
            if not scope.is_national(MANAGER_ROLES):
                provinces = provinces.filter(pk__in=sorted(scope.province_ids(MANAGER_ROLES)))
            self.fields["province"].queryset = provinces
        for name in SETTINGS:
            self.fields[name].help_text = SETTINGS_HELP


class PhaseForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["kind", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = PhaseKind.choices

    def validate_constraints(self, exclude=None):
        """The domain checks the dates and gives its own message."""

    def validate_unique(self):
        """A phase set again replaces its dates (the domain decides)."""


class RoundForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = EvaluationRound
        fields = ["number", "title", "submission_deadline"]
        widgets = {"submission_deadline": DATE_WIDGET}

    def validate_unique(self):
        """The domain refuses a number used twice, with its own message."""


class IdeaForm(BootstrapMixin, forms.Form):
    cycle = forms.ModelChoiceField(label=_("Cycle"), queryset=None)
    subject = forms.ModelChoiceField(label=_("Subject"), queryset=None)
    product_name = forms.CharField(label=_("Product name"), max_length=255)
    category = forms.ModelChoiceField(label=_("Product set"), queryset=None, required=False)
    description = forms.CharField(label=_("The idea"), widget=forms.Textarea(attrs={"rows": 5}))
    origin = forms.CharField(
        label=_("Origin of the idea and local raw materials"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles_visible_to(user)
        self.fields["subject"].queryset = subjects_for_ideas(user)
        self.fields["category"].queryset = ProductCategory.objects.filter(
            level=CategoryLevel.SET, valid_to__isnull=True
        ).order_by("code")


def subjects_for_ideas(user):
    """Subjects the user may register ideas for: their own, or their commune's."""
    scope = scope_for(user)
    roles = (*rules.PRODUCER_ROLES, *rules.COMMUNE_ROLES)
    return (
        Subject.objects.filter(
            scope.q(province="province", commune="commune", subject="pk", roles=roles)
        )
        .select_related("commune")
        .order_by("name")
    )


class IdeaFilterForm(BootstrapMixin, forms.Form):
    cycle = forms.ModelChoiceField(
        label=_("Cycle"), queryset=None, required=False, empty_label=_("All")
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *IdeaState.choices]
    )
    commune = forms.ModelChoiceField(
        label=_("Commune / ward"), queryset=None, required=False, widget=UnitPickerWidget()
    )
    late = forms.BooleanField(label=_("Late business plans only"), required=False)
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=None, required=False, empty_label=_("All")
    )
    year = forms.IntegerField(label=_("Year of the cycle"), required=False, min_value=2000)
    plan = forms.BooleanField(label=_("With a business plan"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles_visible_to(user)
        self.fields["commune"].queryset = current_units().filter(level=Level.COMMUNE)
        self.fields["province"].queryset = current_units().filter(level=Level.PROVINCE)


class IdeaActionForm(BootstrapMixin, forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PlanForm(BootstrapMixin, forms.Form):
    summary = forms.CharField(
        label=_("Summary of the business plan"), widget=forms.Textarea(attrs={"rows": 6})
    )
    file = forms.FileField(
        label=_("File (PDF, DOCX or XLSX)"),
        required=False,
        help_text=_("The full plan (phương án / dự án sản xuất kinh doanh), if you have one."),
    )
