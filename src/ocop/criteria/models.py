"""Criteria sheets (phiếu đánh giá) and the ranking rules, as data.

Every rule carries its legal basis and effective dates so that a record is
judged by the rules in force on its date. A sheet that has been used in a
scoring is never edited: loading a changed file creates a new version that
supersedes it (see ``ocop.criteria.domain.loading``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import ConditionKind, CriterionKind, EvaluationLevel, SheetStatus

POINTS = {"max_digits": 6, "decimal_places": 2}


class LegalBasis(models.Model):
    """A decision that sets criteria or the process (1048/QĐ-TTg, 148/QĐ-TTg…)."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=400)
    title_en = models.CharField(_("English title"), max_length=400, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    min_recognised_star = models.PositiveSmallIntegerField(
        _("lowest star that is recognised"), default=3
    )
    source = models.TextField(_("source"), blank=True)
    unconfirmed = models.TextField(
        _("what is not confirmed"),
        blank=True,
        help_text=_("Shown beside the rules wherever they are used."),
    )

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        ordering = ["effective_from"]

    def __str__(self):
        return self.code


class StarBand(models.Model):
    """Score band of a star: ``min_score <= score < max_score`` (the top band
    has no ``max_score`` and includes 100). No rounding before banding."""

    legal_basis = models.ForeignKey(LegalBasis, on_delete=models.CASCADE, related_name="bands")
    star = models.PositiveSmallIntegerField(_("stars"))
    min_score = models.DecimalField(_("from (inclusive)"), **POINTS)
    max_score = models.DecimalField(_("below (exclusive)"), null=True, blank=True, **POINTS)

    class Meta:
        verbose_name = _("star band")
        verbose_name_plural = _("star bands")
        ordering = ["legal_basis", "star"]
        constraints = [
            models.UniqueConstraint(fields=["legal_basis", "star"], name="criteria_band_unique")
        ]

    def __str__(self):
        return f"{self.legal_basis} {self.star}★ [{self.min_score}, {self.max_score or 100}]"


class RecognitionRule(models.Model):
    """Which evaluation level recognises which stars, and from which score it
    proposes a product to the level above, in force between two dates."""

    legal_basis = models.ForeignKey(
        LegalBasis, on_delete=models.CASCADE, related_name="recognition_rules"
    )
    level = models.CharField(_("level"), max_length=10, choices=EvaluationLevel.choices)
    stars = models.JSONField(_("stars it recognises"), default=list)
    propose_from = models.DecimalField(
        _("proposes to the level above from (points)"), null=True, blank=True, **POINTS
    )
    propose_to = models.CharField(
        _("proposes to"), max_length=10, choices=EvaluationLevel.choices, blank=True
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)

    class Meta:
        verbose_name = _("recognition rule")
        verbose_name_plural = _("recognition rules")
        ordering = ["effective_from", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["legal_basis", "level", "effective_from"], name="criteria_rule_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_level_display()} {self.stars} ({self.legal_basis})"


class Sheet(models.Model):
    """One version of the scoring sheet of a product set."""

    code = models.CharField(_("code"), max_length=50)
    version = models.PositiveIntegerField(_("version"), default=1)
    legal_basis = models.ForeignKey(
        LegalBasis, verbose_name=_("legal basis"), on_delete=models.PROTECT, related_name="sheets"
    )
    product_set = models.ForeignKey(
        "products.ProductCategory",
        verbose_name=_("product set"),
        on_delete=models.PROTECT,
        related_name="criteria_sheets",
    )
    title = models.CharField(_("title"), max_length=400)
    title_en = models.CharField(_("English title"), max_length=400, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    is_official = models.BooleanField(
        _("official text"),
        default=False,
        help_text=_("False for sample sheets that a province must replace with the official text."),
    )
    status = models.CharField(
        _("text"), max_length=15, choices=SheetStatus.choices, default=SheetStatus.SAMPLE
    )
    retired = models.BooleanField(
        _("retired"),
        default=False,
        help_text=_("Kept for the sessions and dossiers that used it; not offered for new ones."),
    )
    source = models.TextField(_("source"), blank=True)
    note = models.TextField(_("note"), blank=True)
    flags = models.JSONField(
        _("flags"),
        default=list,
        blank=True,
        help_text=_("Faults of the text that its structure cannot settle: where and why."),
    )
    flag_confirmed_at = models.DateTimeField(_("correction confirmed at"), null=True, blank=True)
    flag_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("correction confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    flag_confirmation = models.TextField(_("confirmed correction"), blank=True)
    content_hash = models.CharField(max_length=64, editable=False)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("criteria sheet")
        verbose_name_plural = _("criteria sheets")
        ordering = ["legal_basis__effective_from", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="criteria_sheet_version")
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    @property
    def is_current(self) -> bool:
        return self.superseded_by_id is None

    @property
    def is_sample(self) -> bool:
        return self.status == SheetStatus.SAMPLE

    @property
    def is_transcription(self) -> bool:
        return self.status == SheetStatus.TRANSCRIPTION

    @property
    def is_flagged(self) -> bool:
        """Flagged and not yet confirmed by an administrator: no scoring opens on it."""
        return bool(self.flags) and self.flag_confirmed_at is None


class Part(models.Model):
    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="parts")
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("title"), max_length=400)
    title_en = models.CharField(_("English title"), max_length=400, blank=True)
    max_points = models.DecimalField(_("maximum"), **POINTS)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sheet", "order"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "code"], name="criteria_part_unique")
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"


class Section(models.Model):
    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="sections")
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=400)
    title_en = models.CharField(_("English title"), max_length=400, blank=True)
    max_points = models.DecimalField(_("maximum"), null=True, blank=True, **POINTS)
    note = models.TextField(_("note"), blank=True)
    is_branch = models.BooleanField(
        _("alternative branch"),
        default=False,
        help_text=_("One case of its parent section; only the chosen case is scored."),
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sheet", "order"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "code"], name="criteria_section_unique")
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"


class Criterion(models.Model):
    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="criteria")
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="criteria")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.CharField(_("code"), max_length=20)
    text = models.CharField(_("criterion"), max_length=600)
    text_en = models.CharField(_("English text"), max_length=600, blank=True)
    max_points = models.DecimalField(_("maximum"), **POINTS)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CriterionKind.choices, default=CriterionKind.SINGLE
    )
    min_value = models.DecimalField(_("lowest number"), null=True, blank=True, **POINTS)
    max_value = models.DecimalField(_("highest number"), null=True, blank=True, **POINTS)
    evidence_hint = models.TextField(_("evidence"), blank=True)
    note = models.TextField(_("requirement or note"), blank=True)
    commune_assessed = models.BooleanField(_("assessed by the commune"), default=False)
    prefill = models.CharField(
        _("pre-filled from dossier evidence"),
        max_length=100,
        blank=True,
        help_text=_("Key of the dossier evidence that suggests an option, if any."),
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["sheet", "order"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "code"], name="criteria_criterion_unique")
        ]

    def __str__(self):
        return f"{self.code}. {self.text}"


class Option(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(_("code"), max_length=20)
    text = models.CharField(_("option"), max_length=600)
    text_en = models.CharField(_("English text"), max_length=600, blank=True)
    points = models.DecimalField(_("points"), **POINTS)
    stars = models.PositiveSmallIntegerField(
        _("required for stars"),
        null=True,
        blank=True,
        help_text=_("The star level this option (or a better one) is marked as required for."),
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["criterion", "order"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "code"], name="criteria_option_unique")
        ]

    def __str__(self):
        return f"{self.text} ({self.points})"


class StarCondition(models.Model):
    """A rule over one criterion: mandatory for a star level (and every level
    above it), or disqualifying. It holds on a member's sheet when the chosen
    options include one of ``option_codes`` (if given) and the criterion's
    points reach ``min_points`` (if given)."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="conditions")
    code = models.CharField(_("code"), max_length=20)
    kind = models.CharField(_("kind"), max_length=15, choices=ConditionKind.choices)
    star = models.PositiveSmallIntegerField(_("star level"), null=True, blank=True)
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="conditions")
    option_codes = models.JSONField(_("qualifying options"), default=list, blank=True)
    min_points = models.DecimalField(_("at least (points)"), null=True, blank=True, **POINTS)
    description = models.CharField(_("description"), max_length=600)
    description_en = models.CharField(_("English description"), max_length=600, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("star condition")
        verbose_name_plural = _("star conditions")
        ordering = ["sheet", "order"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "code"], name="criteria_condition_unique")
        ]

    def __str__(self):
        return self.description
