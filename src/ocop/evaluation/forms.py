from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.accounts.domain.queries import account_by_login
from ocop.core.forms import BootstrapMixin
from ocop.geo.domain.queries import current_units
from ocop.geo.enums import Level
from ocop.geo.models import AdminUnit
from ocop.geo.widgets import UnitPickerWidget
from ocop.products.enums import CategoryLevel
from ocop.products.models import ProductCategory

from .enums import Body, ConflictKind, MemberRole, SessionState
from .models import Council, Session

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CouncilForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Council
        fields = [
            "name",
            "level",
            "unit",
            "decision_number",
            "decision_date",
            "decision_issuer",
            "quorum_percent",
            "quorum_requires_chair",
            "max_spread",
            "max_criterion_spread",
        ]
        widgets = {"decision_date": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = AdminUnit.objects.filter(
            level__in=[Level.PROVINCE, Level.DISTRICT]
        ).order_by("era", "name")
        self.fields["unit"].required = False
        self.fields["unit"].help_text = _(
            "The province of a provincial council; a district only for records before "
            "1 July 2025; empty for the central council."
        )
        self.fields["quorum_percent"].help_text = _(
            "Set by your province's council regulation (e.g. 75% with the chair present)."
        )
        self.fields["max_spread"].help_text = _(
            "If members' totals differ by more, the product is discussed and re-scored "
            "(10 points in most provincial regulations)."
        )
        self.fields["max_criterion_spread"].help_text = _(
            "Not set by the decisions on OCOP: the council's own rule. After submission, "
            "criteria on which members' points differ by more are highlighted for discussion."
        )


class MemberForm(BootstrapMixin, forms.Form):
    login = forms.CharField(
        label=_("Account (username or e-mail)"),
        help_text=_("Each member scores from their own account."),
    )
    body = forms.ChoiceField(label=_("Body"), choices=Body.choices)
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)
    organisation = forms.CharField(label=_("Organisation"), required=False)
    position = forms.CharField(label=_("Position"), required=False)
    commune = forms.ModelChoiceField(
        label=_("Commune of residence or work"),
        queryset=None,
        required=False,
        widget=UnitPickerWidget(),
        help_text=_("Used to flag conflicts with subjects of the same commune."),
    )
    expertise = forms.ModelMultipleChoiceField(
        label=_("Expertise (product groups)"),
        queryset=None,
        required=False,
        help_text=_("The product groups the member knows best, to plan who scores what."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = current_units().filter(level=Level.COMMUNE)
        self.fields["expertise"].queryset = ProductCategory.objects.filter(
            level__in=[CategoryLevel.GROUP, CategoryLevel.SUBGROUP], valid_to__isnull=True
        ).order_by("code")

    def clean_login(self):
        user = account_by_login(self.cleaned_data["login"])
        if user is None:
            raise forms.ValidationError(_("No account has this username or e-mail."))
        return user


class SessionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Session
        fields = ["title", "date", "start_time", "place"]
        widgets = {
            "date": DATE_WIDGET,
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "date": _(
                "Scoring opens on this day; if it opens on another day, the session's date "
                "becomes that day and the change is logged."
            ),
        }


class ConflictForm(BootstrapMixin, forms.Form):
    item = forms.ModelChoiceField(label=_("Product"), queryset=None)
    member = forms.ModelChoiceField(label=_("Member"), queryset=None)
    kind = forms.ChoiceField(label=_("Relation"), choices=ConflictKind.choices)
    note = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea({"rows": 2}))
    recuse = forms.BooleanField(
        label=_("The member does not score this product"), required=False, initial=True
    )

    def __init__(self, *args, session, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = session.items.select_related("product")
        self.fields["item"].label_from_instance = lambda i: str(i.product)
        members = session.council.members.filter(body=Body.COUNCIL, active=True).select_related(
            "user"
        )
        if member is not None:
            members = members.filter(pk=member.pk)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: m.name


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea({"rows": 2}))


class CloseForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("Conclusions for the minutes"), required=False, widget=forms.Textarea({"rows": 3})
    )


class SessionFilterForm(BootstrapMixin, forms.Form):
    """The sessions list's filters (the statistics layer links here)."""

    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *SessionState.choices]
    )
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=None, required=False, empty_label=_("All")
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = current_units().filter(level=Level.PROVINCE)
