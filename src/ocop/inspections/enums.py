from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ComplaintKind(models.TextChoices):
    SUSPECTED_FAKE = "suspected_fake", _("suspected fake OCOP stamp or label")
    OTHER = "other", _("other")


class ComplaintState(models.TextChoices):
    NEW = "new", _("new")
    IN_REVIEW = "in_review", _("being reviewed")
    CLOSED = "closed", pgettext_lazy("complaint", "closed")


class PlanState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("plan", "draft")
    SUBMITTED = "submitted", pgettext_lazy("plan", "submitted")
    APPROVED = "approved", pgettext_lazy("plan", "approved")
    RETURNED = "returned", pgettext_lazy("plan", "returned")


class PlanRuleCode(models.TextChoices):
    """Why a product is a candidate of an inspection plan."""

    EXPIRING = "expiring", _("certificate expires soon")
    COMPLAINT = "complaint", _("open consumer complaint")
    FLAGGED = "flagged", _("flagged stamp")
    CAPACITY = "capacity", _("stamps beyond the declared capacity")
    NEVER = "never", _("never inspected")
    RANDOM = "random", _("random sample")
    MANUAL = "manual", _("added by hand")


class VisitState(models.TextChoices):
    PLANNED = "planned", _("planned")
    CLOSED = "closed", pgettext_lazy("visit", "closed")
    CANCELLED = "cancelled", pgettext_lazy("visit", "cancelled")


class Outcome(models.TextChoices):
    COMPLIANT = "compliant", _("compliant")
    WARNING = "warning", _("warning with corrective actions")
    REVOKE = "revoke", _("proposal to revoke the certificate")


class AnswerResult(models.TextChoices):
    OK = "ok", _("complies")
    FINDING = "finding", _("finding")
    NOT_APPLICABLE = "na", _("not applicable")


class FindingType(models.TextChoices):
    MARK_USE = "mark_use", _("use of the OCOP mark and stars")
    LABEL = "label", _("label and quality declaration")
    FOOD_SAFETY = "food_safety", _("food-safety certificate")
    CAPACITY = "capacity", _("production capacity and stamps")
    TRACEABILITY = "traceability", _("traceability records")
    STAMPS = "stamps", _("stamps on other products")
    FOLLOW_UP = "follow_up", _("answers to earlier findings")
    OTHER = "other", _("other")


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    REVOKED = "revoked", _("certificate revoked")
    REJECTED = "rejected", _("not followed")
