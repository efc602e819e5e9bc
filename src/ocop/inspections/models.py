from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import (
    AnswerResult,
    ComplaintKind,
    ComplaintState,
    FindingType,
    Outcome,
    PlanState,
    ProposalState,
    VisitState,
)


class Complaint(models.Model):
    """A consumer's report (no account needed), e.g. of a suspected fake OCOP
    stamp from the verification page; routed to the province of the product
    (or to the central office when the code is unknown)."""

    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=ComplaintKind.choices,
        default=ComplaintKind.SUSPECTED_FAKE,
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ComplaintState.choices, default=ComplaintState.NEW
    )
    code = models.CharField(_("code scanned"), max_length=200, blank=True)
    stamp = models.ForeignKey(
        "stamps.Stamp", null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints"
    )
    product = models.ForeignKey(
        "products.Product",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    province = models.ForeignKey(
        "geo.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("what did you see?"))
    place = models.CharField(_("where did you buy or see it?"), max_length=300, blank=True)
    contact = models.CharField(_("phone or e-mail (optional)"), max_length=200, blank=True)
    fingerprint = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    closed_by_visit = models.ForeignKey(
        "inspections.Visit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="closed_complaints",
    )

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["province", "state", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%d/%m/%Y}"


class FlagReview(models.Model):
    """An officer's review that clears a flagged stamp, with the flag as it
    was (the stamp's own flag fields are emptied). Scans before the review no
    longer count towards a new flag. Kept forever."""

    stamp = models.ForeignKey("stamps.Stamp", on_delete=models.CASCADE, related_name="flag_reviews")
    flagged_at = models.DateTimeField()
    flag_reason = models.CharField(_("why flagged"), max_length=300, blank=True)
    note = models.TextField(_("officer's note"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    visit = models.ForeignKey(
        "inspections.Visit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="flag_reviews",
    )

    class Meta:
        verbose_name = _("review of a flagged stamp")
        verbose_name_plural = _("reviews of flagged stamps")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["stamp", "-at"]), models.Index(fields=["-flagged_at"])]

    def __str__(self):
        return f"{self.stamp_id} {self.at:%Y-%m-%d %H:%M}"


class ScanCheckpoint(models.Model):
    """How far the periodic clone check has read the scan log (a watermark),
    so that each run looks only at stamps scanned since the previous one."""

    name = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.name}: {self.at:%Y-%m-%d %H:%M}"


# Post-certification inspection (hậu kiểm) -----------------------------------------


class PlanRuleSet(models.Model):
    """The parameters of the plan-selection rules, as data with their basis
    (``inspections/data/plan_rules.yaml``): the rule set in force on 1 January
    of a plan's year applies to it."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    expiring_months = models.PositiveSmallIntegerField(_("certificates expiring within (months)"))
    capacity_ratio = models.DecimalField(
        _("stamps issued above declared capacity (ratio)"), max_digits=5, decimal_places=2
    )
    capacity_window_days = models.PositiveSmallIntegerField(
        _("stamps counted over (days)"), default=365
    )
    random_share = models.DecimalField(
        _("random share of the other certified products"), max_digits=4, decimal_places=3
    )
    source = models.TextField(_("source"), blank=True)
    unconfirmed = models.TextField(_("what is not confirmed"), blank=True)

    class Meta:
        verbose_name = _("plan-selection rules")
        verbose_name_plural = _("plan-selection rules")
        ordering = ["-effective_from"]

    def __str__(self):
        return self.code


class Checklist(models.Model):
    """A versioned inspection checklist (``inspections/data/checklists/*.yaml``)."""

    code = models.CharField(_("code"), max_length=50)
    version = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    legal_basis = models.TextField(_("legal basis"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    unconfirmed = models.TextField(_("what is not confirmed"), blank=True)

    class Meta:
        verbose_name = _("inspection checklist")
        verbose_name_plural = _("inspection checklists")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="inspections_checklist_version"
            )
        ]

    def __str__(self):
        return f"{self.code} v{self.version}"


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveSmallIntegerField(default=0)
    finding_type = models.CharField(
        _("kind of finding"), max_length=20, choices=FindingType.choices
    )
    text = models.TextField(_("question"))
    guidance = models.TextField(_("how to check"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    unconfirmed = models.TextField(_("what is not confirmed"), blank=True)

    class Meta:
        ordering = ["checklist", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "code"], name="inspections_item_code")
        ]

    def __str__(self):
        return f"{self.code} {self.text[:60]}"


class InspectionPlan(models.Model):
    """A province's plan of post-certification inspections for a year."""

    province = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(
        _("state"), max_length=10, choices=PlanState.choices, default=PlanState.DRAFT
    )
    rules = models.ForeignKey(PlanRuleSet, on_delete=models.PROTECT, related_name="+")
    seed = models.PositiveIntegerField(_("random seed"))
    proposed_on = models.DateField(_("candidates proposed on"))
    note = models.TextField(_("note"), blank=True)
    return_reason = models.TextField(_("why returned"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-year", "province__name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="inspections_plan_year")
        ]

    def __str__(self):
        return f"{self.province} {self.year}"


class Candidate(models.Model):
    """A product in a plan, with the rules that picked it (or the reason it was
    added by hand)."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="candidates")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    rules = models.JSONField(_("picked by"), default=list)
    reason = models.TextField(_("reason"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Removed from a draft plan: kept (with who, when and why) so that a new
    # run of the rules does not bring it back; only adding it by hand does.
    # Removed by nobody: the rules no longer picked it (a later run may).
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removal_reason = models.TextField(_("reason for removal"), blank=True)

    class Meta:
        ordering = ["plan", "product__search_text", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "product"], name="inspections_candidate_once")
        ]

    def __str__(self):
        return f"{self.product_id} {','.join(self.rules)}"


class Visit(models.Model):
    """A visit to a producer by an inspector, with its checklist answers,
    evidence, the representative's acknowledgment and its outcome."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="visits")
    product = models.ForeignKey(
        "products.Product", on_delete=models.PROTECT, related_name="inspection_visits"
    )
    province = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="inspection_visits",
        verbose_name=_("inspector"),
    )
    scheduled_on = models.DateField(_("date of the visit"))
    state = models.CharField(
        _("state"), max_length=10, choices=VisitState.choices, default=VisitState.PLANNED
    )
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="+")
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    number = models.CharField(_("report number"), max_length=50, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    representative_name = models.CharField(
        _("producer's representative"), max_length=200, blank=True
    )
    representative_title = models.CharField(_("position"), max_length=200, blank=True)
    acknowledged = models.BooleanField(_("representative acknowledged the record"), default=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    answers_client_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inspection visit")
        verbose_name_plural = _("inspection visits")
        ordering = ["scheduled_on", "id"]
        indexes = [
            models.Index(fields=["province", "state", "scheduled_on"]),
            models.Index(fields=["inspector", "state", "scheduled_on"]),
            models.Index(fields=["product", "state"]),
        ]

    def __str__(self):
        return f"{self.product} {self.scheduled_on:%d/%m/%Y}"


class Answer(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=10, choices=AnswerResult.choices)
    note = models.TextField(_("what was seen"), blank=True)

    class Meta:
        ordering = ["item__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "item"], name="inspections_answer_once")
        ]

    def __str__(self):
        return f"{self.item.code}: {self.result}"


def photo_path(instance, filename):
    import uuid  # noqa: PLC0415 -- leaf

    suffix = ".png" if filename.lower().endswith(".png") else ".jpg"
    return f"inspections/photos/{uuid.uuid4().hex}{suffix}"


class Photo(models.Model):
    """A photo taken during a visit: its time, and its place only with consent."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to=photo_path)
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    taken_at = models.DateTimeField(_("taken at"))
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    location_consent = models.BooleanField(default=False)
    client_id = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["taken_at", "id"]

    def __str__(self):
        return self.caption or f"#{self.pk}"


class CorrectiveAction(models.Model):
    """What a warning asks the producer to put right, by when."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField(_("corrective action"))
    deadline = models.DateField(_("deadline"))
    resolved_by = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="resolved_actions"
    )

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["resolved_by", "deadline"])]

    def __str__(self):
        return f"{self.text[:60]} ({self.deadline:%d/%m/%Y})"


class RevocationProposal(models.Model):
    """An inspection's proposal to revoke a certificate: the ground and the
    evidence, followed by the authority through the certification app's
    revocation."""

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="proposal")
    certificate = models.ForeignKey(
        "certification.Certificate", on_delete=models.PROTECT, related_name="+"
    )
    ground = models.ForeignKey(
        "certification.RevocationGround", on_delete=models.PROTECT, related_name="+"
    )
    evidence = models.TextField(_("evidence"))
    state = models.CharField(
        _("state"), max_length=10, choices=ProposalState.choices, default=ProposalState.PROPOSED
    )
    province = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    revocation = models.ForeignKey(
        "certification.Revocation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("revocation proposal")
        verbose_name_plural = _("revocation proposals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["province", "state"])]

    def __str__(self):
        return f"{self.certificate_id} ({self.get_state_display()})"
