"""Councils, sessions, blind scoring and results.

State changes go through ``ocop.evaluation.domain`` only: sessions through
``set_session_state``, scoresheets through ``save_answer`` / ``submit_scoresheet``
/ ``reopen_scoresheet``, items through ``start_new_round`` and the result
computation. Each decision is written to the activity log.
"""

from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.scores import score_floor
from ocop.criteria.enums import EvaluationLevel

from .enums import (
    Body,
    ConflictKind,
    ConflictSource,
    ItemStatus,
    MemberRole,
    SessionState,
    SheetStatus,
)

POINTS = {"max_digits": 6, "decimal_places": 2}
# An agenda item whose product the council recognised (a star it may be
# granted): what a recognition decision is drafted from, what waits for one,
# and the condition of the partial index ``evaluation_item_recognised``, so
# that every query written with it can read that index.
RECOGNISED = models.Q(status=ItemStatus.DECIDED, recognised_star__isnull=False)
TWO_PLACES = Decimal("0.01")


class Council(models.Model):
    """An evaluation council (Hội đồng đánh giá, phân hạng sản phẩm OCOP)."""

    name = models.CharField(_("name"), max_length=300)
    level = models.CharField(_("level"), max_length=10, choices=EvaluationLevel.choices)
    unit = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("province (or district, before 1 July 2025)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_number = models.CharField(_("establishing decision number"), max_length=100)
    decision_date = models.DateField(_("establishing decision date"))
    decision_issuer = models.CharField(_("issued by"), max_length=300, blank=True)
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (% of council members present)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    quorum_requires_chair = models.BooleanField(_("the chair must be present"), default=True)
    max_spread = models.DecimalField(
        _("largest allowed spread between members' totals (points)"),
        default=Decimal(10),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        **POINTS,
    )
    # Not set by the decisions: the council's own rule for the discussion
    # view (criteria whose members' answers differ by more are highlighted).
    max_criterion_spread = models.DecimalField(
        _("largest allowed spread between members' points on one criterion"),
        default=Decimal(2),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        **POINTS,
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        ordering = ["-decision_date", "name"]

    def __str__(self):
        return self.name


class CouncilMember(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="council_memberships",
    )
    body = models.CharField(_("body"), max_length=10, choices=Body.choices, default=Body.COUNCIL)
    role = models.CharField(
        _("role"), max_length=15, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    expertise = models.ManyToManyField(
        "products.ProductCategory",
        verbose_name=_("expertise (product groups)"),
        blank=True,
        related_name="+",
    )
    commune = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("commune of residence or work"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Used to flag a conflict when the subject is in the same commune."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["council", "body", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "user", "body"], name="evaluation_member_unique"
            )
        ]

    def __str__(self):
        return f"{self.user.full_name or self.user.username} ({self.get_role_display()})"

    @property
    def name(self) -> str:
        return self.user.full_name or self.user.username

    @property
    def scores(self) -> bool:
        return self.body == Body.COUNCIL


class Session(models.Model):
    """A council meeting (phiên họp) with its agenda of products.

    ``date`` is the meeting's date: the planned one while the session is
    planned (changed only by ``update_session``, logged), then the day scoring
    actually opened (``set_session_state`` records the planned date in the log
    when they differ). ``start_time`` is the planned start."""

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=SessionState.choices, default=SessionState.PLANNED
    )
    note = models.TextField(_("conclusions for the minutes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The closed session's recognised products on no draft or issued
    # recognition decision: set when it closes, kept by the certification
    # app's decisions (``certification.domain.awaiting``), so that "results
    # waiting for a decision" reads one number a session, not every product.
    awaiting_decision = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    class Meta:
        verbose_name = _("council session")
        verbose_name_plural = _("council sessions")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.title} ({self.date:%d/%m/%Y})"


class AgendaItem(models.Model):
    """A product on a session's agenda, scored on one criteria sheet; holds
    the council's result once every expected member has submitted."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    sheet = models.ForeignKey(
        "criteria.Sheet",
        verbose_name=_("criteria sheet"),
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    order = models.PositiveIntegerField(default=0)
    branches = models.JSONField(
        _("chosen cases"),
        default=dict,
        blank=True,
        help_text=_(
            "For a sheet with alternative cases: section code → the code of the case the "
            "council chose; only that case's criteria are scored."
        ),
    )
    round = models.PositiveSmallIntegerField(_("scoring round"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.WAITING
    )
    # Why the chair took the product off the session (status "withdrawn");
    # printed in the minutes.
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # Products come onto an agenda through an evaluation dossier that passed
    # the advisory pre-check (cycles.domain.dossiers.schedule); an officer may
    # add one without, giving the reason (e.g. re-evaluating a paper record).
    # Logged and printed in the minutes.
    admission_exception = models.TextField(
        _("reason for adding without a pre-checked dossier"), blank=True
    )
    exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Result (set when the round's result is computed; see domain.results).
    score_sum = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    score_count = models.PositiveSmallIntegerField(null=True, blank=True)
    band_star = models.PositiveSmallIntegerField(_("star of the score band"), null=True, blank=True)
    star = models.PositiveSmallIntegerField(_("stars"), null=True, blank=True)
    achieved = models.BooleanField(_("reaches a recognised star"), null=True, blank=True)
    recognised_star = models.PositiveSmallIntegerField(
        _("star this level recognises"), null=True, blank=True
    )
    proposed = models.BooleanField(_("proposed to the level above"), default=False)
    capped_by = models.PositiveSmallIntegerField(null=True, blank=True)
    # Every unmet mandatory condition of the result, as it was judged (the sheet
    # is never edited once used): [{"code", "star", "criterion", "description"}].
    unmet_conditions = models.JSONField(default=list, blank=True)
    disqualified = models.BooleanField(default=False)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "product"], name="evaluation_item_unique")
        ]
        indexes = [
            # "My tasks": the few items proposed to the centre (see cycles.domain.queries).
            models.Index(
                fields=["id"], condition=models.Q(proposed=True), name="evaluation_item_proposed"
            ),
            # "Results waiting for a recognition decision" (certification's
            # queue): a session's recognised items, read from the index alone.
            models.Index(
                fields=["session", "id"],
                condition=RECOGNISED,
                name="evaluation_item_recognised",
            ),
        ]

    def __str__(self):
        return f"{self.product} @ {self.session}"

    @property
    def score(self) -> Fraction | None:
        """The exact mean of the members' totals."""
        if not self.score_count:
            return None
        return Fraction(self.score_sum) / self.score_count

    @property
    def capping_conditions(self) -> list[dict]:
        """The unmet mandatory conditions of the star level that capped the
        result (empty when nothing capped it)."""
        if not self.capped_by:
            return []
        return [c for c in self.unmet_conditions or () if c.get("star") == self.capped_by]

    @property
    def capping_criteria(self) -> str:
        """The capping conditions as printed: "1.d Liên kết sản xuất; 5.b …"."""
        return "; ".join(c.get("description", "") for c in self.capping_conditions)

    @property
    def score_display(self) -> Decimal | None:
        """The mean truncated to two decimals (for display and documents only;
        never rounded up across a band boundary: see ``ocop.core.scores``)."""
        return score_floor(self.score)


class RoundResult(models.Model):
    """The aggregate of one scoring round of an item, computed exactly once."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="round_results")
    round = models.PositiveSmallIntegerField()
    score_sum = models.DecimalField(max_digits=9, decimal_places=2)
    score_count = models.PositiveSmallIntegerField()
    spread = models.DecimalField(**POINTS)
    stdev = models.FloatField()
    flagged = models.BooleanField(default=False)
    conditions = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "round"]
        constraints = [
            models.UniqueConstraint(fields=["item", "round"], name="evaluation_round_once")
        ]

    def __str__(self):
        return f"{self.item} #{self.round}"

    @property
    def score(self) -> Fraction:
        return Fraction(self.score_sum) / self.score_count


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="evaluation_attendance_once")
        ]

    def __str__(self):
        return f"{self.member} @ {self.session}: {self.present}"


class Conflict(models.Model):
    """A conflict of interest between a member and an agenda item's subject."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="conflicts")
    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="conflicts")
    kind = models.CharField(_("kind"), max_length=15, choices=ConflictKind.choices)
    source = models.CharField(_("source"), max_length=10, choices=ConflictSource.choices)
    note = models.TextField(_("note"), blank=True)
    recused = models.BooleanField(_("recused"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["item", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "member", "kind"], name="evaluation_conflict_unique"
            )
        ]

    def __str__(self):
        return f"{self.member} – {self.item.product}: {self.get_kind_display()}"


class Scoresheet(models.Model):
    """One member's sheet for one item in one round."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="scoresheets")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="scoresheets")
    round = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    total = models.DecimalField(_("total"), default=Decimal(0), **POINTS)
    part_totals = models.JSONField(default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scoring sheet")
        verbose_name_plural = _("scoring sheets")
        ordering = ["item", "round", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "member", "round"], name="evaluation_sheet_unique"
            )
        ]

    def __str__(self):
        return f"{self.member} – {self.item.product} (#{self.round})"


class CriterionScore(models.Model):
    scoresheet = models.ForeignKey(Scoresheet, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey("criteria.Criterion", on_delete=models.PROTECT, related_name="+")
    options = models.JSONField(default=list, blank=True)
    value = models.DecimalField(null=True, blank=True, **POINTS)
    points = models.DecimalField(default=Decimal(0), **POINTS)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scoresheet", "criterion"], name="evaluation_answer_unique"
            )
        ]

    def __str__(self):
        return f"{self.scoresheet_id}/{self.criterion_id}: {self.points}"


class Reopening(models.Model):
    """A submitted sheet reopened by the chair; the submitted values are kept."""

    scoresheet = models.ForeignKey(Scoresheet, on_delete=models.CASCADE, related_name="reopenings")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("reason"))
    previous = models.JSONField(default=dict)

    class Meta:
        ordering = ["scoresheet", "at"]

    def __str__(self):
        return f"{self.scoresheet} reopened {self.at:%d/%m/%Y %H:%M}"
