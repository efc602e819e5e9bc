"""Forms of the publicity-output, support, untrained-subjects and report
pages; they read input, ``events.domain`` decides."""

from datetime import date, timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.accounts.rules import scope_for
from ocop.core.forms import BootstrapMixin
from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit

from .enums import ActivityState, MaterialKind, SupportKind
from .rules import MANAGER_ROLES, READER_ROLES

FIRST_YEAR = 2019  # the OCOP programme's second phase (2021) with the years before it
RECENT_ACTIVITY_DAYS = 2 * 366
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ALL_UNITS = ""


def scope_units(user, roles) -> list[tuple[str, str, AdminUnit | None]]:
    """The units whose records the user may read (``READER_ROLES``) or write
    (``MANAGER_ROLES``), as (value, label, unit): the central office first
    (value "") for the national scope, then provinces, then communes."""
    scope = scope_for(user)
    current = AdminUnit.objects.filter(era=Era.CURRENT)
    if scope.is_national(roles):
        provinces = current.filter(level=Level.PROVINCE).order_by("code")
        return [(ALL_UNITS, str(_("Whole country (central office)")), None)] + [
            (str(p.pk), p.full_name, p) for p in provinces
        ]
    province_ids = sorted(scope.province_ids(roles))
    commune_ids = sorted(scope.commune_ids(roles))
    units = list(
        current.filter(
            Q(pk__in=province_ids, level=Level.PROVINCE)
            | Q(province__in=province_ids, level=Level.COMMUNE)
            | Q(pk__in=commune_ids, level=Level.COMMUNE)
        )
        .select_related("province")
        .order_by("province__code", "level", "code")
    )
    # Provinces first (level "province" sorts after "commune"), then their communes.
    units.sort(key=lambda u: (u.province.code if u.province else "", u.level != Level.PROVINCE))
    return [(str(u.pk), u.full_name, u) for u in units]


def year_choices(today: date | None = None):
    today = today or timezone.localdate()
    return [("", _("All years"))] + [
        (str(y), str(y)) for y in range(today.year, FIRST_YEAR - 1, -1)
    ]


class UnitChoiceField(forms.ChoiceField):
    """A unit among ``scope_units``; its cleaned value is the AdminUnit (None:
    the centre / the whole country)."""

    def __init__(self, *, units, **kwargs):
        self.units = {value: unit for value, _label, unit in units}
        super().__init__(choices=[(v, label) for v, label, _u in units], **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.units.get(value)


# Materials distributed -----------------------------------------------------------------


class DistributionFilterForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *MaterialKind.choices]
    )
    year = forms.ChoiceField(label=_("Year"), required=False)
    unit = forms.ChoiceField(label=_("Unit"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()
        self.units = {v: u for v, _label, u in scope_units(user, READER_ROLES) if u is not None}
        self.fields["unit"].choices = [("", _("All units"))] + [
            (v, u.full_name) for v, u in self.units.items()
        ]

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("year"):
            queryset = queryset.filter(distributed_on__year=int(data["year"]))
        unit = self.units.get(data.get("unit") or "")
        if unit is not None:
            if unit.level == Level.PROVINCE:
                queryset = queryset.filter(province=unit)
            else:
                queryset = queryset.filter(commune=unit)
        return queryset


class DistributionForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    distributed_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    unit = forms.ChoiceField(label=_("Unit"))
    place = forms.CharField(
        label=_("Places"),
        required=False,
        max_length=300,
        help_text=_("Where the materials were put up or handed out."),
    )
    provider = forms.CharField(label=_("Provided by"), required=False, max_length=300)
    value = forms.DecimalField(
        label=_("Value (VND)"), required=False, min_value=0, decimal_places=0, max_digits=15
    )
    activity = forms.ModelChoiceField(
        label=_("At the activity (optional)"), queryset=None, required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = scope_units(user, MANAGER_ROLES)
        self.unit_field = UnitChoiceField(units=units, label=_("Unit"))
        self.fields["unit"] = self.unit_field
        self.fields["unit"].widget.attrs["class"] = "form-select"
        self.fields["activity"].queryset = _recent_activities(user)
        self.fields["activity"].empty_label = _("(none)")
        self.fields["activity"].label_from_instance = _activity_label

    def domain_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        unit = data.pop("unit")
        data["province"] = unit if unit is not None and unit.level == Level.PROVINCE else None
        data["commune"] = unit if unit is not None and unit.level == Level.COMMUNE else None
        return data


def _recent_activities(user):
    from .domain.queries import activities_of_scope  # noqa: PLC0415 -- leaf

    since = timezone.localdate() - timedelta(days=RECENT_ACTIVITY_DAYS)
    return (
        activities_of_scope(user)
        .exclude(state=ActivityState.CANCELLED)
        .filter(starts_on__gte=since)
        .order_by("-starts_on", "-id")
    )


def _activity_label(activity) -> str:
    return f"{activity.starts_on:%d/%m/%Y} — {activity.title}"


# Support to subjects -------------------------------------------------------------------


class SupportFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Subject"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind of support"), required=False, choices=[("", _("All")), *SupportKind.choices]
    )
    year = forms.ChoiceField(label=_("Year"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()

    def filter(self, queryset):
        from ocop.core.search import search  # noqa: PLC0415 -- leaf

        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("year"):
            queryset = queryset.filter(given_on__year=int(data["year"]))
        if data.get("q"):
            queryset = search(queryset, data["q"], field="subject__search_text", exhaustive=True)
        return queryset


def managed_subjects(user):
    """Subjects whose support this officer records (those of their unit)."""
    from ocop.producers.models import Subject  # noqa: PLC0415 -- leaf

    return (
        Subject.objects.filter(
            scope_for(user).q(province="province", commune="commune", roles=MANAGER_ROLES)
        )
        .select_related("commune")
        .order_by("search_text", "id")
    )


class SupportForm(BootstrapMixin, forms.Form):
    subject = forms.ModelChoiceField(label=_("Subject"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind of support"), choices=SupportKind.choices)
    given_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    provider = forms.CharField(label=_("Provided by"), max_length=300)
    product = forms.ModelChoiceField(label=_("Product (optional)"), queryset=None, required=False)
    value = forms.DecimalField(
        label=_("Value (VND)"), required=False, min_value=0, decimal_places=0, max_digits=15
    )
    activity = forms.ModelChoiceField(
        label=_("At the activity (optional)"), queryset=None, required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, subject=None, **kwargs):
        from ocop.products.models import Product  # noqa: PLC0415 -- leaf

        super().__init__(*args, **kwargs)
        subjects = managed_subjects(user)
        self.fields["subject"].queryset = subjects
        self.fields["subject"].label_from_instance = lambda s: f"{s.name} — {s.commune.name}"
        products = Product.objects.select_related("subject").order_by("subject__name", "name")
        if subject is not None:
            self.fields["subject"].initial = subject.pk
            products = products.filter(subject=subject)
            self.fields["product"].label_from_instance = lambda p: p.name
        else:
            products = products.filter(subject__in=subjects.values("pk"))
            self.fields["product"].label_from_instance = lambda p: f"{p.name} ({p.subject.name})"
        self.fields["product"].queryset = products
        self.fields["product"].empty_label = _("(none)")
        self.fields["activity"].queryset = _recent_activities(user)
        self.fields["activity"].empty_label = _("(none)")
        self.fields["activity"].label_from_instance = _activity_label


# Subjects without training -------------------------------------------------------------


class UntrainedForm(BootstrapMixin, forms.Form):
    years = forms.IntegerField(
        label=_("No training in the last (years)"), min_value=1, max_value=10, required=False
    )
    commune = forms.ChoiceField(label=_("Commune / ward"), required=False)

    DEFAULT_YEARS = 2

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.communes = {
            v: u
            for v, _label, u in scope_units(user, READER_ROLES)
            if u is not None and u.level == Level.COMMUNE
        }
        self.fields["commune"].choices = [("", _("All communes"))] + [
            (v, u.full_name) for v, u in self.communes.items()
        ]

    def clean_years(self):
        return self.cleaned_data.get("years") or self.DEFAULT_YEARS

    def clean_commune(self):
        return self.communes.get(self.cleaned_data.get("commune") or "")


# The report ----------------------------------------------------------------------------


class ReportForm(BootstrapMixin, forms.Form):
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = scope_units(user, READER_ROLES)
        self.fields["unit"].choices = [(v, label) for v, label, _u in self.units]

    @staticmethod
    def with_defaults(query, *, today: date | None = None):
        """The query with the current calendar year when no dates are given."""
        today = today or timezone.localdate()
        data = query.copy()
        if not data.get("date_from"):
            data["date_from"] = date(today.year, 1, 1).isoformat()
        if not data.get("date_to"):
            data["date_to"] = date(today.year, 12, 31).isoformat()
        return data

    def unit_for(self, value: str):
        """(found, unit): the unit of ``value`` among the reader's units; an
        empty value is the first of them (the whole country, or their own unit)."""
        if not self.units:
            return False, None
        if not value:
            return True, self.units[0][2]
        for v, _label, unit in self.units:
            if v == value:
                return True, unit
        return False, None

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["date_from"] = data.get("date_from") or date(today.year, 1, 1)
        data["date_to"] = data.get("date_to") or date(today.year, 12, 31)
        if data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return data
