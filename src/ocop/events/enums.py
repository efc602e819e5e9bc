"""Kinds and states of capacity-building, publicity and support records.

The wording follows the provinces' annual OCOP reports ("hội nghị tuyên
truyền", "lớp tập huấn", "kết nối cung cầu"…); see docs/architecture.md.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ActivityKind(models.TextChoices):
    TRAINING = "training", _("training class")
    CONFERENCE = "conference", _("training conference")
    PUBLICITY = "publicity", _("publicity conference")
    FAIR = "fair", _("trade fair / exhibition")
    CONNECTION = "connection", _("supply–demand connection event")
    STUDY_TOUR = "study_tour", _("study tour")
    OTHER = "other", pgettext_lazy("activity kind", "other activity")


# What counts as "training" for a subject's history and for the list of
# subjects with no training in the last N years.
TRAINING_KINDS = (ActivityKind.TRAINING, ActivityKind.CONFERENCE)


class ActivityLevel(models.TextChoices):
    CENTRAL = "central", _("central")
    PROVINCE = "province", pgettext_lazy("activity level", "provincial")
    DISTRICT = "district", _("district (before 1 July 2025)")
    COMMUNE = "commune", pgettext_lazy("activity level", "commune")


class ActivityState(models.TextChoices):
    PLANNED = "planned", _("planned")
    OPEN = "open", _("open for registration")
    HELD = "held", _("held")
    CANCELLED = "cancelled", pgettext_lazy("activity", "cancelled")


class FundingSource(models.TextChoices):
    CENTRAL_BUDGET = "central_budget", _("central budget")
    LOCAL_BUDGET = "local_budget", _("local budget")
    PROGRAMME = "programme", _("national target programme funds")
    SOCIALISED = "socialised", _("socialised funds (sponsors, participants)")
    OTHER = "other", pgettext_lazy("funding", "other")


class Audience(models.TextChoices):
    """Audience categories of attendances, as provinces count them."""

    LEADERS = "leaders", _("leaders of departments and agencies")
    PROVINCE_OFFICIALS = "province_officials", _("provincial officials")
    COMMUNE_OFFICIALS = "commune_officials", _("district and commune officials")
    SUBJECTS = "subjects", _("OCOP subjects")
    CONSULTANTS = "consultants", _("consultants")
    ADVISORY = "advisory", _("advisory team and council members")
    OTHER = "other", _("other participants")


class RegistrationChannel(models.TextChoices):
    ONLINE = "online", _("registered online")
    OFFICER = "officer", _("registered by an officer")
    IMPORT = "import", _("imported from Excel")


class RegistrationState(models.TextChoices):
    REGISTERED = "registered", _("registered")
    CANCELLED = "cancelled", pgettext_lazy("registration", "cancelled")


class CheckInMethod(models.TextChoices):
    QR = "qr", _("QR code scanned")
    LIST = "list", _("ticked on the list")


class MaterialKind(models.TextChoices):
    PANEL = "panel", _("panels and banners")
    HANDBOOK = "handbook", _("handbooks")
    LEAFLET = "leaflet", _("leaflets")
    STAMPS = "stamps", _("OCOP stamps")
    CLIP = "clip", _("clips and reports")
    OTHER = "other", pgettext_lazy("material", "other")


class SupportKind(models.TextChoices):
    CLIP = "clip", _("promotion clip")
    TRACEABILITY = "traceability", _("traceability account")
    ECOMMERCE = "ecommerce", _("e-commerce listing")
    BOOTH = "booth", _("fair booth")
    CONSULTING = "consulting", _("consulting")
    FUNDING = "funding", _("funding")
    CONNECTION = "connection", _("supply–demand connection")
    OTHER = "other", pgettext_lazy("support", "other")
