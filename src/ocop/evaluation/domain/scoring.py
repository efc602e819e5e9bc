"""Blind scoring: each member fills in their own sheet (autosaved per
criterion), submits it (which locks it), and the item's result is computed
once, when the last expected member submits.

Concurrency: a member writes only their own sheet, so members never overwrite
each other. Submissions lock the agenda item's row (``select_for_update``), so
the last submission sees every other one and computes the result exactly
once (``RoundResult`` is also unique per item and round).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.domain.activity import log_action
from ocop.criteria import engine
from ocop.criteria.domain.queries import answers_by_code, bands_for, compiled_sheet, level_rule
from ocop.criteria.domain.sheets import with_case_choice

from ..enums import ItemStatus, SessionState, SheetLock, SheetStatus
from ..models import AgendaItem, CriterionScore, Reopening, RoundResult, Scoresheet
from ..rules import can_manage_session, is_chair, scoresheet_lock
from ..signals import result_decided
from . import queries

# The explicit choice of a tick-box criterion "none of the options is met"
# (0 points): recorded as an answer with no option.
NONE_MET = "__none__"
COMMENT_MAX = 5000


def _spec_for(item) -> engine.SheetSpec:
    return compiled_sheet(item.sheet_id).spec


def counted_codes(spec, item) -> set[str]:
    """Codes of the criteria that count: all but those of the cases of a
    section that the council did not choose (``AgendaItem.branches``)."""
    return {c.code for c in engine.counted_criteria(spec, item.branches)}


def counted_conditions(spec, item) -> list:
    """The sheet's conditions on criteria that count (a condition on a case
    the council did not choose does not apply)."""
    codes = counted_codes(spec, item)
    return [k for k in spec.conditions if k.criterion in codes]


def answers_of(scoresheet, sheet_id: int | None = None) -> dict[str, engine.Answer]:
    """A member's answers by criterion code (uses prefetched answers if any)."""
    return answers_by_code(scoresheet.answers.all(), sheet_id or scoresheet.item.sheet_id)


def _check_own_draft(scoresheet, by) -> None:
    lock = scoresheet_lock(by, scoresheet)
    if lock == SheetLock.NOT_OWN:
        raise PermissionDenied(str(lock.label))
    if lock is not None:
        raise ValidationError(str(lock.label))


def parse_value(raw) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        return Decimal(str(raw).replace(",", "."))
    except InvalidOperation:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": raw}) from None


@transaction.atomic
def save_answer(
    *, scoresheet: Scoresheet, criterion_code: str, by, options=(), value=None
) -> Scoresheet:
    """Autosave one criterion of the member's own sheet; returns the sheet with
    its running totals."""
    scoresheet = (
        Scoresheet.objects.select_for_update()
        .select_related("item__session", "member")
        .get(pk=scoresheet.pk)
    )
    _check_own_draft(scoresheet, by)
    compiled = compiled_sheet(scoresheet.item.sheet_id)
    spec = compiled.spec
    criterion = spec.criterion(criterion_code)
    if criterion is None:
        raise ValidationError(
            _("The sheet has no criterion “%(code)s”.") % {"code": criterion_code}
        )
    if criterion_code not in counted_codes(spec, scoresheet.item):
        raise ValidationError(
            _("Criterion %(code)s belongs to a case the council has not chosen for this product.")
            % {"code": criterion_code}
        )
    chosen = [o for o in options if o]
    if NONE_MET in chosen:
        if criterion.kind != engine.MULTI:
            raise ValidationError(
                _("Criterion %(code)s has one answer: choose an option.") % {"code": criterion_code}
            )
        if len(chosen) > 1:
            raise ValidationError(
                _(
                    "Criterion %(code)s: tick the options that are met, or “None of the "
                    "options is met”, not both."
                )
                % {"code": criterion_code}
            )
        chosen = []
    answer = engine.Answer(options=frozenset(chosen), value=parse_value(value))
    try:
        points = engine.criterion_points(criterion, answer)
    except engine.AnswerError as error:
        raise ValidationError(str(error)) from None
    CriterionScore.objects.update_or_create(
        scoresheet=scoresheet,
        criterion_id=compiled.criterion_ids[criterion_code],
        defaults={"options": sorted(answer.options), "value": answer.value, "points": points},
    )
    _retotal(scoresheet, spec)
    return scoresheet


@transaction.atomic
def save_comment(*, scoresheet: Scoresheet, by, comment: str) -> Scoresheet:
    """Autosave the member's comment on their own draft sheet (kept when a
    submission is refused)."""
    scoresheet = (
        Scoresheet.objects.select_for_update().select_related("item__session").get(pk=scoresheet.pk)
    )
    _check_own_draft(scoresheet, by)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError(
            _("The comment is too long: at most %(n)s characters.") % {"n": COMMENT_MAX}
        )
    if comment != scoresheet.comment:
        scoresheet.comment = comment
        scoresheet.save(update_fields=["comment", "updated_at"])
    return scoresheet


def _retotal(scoresheet, spec) -> None:
    score = engine.score_sheet(spec, answers_of(scoresheet), scoresheet.item.branches)
    scoresheet.total = score.total
    scoresheet.part_totals = {k: str(v.quantize(Decimal("0.01"))) for k, v in score.parts.items()}
    scoresheet.save(update_fields=["total", "part_totals", "updated_at"])


def unanswered(scoresheet, spec=None) -> list[str]:
    if spec is None:
        spec = _spec_for(scoresheet.item)
    answers = answers_of(scoresheet)
    return [
        c.code
        for c in engine.counted_criteria(spec, scoresheet.item.branches)
        if not engine.is_answered(c, answers.get(c.code))
    ]


@transaction.atomic
def submit_scoresheet(*, scoresheet: Scoresheet, by, comment: str = "") -> Scoresheet:
    """Submit and lock the member's sheet; compute the result if it was the last."""
    item = AgendaItem.objects.select_for_update().get(pk=scoresheet.item_id)
    scoresheet = (
        Scoresheet.objects.select_for_update()
        .select_related("item__session", "member")
        .get(pk=scoresheet.pk)
    )
    _check_own_draft(scoresheet, by)
    spec = _spec_for(item)
    choose = engine.missing_branch_choices(spec, item.branches)
    if choose:
        raise ValidationError(
            _("The council has not chosen which case applies in section(s) %(codes)s yet.")
            % {"codes": ", ".join(s.code for s in choose)}
        )
    missing = unanswered(scoresheet, spec)
    if missing:
        raise ValidationError(
            _("Score every criterion before submitting. Not scored yet: %(codes)s.")
            % {"codes": ", ".join(missing)}
        )
    _retotal(scoresheet, spec)
    scoresheet.status = SheetStatus.SUBMITTED
    scoresheet.submitted_at = timezone.now()
    if comment:
        scoresheet.comment = comment
    scoresheet.save(update_fields=["status", "submitted_at", "comment", "updated_at"])
    log_action(
        action="ocop.scoresheet.submitted",
        by=by,
        obj=item.session,
        unit=item.session.council.unit,
        data={
            "product": str(item.product),
            "round": scoresheet.round,
            "total": str(scoresheet.total),
        },
    )
    compute_if_complete(item=item)
    return scoresheet


def compute_if_complete(*, item: AgendaItem) -> RoundResult | None:
    """Compute the round's result when every expected member has submitted.
    Call inside a transaction holding the item's row lock."""
    item = AgendaItem.objects.select_related("session__council", "sheet__legal_basis").get(
        pk=item.pk
    )
    if item.status != ItemStatus.SCORING:
        return None
    expected = {m.pk for m in queries.expected_scorers(item)}
    sheets = list(
        Scoresheet.objects.filter(item=item, round=item.round).prefetch_related("answers")
    )
    submitted = [s for s in sheets if s.status == SheetStatus.SUBMITTED and s.member_id in expected]
    if not expected or {s.member_id for s in submitted} != expected:
        return None
    if RoundResult.objects.filter(item=item, round=item.round).exists():
        return None
    return _compute(item, submitted)


def _compute(item: AgendaItem, submitted: list[Scoresheet]) -> RoundResult:
    spec = _spec_for(item)
    totals = [s.total for s in submitted]
    agg = engine.aggregate(totals)
    criteria = {c.code: c for c in spec.criteria}
    answers = [answers_of(s, item.sheet_id) for s in submitted]
    holds: dict[str, int] = {}
    conditions = counted_conditions(spec, item)
    for condition in conditions:
        crit = criteria[condition.criterion]
        holds[condition.code] = sum(
            1
            for member_answers in answers
            if engine.condition_holds(condition, crit, member_answers.get(condition.criterion))
        )
    council = item.session.council
    flagged = agg.spread > council.max_spread
    result = RoundResult.objects.create(
        item=item,
        round=item.round,
        score_sum=sum(totals, Decimal(0)),
        score_count=len(totals),
        spread=agg.spread,
        stdev=agg.stdev,
        flagged=flagged,
        conditions={code: [n, len(submitted)] for code, n in holds.items()},
    )
    item.score_sum = result.score_sum
    item.score_count = result.score_count
    if flagged:
        item.status = ItemStatus.FLAGGED
        _clear_ranking(item)
    else:
        unmet, disqualified = engine.unmet_conditions(conditions, holds, len(submitted))
        legal_basis = item.sheet.legal_basis
        ranking = engine.rank(
            score=agg.mean,
            bands=bands_for(legal_basis),
            unmet_conditions=unmet,
            disqualified=disqualified,
            min_recognised_star=legal_basis.min_recognised_star,
            level=level_rule(level=council.level, on=item.session.date),
        )
        item.status = ItemStatus.DECIDED
        item.band_star = ranking.band_star
        item.star = ranking.star
        item.achieved = ranking.achieved
        item.recognised_star = ranking.recognised_star
        item.proposed = ranking.proposed
        item.capped_by = ranking.capped_by
        item.unmet_conditions = [
            {"code": c.code, "star": c.star, "criterion": c.criterion, "description": c.description}
            for c in ranking.unmet
        ]
        item.disqualified = ranking.disqualified
        item.decided_at = timezone.now()
    item.save()
    if not flagged:
        result_decided.send(sender=AgendaItem, item=item)
    log_action(
        action="ocop.evaluation.flagged" if flagged else "ocop.evaluation.result",
        obj=item.session,
        unit=council.unit,
        data={
            "product": str(item.product),
            "round": item.round,
            "score": str(item.score_display),
            "spread": str(agg.spread),
            "star": item.star,
            "capped_by": item.capped_by,
            "capping": [c["code"] for c in item.capping_conditions],
            "recognised_star": item.recognised_star,
            "proposed": item.proposed,
        },
    )
    return result


def _clear_ranking(item) -> None:
    item.band_star = item.star = item.recognised_star = item.capped_by = None
    item.unmet_conditions = []
    item.achieved = None
    item.proposed = item.disqualified = False
    item.decided_at = None


def _snapshot(scoresheet) -> dict:
    return {
        "total": str(scoresheet.total),
        "submitted_at": scoresheet.submitted_at.isoformat() if scoresheet.submitted_at else None,
        "answers": {
            a.criterion.code: {
                "options": a.options,
                "value": str(a.value) if a.value is not None else None,
                "points": str(a.points),
            }
            for a in scoresheet.answers.select_related("criterion")
        },
    }


@transaction.atomic
def reopen_scoresheet(*, scoresheet: Scoresheet, by, reason: str) -> Scoresheet:
    """The chair reopens a submitted sheet; the submitted values are kept and
    any result of the round is withdrawn until every sheet is submitted again."""
    item = AgendaItem.objects.select_for_update().get(pk=scoresheet.item_id)
    session = item.session
    if not is_chair(by, session):
        raise PermissionDenied(_("Only the chair can reopen a submitted sheet."))
    if session.state != SessionState.OPEN:
        raise ValidationError(_("The session is not open for scoring."))
    scoresheet = Scoresheet.objects.select_for_update().get(pk=scoresheet.pk)
    if scoresheet.status != SheetStatus.SUBMITTED:
        raise ValidationError(_("This sheet has not been submitted."))
    if scoresheet.round != item.round:
        raise ValidationError(_("Only sheets of the current round can be reopened."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for reopening the sheet."))
    previous = _snapshot(scoresheet)
    Reopening.objects.create(scoresheet=scoresheet, by=by, reason=reason, previous=previous)
    scoresheet.status = SheetStatus.DRAFT
    scoresheet.submitted_at = None
    scoresheet.save(update_fields=["status", "submitted_at", "updated_at"])
    old_result = RoundResult.objects.filter(item=item, round=item.round).first()
    if old_result is not None:
        old_result.delete()
    if item.status in (ItemStatus.DECIDED, ItemStatus.FLAGGED):
        item.status = ItemStatus.SCORING
        item.score_sum = item.score_count = None
        _clear_ranking(item)
        item.save()
    log_action(
        action="ocop.scoresheet.reopened",
        by=by,
        obj=session,
        unit=session.council.unit,
        data={
            "member": scoresheet.member.name,
            "product": str(item.product),
            "reason": reason,
            "previous": previous,
        },
    )
    return scoresheet


@transaction.atomic
def start_new_round(*, item: AgendaItem, by, reason: str) -> AgendaItem:
    """After a spread above the council's limit and a discussion, the chair
    starts a new round; members start from their previous answers. Earlier
    rounds are kept."""
    item = AgendaItem.objects.select_for_update().select_related("session").get(pk=item.pk)
    session = item.session
    if not is_chair(by, session):
        raise PermissionDenied(_("Only the chair can start a new scoring round."))
    if session.state != SessionState.OPEN:
        raise ValidationError(_("The session is not open for scoring."))
    if item.status != ItemStatus.FLAGGED:
        raise ValidationError(
            _("A new round is started only for a product flagged for discussion.")
        )
    if not reason.strip():
        raise ValidationError(_("Record what the council discussed before re-scoring."))
    previous = {
        s.member_id: s
        for s in Scoresheet.objects.filter(item=item, round=item.round).prefetch_related("answers")
    }
    item.round += 1
    item.status = ItemStatus.SCORING
    item.score_sum = item.score_count = None
    _clear_ranking(item)
    item.save()
    for member in queries.expected_scorers(item):
        sheet = Scoresheet.objects.create(item=item, member=member, round=item.round)
        old = previous.get(member.pk)
        if old is not None:
            CriterionScore.objects.bulk_create(
                [
                    CriterionScore(
                        scoresheet=sheet,
                        criterion_id=a.criterion_id,
                        options=a.options,
                        value=a.value,
                        points=a.points,
                    )
                    for a in old.answers.all()
                ]
            )
            sheet.total = old.total
            sheet.part_totals = old.part_totals
            sheet.save(update_fields=["total", "part_totals"])
    log_action(
        action="ocop.evaluation.new_round",
        by=by,
        obj=session,
        unit=session.council.unit,
        data={"product": str(item.product), "round": item.round, "reason": reason},
    )
    return item


@transaction.atomic
def choose_branches(*, item: AgendaItem, by, branches: dict) -> AgendaItem:
    """The chair or the office records which alternative case of the sheet
    applies to the product (section code → case code), before or while
    scoring; only that case's criteria are scored and counted. The members'
    draft totals follow; once a member has submitted, the chair reopens the
    submitted sheets first."""
    item = AgendaItem.objects.select_for_update().select_related("session__council").get(pk=item.pk)
    session = item.session
    if not (is_chair(by, session) or can_manage_session(by, session)):
        raise PermissionDenied(_("Only the chair or the office chooses the case for a product."))
    if session.state == SessionState.CLOSED or item.status in (
        ItemStatus.DECIDED,
        ItemStatus.WITHDRAWN,
    ):
        raise ValidationError(_("The case can no longer change for this product."))
    spec = _spec_for(item)
    if not engine.branching_sections(spec):
        raise ValidationError(_("This criteria sheet has no alternative cases."))
    chosen = with_case_choice(spec=spec, current=item.branches, requested=branches)
    if chosen == item.branches:
        return item
    if Scoresheet.objects.filter(
        item=item, round=item.round, status=SheetStatus.SUBMITTED
    ).exists():
        raise ValidationError(
            _(
                "A member has already submitted this product's sheet: "
                "reopen it before changing the case."
            )
        )
    previous = dict(item.branches or {})
    item.branches = chosen
    item.save(update_fields=["branches"])
    for scoresheet in (
        Scoresheet.objects.filter(item=item, round=item.round)
        .select_related("item")
        .prefetch_related("answers")
    ):
        _retotal(scoresheet, spec)
    log_action(
        action="ocop.session.case_chosen",
        by=by,
        obj=session,
        unit=session.council.unit,
        data={"product": str(item.product), "from": previous, "to": chosen},
    )
    return item
