"""The annual OCOP cycle, product ideas, business plans and evaluation dossiers.

State changes go through ``ocop.cycles.domain`` only; dossiers through the one
transition function ``ocop.cycles.domain.workflow.set_dossier_state``.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .enums import (
    WAITING_STATES,
    DossierKind,
    DossierPath,
    DossierState,
    IdeaState,
    LateSubmission,
    PhaseKind,
)

POINTS = {"max_digits": 6, "decimal_places": 2}


class Cycle(models.Model):
    """A province's annual OCOP cycle (chu trình OCOP thường niên)."""

    province = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"era": "2025", "level": "province"},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    plan_deadline_days = models.PositiveSmallIntegerField(
        _("working days to submit a business plan after the idea is accepted"), default=5
    )
    commune_check_days = models.PositiveSmallIntegerField(
        _("working days for the commune to check a dossier"), default=5
    )
    province_check_days = models.PositiveSmallIntegerField(
        _("working days for the advisory team's pre-check"), default=10
    )
    supplement_days = models.PositiveSmallIntegerField(
        _("working days for the producer to supplement a returned dossier"), default=10
    )
    late_submissions = models.CharField(
        _("dossiers submitted after the round's deadline are"),
        max_length=10,
        choices=LateSubmission.choices,
        default=LateSubmission.REFUSE,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("annual cycle")
        verbose_name_plural = _("annual cycles")
        ordering = ["-year", "province__name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="cycles_one_per_year")
        ]

    def __str__(self):
        return self.title


class Phase(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=15, choices=PhaseKind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))

    class Meta:
        ordering = ["cycle", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind"], name="cycles_phase_once"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="cycles_phase_dates_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_on:%d/%m}–{self.ends_on:%d/%m/%Y}"


class EvaluationRound(models.Model):
    """An evaluation round (đợt) of a cycle, with its submission deadline."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    title = models.CharField(_("title"), max_length=200)
    submission_deadline = models.DateField(_("dossiers submitted by"))

    class Meta:
        ordering = ["cycle", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="cycles_round_number")
        ]

    def __str__(self):
        return self.title


class Idea(models.Model):
    """A product idea (phiếu đăng ký ý tưởng sản phẩm)."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="ideas"
    )
    subject = models.ForeignKey(
        "producers.Subject",
        verbose_name=_("subject"),
        on_delete=models.PROTECT,
        related_name="ideas",
    )
    commune = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    province = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    product_name = models.CharField(_("product name"), max_length=255)
    category = models.ForeignKey(
        "products.ProductCategory",
        verbose_name=_("product set"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("the idea"))
    origin = models.TextField(_("origin of the idea and local raw materials"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=IdeaState.choices, default=IdeaState.SUBMITTED
    )
    reason = models.TextField(_("reason"), blank=True)
    plan_due = models.DateField(_("business plan due"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("product idea")
        verbose_name_plural = _("product ideas")
        ordering = ["-registered_at"]
        indexes = [
            models.Index(fields=["province", "state", "plan_due"]),
            models.Index(fields=["commune", "state"]),
        ]

    def __str__(self):
        return self.product_name

    def save(self, *args, **kwargs):
        self.commune_id = self.subject.commune_id
        self.province_id = self.subject.province_id
        super().save(*args, **kwargs)


class BusinessPlan(models.Model):
    """The business plan (phương án / dự án sản xuất kinh doanh) of an accepted idea."""

    idea = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="plan")
    summary = models.TextField(_("summary"))
    file = models.FileField(_("file"), upload_to="cycles/plans/%Y/", blank=True)
    original_name = models.CharField(max_length=255, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_on = models.DateField(_("submitted on"))
    late = models.BooleanField(_("late"), default=False)

    class Meta:
        verbose_name = _("business plan")
        verbose_name_plural = _("business plans")

    def __str__(self):
        return f"{self.idea} ({self.submitted_on:%d/%m/%Y})"


class RequiredDocument(models.Model):
    """A document a dossier must (or may) carry, per product group, as data
    (``cycles/data/required_documents.yaml``; the exact 148 list is unconfirmed)."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    doc_type = models.CharField(_("document type"), max_length=30)
    group_prefix = models.CharField(
        _("product sets (code prefix; empty = all)"), max_length=20, blank=True
    )
    except_prefix = models.CharField(_("except product sets"), max_length=20, blank=True)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    blocks_if_expired = models.BooleanField(_("an expired one blocks submission"), default=False)
    label = models.CharField(_("label"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["order", "code"]

    def __str__(self):
        return self.label

    def applies_to(self, category_code: str) -> bool:
        code = category_code or ""
        if self.except_prefix and code.startswith(self.except_prefix):
            return False
        return not self.group_prefix or code.startswith(self.group_prefix)


def waiting_index(unit: str, *, name: str, by_state: bool = False) -> models.Index:
    """ "My tasks", oldest first, of a province's or a commune's office: only
    dossiers in flight, in the order the list shows them, so that the first
    page is read from the index instead of sorting every task.

    ``by_state`` puts the state after the unit: a commune's office waits on
    one state only (submitted), whose first page is then read straight from
    the index. Without it PostgreSQL intersected the commune's dossiers in
    flight with the index of every dossier in that state (16,000 entries,
    2 ms, twice a page, at 10× national: docs/benchmarks.md)."""
    keys = [models.F(unit), models.F("state")] if by_state else [models.F(unit)]
    return models.Index(
        *keys,
        Coalesce("state_changed_at", "created_at"),
        models.F("id"),
        condition=models.Q(state__in=WAITING_STATES),
        name=name,
    )


class Dossier(models.Model):
    """An evaluation dossier (hồ sơ đánh giá, phân hạng) of one product."""

    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    subject = models.ForeignKey(
        "producers.Subject", on_delete=models.PROTECT, related_name="dossiers", editable=False
    )
    commune = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    province = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    cycle = models.ForeignKey(
        Cycle,
        verbose_name=_("cycle"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    round = models.ForeignKey(
        EvaluationRound,
        verbose_name=_("evaluation round"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=DossierKind.choices, default=DossierKind.FIRST
    )
    path = models.CharField(
        _("process"), max_length=5, choices=DossierPath.choices, default=DossierPath.P1489
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=DossierState.choices,
        default=DossierState.DRAFT,
        db_index=True,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sheet = models.ForeignKey(
        "criteria.Sheet",
        verbose_name=_("criteria sheet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    branches = models.JSONField(
        _("chosen cases"),
        default=dict,
        blank=True,
        help_text=_("For a sheet with alternative cases: the case the producer assesses against."),
    )
    # Registration form (phiếu đăng ký sản phẩm).
    product_name = models.CharField(_("product name"), max_length=255)
    registration_number = models.CharField(_("business registration number"), max_length=20)
    representative = models.CharField(_("legal representative"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    capacity = models.CharField(_("production capacity"), max_length=300, blank=True)
    market = models.CharField(_("main markets"), max_length=300, blank=True)
    description = models.TextField(_("product description"), blank=True)
    story = models.TextField(_("product story"), blank=True)
    # Samples (05 units) or, for tourism services, a site visit.
    samples_received_on = models.DateField(_("samples received on"), null=True, blank=True)
    samples_received_by = models.CharField(_("samples received by"), max_length=200, blank=True)
    samples_quantity = models.PositiveSmallIntegerField(_("samples received"), default=0)
    site_visit_on = models.DateField(_("site visit on"), null=True, blank=True)
    # The commune's report (Decision 1489) and what is missing when returned.
    commune_report = models.TextField(_("commune evaluation report"), blank=True)
    missing = models.JSONField(_("missing items"), default=list, blank=True)
    # Where it stands.
    version = models.PositiveSmallIntegerField(_("submitted versions"), default=0)
    due_on = models.DateField(_("next deadline"), null=True, blank=True, db_index=True)
    overdue = models.BooleanField(_("overdue"), default=False)
    # First submitted after its round's deadline, the cycle accepting it marked.
    submitted_late = models.BooleanField(_("submitted after the round's deadline"), default=False)
    # The product's OCOP status when the dossier was submitted, restored when
    # the evaluation ends without a certificate (see domain.product_status).
    product_status_before = models.CharField(max_length=20, blank=True, editable=False)
    agenda_item = models.OneToOneField(
        "evaluation.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossier",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation dossier")
        verbose_name_plural = _("evaluation dossiers")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["province", "state", "due_on"]),
            # Overdue dossiers per commune (officers' tasks): the few overdue
            # ones, not every dossier of the province's past years.
            models.Index(
                fields=["province", "commune"],
                condition=models.Q(overdue=True),
                name="cycles_dossier_overdue",
            ),
            waiting_index("province", name="cycles_dossier_waiting_prov"),
            waiting_index("commune", name="cycles_dossier_waiting_comm", by_state=True),
        ]

    def __str__(self):
        return f"{self.product_name} ({self.get_kind_display()})"

    def save(self, *args, **kwargs):
        self.subject_id = self.product.subject_id
        self.commune_id = self.product.commune_id
        self.province_id = self.product.province_id
        super().save(*args, **kwargs)


class DossierDocument(models.Model):
    """A checklist entry: the evidence document the dossier relies on."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(
        RequiredDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evidence = models.ForeignKey(
        "producers.EvidenceDocument", on_delete=models.PROTECT, related_name="dossier_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "evidence"], name="cycles_document_once")
        ]

    def __str__(self):
        return f"{self.dossier_id}: {self.evidence}"


class DossierAnswer(models.Model):
    """An answer to a criterion: the producer's self-assessment, or the
    commune's assessment of the local criteria."""

    SELF = "self"
    COMMUNE = "commune"
    BY_CHOICES = [(SELF, _("self-assessment")), (COMMUNE, _("commune"))]

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="answers")
    by = models.CharField(max_length=10, choices=BY_CHOICES)
    criterion = models.ForeignKey("criteria.Criterion", on_delete=models.PROTECT, related_name="+")
    options = models.JSONField(default=list, blank=True)
    value = models.DecimalField(null=True, blank=True, **POINTS)
    points = models.DecimalField(default=0, **POINTS)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "by", "criterion"], name="cycles_answer_once"
            )
        ]

    def __str__(self):
        return f"{self.dossier_id}/{self.by}/{self.criterion_id}: {self.points}"


class DossierVersion(models.Model):
    """What the dossier held when it was submitted (kept for every submission)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["dossier", "number"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="cycles_version_once")
        ]

    def __str__(self):
        return f"{self.dossier} v{self.number}"
