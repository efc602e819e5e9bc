"""Forms of trade promotion: they read input, ``trade.domain`` decides."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.accounts.rules import scope_for
from ocop.core.forms import HUMAN_MIN_SECONDS, BootstrapMixin, HumanCheckMixin
from ocop.events.forms_reports import UnitChoiceField, scope_units
from ocop.geo.domain.queries import current_units
from ocop.geo.enums import Level
from ocop.geo.widgets import UnitPickerWidget

from .domain.countries import country_choices
from .domain.inquiries import (
    CONTACT_MAX,
    MESSAGE_MAX,
    MESSAGE_MIN,
    NAME_MAX,
    NOTE_MAX,
    ORGANISATION_MAX,
    QUANTITY_MAX,
)
from .domain.points import POINT_FIELDS
from .domain.queries import public_products
from .enums import InquiryState, Platform, PointKind
from .models import PointOfSale
from .rules import POINT_MANAGER_ROLES, READER_ROLES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FIRST_YEAR = 2019


class PointForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = PointOfSale
        fields = [*POINT_FIELDS, "products"]
        widgets = {
            "commune": UnitPickerWidget(),
            "since": DATE_WIDGET,
            "until": DATE_WIDGET,
            "products": forms.SelectMultiple(attrs={"size": 10}),
        }
        help_texts = {
            "latitude": _("Decimal degrees, e.g. 19.807165 (optional; shown on the map)."),
            "longitude": _("Decimal degrees, e.g. 105.776512."),
            "opening_hours": _("For example: 7:30–21:00 every day."),
            "until": _("Only when the point has closed; it then leaves the public list."),
            "products": _(
                "OCOP products whose certificate is in force, of your province. "
                "Hold Ctrl (or ⌘) to choose several."
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = current_units().filter(level=Level.COMMUNE)
        scope = scope_for(user)
        products = public_products()
        if not scope.is_national(POINT_MANAGER_ROLES):
            provinces = sorted(scope.province_ids(POINT_MANAGER_ROLES))
            communes = sorted(scope.commune_ids(POINT_MANAGER_ROLES))
            products = products.filter(
                Q(province__in=provinces) | Q(province__in=_provinces_of(communes))
            )
        if self.instance.pk:
            products = products | self.instance.products.all()
        self.fields["products"].queryset = (
            products.distinct().select_related("subject").order_by("search_text", "id")
        )
        self.fields["products"].label_from_instance = _product_label
        self.fields["products"].required = False

    def _post_clean(self):
        """The domain checks the point (unit, coordinates, dates)."""

    def domain_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["products"] = list(data.get("products") or [])
        return data


def _provinces_of(commune_ids):
    return current_units().filter(pk__in=commune_ids).values("province")


def _product_label(product) -> str:
    return f"{product.name} — {product.subject.name}"


class PointFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All")), *PointKind.choices]
    )
    open = forms.ChoiceField(
        label=_("Open or closed"),
        required=False,
        choices=[("", _("All")), ("open", _("Open")), ("closed", _("Closed"))],
    )

    def filter(self, queryset):
        from ocop.core.search import search  # noqa: PLC0415 -- leaf

        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        today = timezone.localdate()
        if data.get("open") == "open":
            queryset = queryset.filter(Q(until__isnull=True) | Q(until__gte=today))
        elif data.get("open") == "closed":
            queryset = queryset.filter(until__lt=today)
        if data.get("q"):
            queryset = search(queryset, data["q"])
        return queryset


class ListingForm(BootstrapMixin, forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    url = forms.CharField(
        label=_("Address of the product's page (URL)"),
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    since = forms.DateField(label=_("Listed since"), widget=DATE_WIDGET)


class ExportForm(BootstrapMixin, forms.Form):
    country = forms.ChoiceField(label=_("Country"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=255,
        help_text=_("For example: the importer, the quantity, the certification."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *country_choices()]
        self.fields["year"].initial = timezone.localdate().year


# Public inquiry form -------------------------------------------------------------------

MIN_SECONDS = HUMAN_MIN_SECONDS


class InquiryForm(HumanCheckMixin, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=NAME_MAX)
    organisation = forms.CharField(
        label=_("Organisation or business (optional)"),
        required=False,
        max_length=ORGANISATION_MAX,
    )
    contact = forms.CharField(
        label=_("Phone or e-mail"),
        max_length=CONTACT_MAX,
        help_text=_(
            "The producer and the provincial OCOP office answer you there. It is not published."
        ),
    )
    quantity = forms.CharField(
        label=_("Quantity wanted (optional)"),
        required=False,
        max_length=QUANTITY_MAX,
        help_text=_("For example: 200 boxes a month."),
    )
    message = forms.CharField(
        label=_("Your request"),
        min_length=MESSAGE_MIN,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    honeypot_message = _(
        "Your inquiry could not be accepted. If you are a person, leave the "
        "last field empty and send it again."
    )
    too_fast_message = _("That was very quick. Please check your inquiry and send it again.")


class InquiryActionForm(BootstrapMixin, forms.Form):
    action = forms.CharField()
    note = forms.CharField(required=False, max_length=NOTE_MAX, widget=forms.Textarea)


class InquiryFilterForm(BootstrapMixin, forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All")), *InquiryState.choices]


class OverviewForm(BootstrapMixin, forms.Form):
    """The unit and year whose counts the overview shows."""

    unit = forms.ChoiceField(label=_("Unit"), required=False)
    year = forms.ChoiceField(label=_("Year"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = scope_units(user, READER_ROLES)
        self.unit_field = UnitChoiceField(units=units, label=_("Unit"), required=False)
        self.fields["unit"] = self.unit_field
        self.fields["unit"].widget.attrs["class"] = "form-select"
        this_year = timezone.localdate().year
        self.fields["year"].choices = [
            (str(y), str(y)) for y in range(this_year, FIRST_YEAR - 1, -1)
        ]
        self.first_unit = units[0][2] if units else None

    def values(self):
        """(unit, year): the chosen ones, or the person's first unit and this year."""
        if self.is_bound and self.is_valid():
            unit = self.cleaned_data.get("unit")
            year = int(self.cleaned_data.get("year") or timezone.localdate().year)
            if self.data.get("unit"):
                return unit, year
            return self.first_unit, year
        return self.first_unit, timezone.localdate().year
