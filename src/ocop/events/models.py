"""Capacity building, publicity and support (issue 7).

* ``Activity``: a training class, conference, publicity conference, fair,
  supply–demand connection event, study tour… organised by the centre, a
  province or a commune, with its topics, speakers, files, cost and the report
  written after it.
* ``Registration``: a named participant (linked to a subject or an account
  when known), with a QR token for check-in. ``HeadCount``: attendances that
  were only counted, per audience category.
* ``MaterialDistribution``: publicity output handed out (panels, handbooks,
  leaflets, OCOP stamps, clips). ``Support``: support given to one subject.

Scope: an activity and a distribution belong to ``province`` (None for the
centre) and, at commune level, to ``commune``; a support belongs to its
subject's province and commune.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.text import fold_vi

from .enums import (
    ActivityKind,
    ActivityLevel,
    ActivityState,
    Audience,
    CheckInMethod,
    FundingSource,
    MaterialKind,
    RegistrationChannel,
    RegistrationState,
    SupportKind,
)

TOKEN_LENGTH = 20


def new_registration_token() -> str:
    """An unguessable code for a registration's QR (letters and digits only)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(TOKEN_LENGTH))


class Topic(models.Model):
    """A topic of training or publicity, from a managed list (seeded with the
    topics provinces report; administrators add, rename or retire them)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["position", "name"]

    def __str__(self):
        from django.utils.translation import get_language  # noqa: PLC0415 -- leaf

        if self.name_en and (get_language() or "vi").startswith("en"):
            return self.name_en
        return self.name


class Activity(models.Model):
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("type"), max_length=20, choices=ActivityKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=ActivityLevel.choices)
    province = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for an activity of the central office."),
    )
    commune = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("commune / ward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organiser = models.CharField(_("organising unit"), max_length=300)
    starts_on = models.DateField(_("from"))
    start_time = models.TimeField(
        _("starting time"),
        null=True,
        blank=True,
        help_text=_("When the first day begins (e.g. 08:00); shown with the date."),
    )
    ends_on = models.DateField(_("to"))
    place = models.CharField(_("place"), max_length=300)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="activities"
    )
    speakers = models.TextField(_("speakers"), blank=True)
    description = models.TextField(_("content"), blank=True)
    funding_source = models.CharField(
        _("funding source"), max_length=20, choices=FundingSource.choices, blank=True
    )
    cost = models.DecimalField(
        _("cost (VND)"), max_digits=15, decimal_places=0, null=True, blank=True
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    is_public = models.BooleanField(
        _("shown on the public calendar"),
        default=True,
        help_text=_("Internal classes (for officials only) are not shown to the public."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ActivityState.choices, default=ActivityState.PLANNED
    )
    cancel_reason = models.TextField(_("why cancelled"), blank=True)
    outcome = models.TextField(_("report after the event"), blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    search_text = models.CharField(max_length=600, editable=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["province", "starts_on"]),
            models.Index(fields=["commune", "starts_on"]),
            models.Index(fields=["state", "is_public", "ends_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="events_activity_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(cost__isnull=True) | models.Q(cost__gte=0),
                name="events_activity_cost_not_negative",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = fold_vi(f"{self.title} {self.organiser} {self.place}")[:600]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def unit(self):
        """The unit that owns the activity (commune, else province; None: the centre)."""
        return self.commune or self.province

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def target_group_labels(self) -> list[str]:
        return [Audience(v).label for v in self.target_groups if v in Audience.values]


def activity_file_path(instance, filename):
    return f"events/{instance.activity_id}/{instance.kind}/{secrets.token_hex(8)}-{filename[-80:]}"


class ActivityFile(models.Model):
    """A file of an activity: teaching material or a photo of the event."""

    class Kind(models.TextChoices):
        MATERIAL = "material", _("material")
        PHOTO = "photo", _("photo")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=activity_file_path)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    original_name = models.CharField(max_length=255, blank=True, editable=False)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    size = models.PositiveIntegerField(default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity file")
        verbose_name_plural = _("activity files")
        ordering = ["kind", "uploaded_at", "id"]

    def __str__(self):
        return self.caption or self.original_name


class Registration(models.Model):
    """A named participant of an activity.

    ``person_key`` says who the person is, for refusing a second registration
    of the same person: their account when known, else their phone number,
    else their e-mail, else their folded name with their subject."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="registrations")
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.CharField(_("organisation / position"), max_length=300, blank=True)
    audience = models.CharField(_("participant group"), max_length=20, choices=Audience.choices)
    subject = models.ForeignKey(
        "producers.Subject",
        verbose_name=_("OCOP subject"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    person_key = models.CharField(max_length=300, editable=False)
    token = models.CharField(
        max_length=TOKEN_LENGTH, unique=True, default=new_registration_token, editable=False
    )
    channel = models.CharField(max_length=10, choices=RegistrationChannel.choices)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=RegistrationState.choices,
        default=RegistrationState.REGISTERED,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    check_in_method = models.CharField(max_length=10, choices=CheckInMethod.choices, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person_key"],
                condition=models.Q(state="registered"),
                name="events_one_registration_per_person",
            )
        ]
        indexes = [
            models.Index(fields=["activity", "state"]),
            models.Index(fields=["subject", "checked_in_at"]),
        ]

    def __str__(self):
        return f"{self.full_name} — {self.activity}"

    @property
    def attended(self) -> bool:
        return self.state == RegistrationState.REGISTERED and self.checked_in_at is not None


class HeadCount(models.Model):
    """Attendances that were counted but not named, per audience category.
    Reports add them to the named attendances (so they must not repeat
    people who are on the named list)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="head_counts")
    audience = models.CharField(_("participant group"), max_length=20, choices=Audience.choices)
    count = models.PositiveIntegerField(_("attendances"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("head count")
        verbose_name_plural = _("head counts")
        ordering = ["audience"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "audience"], name="events_one_head_count_per_audience"
            )
        ]

    def __str__(self):
        return f"{self.get_audience_display()}: {self.count}"


class MaterialDistribution(models.Model):
    """Publicity output handed out: panels, handbooks, leaflets, OCOP stamps, clips."""

    kind = models.CharField(_("kind"), max_length=10, choices=MaterialKind.choices)
    quantity = models.PositiveIntegerField(_("quantity"))
    distributed_on = models.DateField(_("date"))
    place = models.CharField(_("where distributed"), max_length=300, blank=True)
    provider = models.CharField(_("provided by"), max_length=300, blank=True)
    value = models.DecimalField(
        _("value (VND)"), max_digits=15, decimal_places=0, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    province = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commune = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("commune / ward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("at the activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="distributions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("materials distributed")
        verbose_name_plural = _("materials distributed")
        ordering = ["-distributed_on", "-id"]
        indexes = [models.Index(fields=["province", "distributed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="events_distribution_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.quantity}"


class Support(models.Model):
    """Support given to one subject (a clip, a traceability account, an
    e-commerce listing, a fair booth, consulting, funding…)."""

    subject = models.ForeignKey(
        "producers.Subject",
        verbose_name=_("subject"),
        on_delete=models.PROTECT,
        related_name="supports",
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supports",
    )
    kind = models.CharField(_("kind of support"), max_length=15, choices=SupportKind.choices)
    given_on = models.DateField(_("date"))
    provider = models.CharField(_("provided by"), max_length=300)
    value = models.DecimalField(
        _("value (VND)"), max_digits=15, decimal_places=0, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("at the activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supports",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support to a subject")
        verbose_name_plural = _("support to subjects")
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["subject", "given_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=0),
                name="events_support_value_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.subject}"
