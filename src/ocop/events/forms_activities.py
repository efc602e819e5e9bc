"""Forms of the activities area: the activity, the officer's list filters,
the state change, files, the report after the event, the calendar filters
and topics. Validation that matters lives in the domain; these forms only
parse input."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.accounts.rules import scope_for
from ocop.core.forms import BootstrapMixin
from ocop.core.text import fold_vi
from ocop.geo.domain.queries import current_provinces, current_units
from ocop.geo.enums import Level
from ocop.geo.widgets import UnitPickerWidget

from .domain.activities import ACTIVITY_FIELDS
from .enums import ActivityKind, ActivityLevel, ActivityState, Audience
from .models import Activity, ActivityFile, Topic
from .rules import MANAGER_ROLES, READER_ROLES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Below this many communes the commune is a plain select; above, a search box.
SMALL_COMMUNE_LIST = 60


def _all(choices):
    return [("", _("All")), *choices]


def manageable_provinces(user):
    """Provinces offered on the activity form: all current ones for the
    centre, else those the user manages, else (a commune officer) the
    provinces of their communes, so that the domain can say why not."""
    scope = scope_for(user)
    provinces = current_provinces()
    if scope.is_national(MANAGER_ROLES):
        return provinces
    return provinces.filter(
        Q(pk__in=sorted(scope.province_ids(MANAGER_ROLES)))
        | Q(
            pk__in=current_units()
            .filter(pk__in=sorted(scope.commune_ids(MANAGER_ROLES)))
            .values("province_id")
        )
    )


def manageable_communes(user):
    """Current communes of the provinces the user manages, and their own communes."""
    scope = scope_for(user)
    communes = current_units().filter(level=Level.COMMUNE)
    if scope.is_national(MANAGER_ROLES):
        return communes
    return communes.filter(
        Q(province__in=sorted(scope.province_ids(MANAGER_ROLES)))
        | Q(pk__in=sorted(scope.commune_ids(MANAGER_ROLES)))
    )


class ActivityForm(BootstrapMixin, forms.ModelForm):
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Activity
        fields = ACTIVITY_FIELDS
        widgets = {
            "starts_on": DATE_WIDGET,
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends_on": DATE_WIDGET,
            "speakers": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        topics = Topic.objects.filter(active=True)
        if self.instance.pk:
            # A retired topic stays on the activities that have it.
            topics = Topic.objects.filter(Q(active=True) | Q(activities=self.instance)).distinct()
        self.fields["topics"].queryset = topics.order_by("position", "name")
        self.fields["province"].queryset = manageable_provinces(user)
        self.fields["province"].required = False
        communes = manageable_communes(user)
        self.fields["commune"].queryset = communes
        self.fields["commune"].required = False
        if communes.count() > SMALL_COMMUNE_LIST:
            self.fields["commune"].widget = UnitPickerWidget()
        self.fields["commune"].help_text = _("Only for an activity at commune level.")
        self.fields["province"].help_text = _(
            "For an activity at provincial level; at commune level it follows the commune."
        )

    def _post_clean(self):
        """The domain cleans the activity (the unit follows the level)."""


class ActivityFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=_all(ActivityKind.choices))
    level = forms.ChoiceField(label=_("Level"), required=False, choices=_all(ActivityLevel.choices))
    state = forms.ChoiceField(label=_("State"), required=False, choices=_all(ActivityState.choices))
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.all(), required=False, empty_label=_("All")
    )
    unit = forms.ModelChoiceField(
        label=_("Province or commune"),
        queryset=None,
        required=False,
        widget=UnitPickerWidget(),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = _all(
            [(y, str(y)) for y in range(this_year + 1, this_year - 6, -1)]
        )
        scope = scope_for(user)
        units = current_units().filter(level__in=(Level.PROVINCE, Level.COMMUNE))
        if not scope.is_national(READER_ROLES):
            provinces = sorted(scope.province_ids(READER_ROLES))
            units = units.filter(
                Q(pk__in=provinces)
                | Q(province__in=provinces)
                | Q(pk__in=sorted(scope.commune_ids(READER_ROLES)))
            )
        self.fields["unit"].queryset = units

    def filter(self, activities):
        if not self.is_valid():
            return activities
        data = self.cleaned_data
        for field in ("kind", "level", "state"):
            if data[field]:
                activities = activities.filter(**{field: data[field]})
        if data["year"]:
            activities = activities.filter(starts_on__year=data["year"])
        if data["topic"]:
            activities = activities.filter(
                pk__in=Topic.activities.through.objects.filter(topic=data["topic"]).values(
                    "activity_id"
                )
            )
        unit = data["unit"]
        if unit is not None:
            field = "province" if unit.level == Level.PROVINCE else "commune"
            activities = activities.filter(**{field: unit})
        if data["q"]:
            for word in fold_vi(data["q"]).split():
                activities = activities.filter(search_text__contains=word)
        return activities


class FileForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityFile.Kind.choices)
    upload = forms.FileField(
        label=_("File"),
        help_text=_("Materials: PDF, DOCX, XLSX, JPEG or PNG. Photos: JPEG or PNG."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)


class ReportForm(BootstrapMixin, forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What was done, who came, results and follow-up (the attendances are "
            "counted from the participants and head counts)."
        ),
    )


class CalendarFilterForm(BootstrapMixin, forms.Form):
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=None, required=False, empty_label=_("All")
    )
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=_all(ActivityKind.choices))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = current_provinces()


class TopicForm(BootstrapMixin, forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        help_text=_("Letters, digits and dashes; it does not change later."),
    )
    name = forms.CharField(label=_("Name (Vietnamese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    position = forms.IntegerField(
        label=_("Order"), min_value=0, max_value=32000, initial=100, required=False
    )

    def clean_position(self):
        position = self.cleaned_data["position"]
        return 100 if position is None else position


class TopicEditForm(TopicForm):
    active = forms.BooleanField(label=_("In use"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["code"]
