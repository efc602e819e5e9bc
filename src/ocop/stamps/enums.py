from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RequestState(models.TextChoices):
    REQUESTED = "requested", _("requested")
    APPROVED = "approved", _("approved — stamps issued")
    REJECTED = "rejected", pgettext_lazy("stamp request", "rejected")
    CANCELLED = "cancelled", _("cancelled by the subject")


class StampState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("stamp", "active")
    VOIDED = "voided", _("voided")


class VerifyOutcome(models.TextChoices):
    """What the public verification page tells the person who scanned."""

    VALID = "valid", _("valid")
    EXPIRING = "expiring", _("valid — expires soon")
    EXPIRED = "expired", _("certificate expired")
    REVOKED = "revoked", _("certificate revoked")
    SUPERSEDED = "superseded", _("replaced by a newer certificate")
    UNDETERMINED = "undetermined", _("certificate validity not determined")
    VOIDED = "voided", _("stamp voided")
    UNKNOWN = "unknown", _("unknown code")


class LabelState(models.TextChoices):
    """A large batch's label sheets, prepared in the background."""

    PENDING = "pending", _("waiting to be prepared")
    RUNNING = "running", _("being prepared")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")
