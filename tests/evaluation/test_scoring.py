from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ocop.core.models import ActivityLog
from ocop.evaluation.domain import queries, scoring
from ocop.evaluation.enums import ItemStatus, SheetStatus
from ocop.evaluation.models import CriterionScore, Reopening, RoundResult, Scoresheet
from tests.factories.evaluation import fill, pick_worst

pytestmark = pytest.mark.django_db


def sheet_of(item, member):
    return Scoresheet.objects.get(item=item, member=member, round=item.round)


def test_opening_creates_one_draft_sheet_per_present_member_and_item(session, members):
    assert Scoresheet.objects.filter(item__session=session).count() == 2 * len(members)
    assert set(Scoresheet.objects.values_list("status", flat=True)) == {SheetStatus.DRAFT}


def test_autosave_keeps_running_totals_per_part(item, members):
    sheet = sheet_of(item, members[1])
    user = members[1].user
    scoring.save_answer(scoresheet=sheet, criterion_code="1.1", by=user, options=["c"])
    scoring.save_answer(scoresheet=sheet, criterion_code="4.1", by=user, options=["d"])
    scoring.save_answer(scoresheet=sheet, criterion_code="1.1", by=user, options=["b"])
    sheet.refresh_from_db()
    assert sheet.total == Decimal("7")
    assert sheet.part_totals == {"A": "2.00", "B": "5.00", "C": "0.00"}


def test_multi_option_criterion_is_capped_at_its_maximum(item, members):
    sheet = sheet_of(item, members[1])
    scoring.save_answer(
        scoresheet=sheet, criterion_code="3.2", by=members[1].user, options=["a", "b", "c"]
    )
    assert CriterionScore.objects.get(scoresheet=sheet, criterion__code="3.2").points == 2


@pytest.mark.parametrize(
    ("code", "options", "message"),
    [
        ("1.1", ["z"], "“z”"),
        ("1.1", ["a", "b"], "1.1"),
        ("9.9", ["a"], "“9.9”"),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(item, members, code, options, message):
    sheet = sheet_of(item, members[1])
    scoring.save_answer(scoresheet=sheet, criterion_code="1.2", by=members[1].user, options=["d"])
    with pytest.raises(ValidationError) as error:
        scoring.save_answer(
            scoresheet=sheet, criterion_code=code, by=members[1].user, options=options
        )
    assert message in " ".join(error.value.messages).lower()
    sheet.refresh_from_db()
    assert sheet.total == 3
    assert sheet.answers.count() == 1


def test_a_member_cannot_write_another_members_sheet(item, members):
    sheet = sheet_of(item, members[1])
    with pytest.raises(PermissionDenied):
        scoring.save_answer(
            scoresheet=sheet, criterion_code="1.1", by=members[2].user, options=["a"]
        )
    assert not sheet.answers.exists()


def test_submitting_needs_every_criterion(item, members):
    sheet = sheet_of(item, members[1])
    scoring.save_answer(scoresheet=sheet, criterion_code="1.1", by=members[1].user, options=["a"])
    with pytest.raises(ValidationError) as error:
        scoring.submit_scoresheet(scoresheet=sheet, by=members[1].user)
    assert "1.2" in error.value.messages[0]
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT


def test_scoring_is_blind_until_the_member_submits(item, members, province_officer):
    fill(sheet_of(item, members[0]))
    assert queries.can_see_scores(members[0].user, item)
    assert not queries.can_see_scores(members[1].user, item)
    assert not queries.can_see_scores(province_officer, item)  # no result yet
    fill(sheet_of(item, members[1]))
    assert queries.can_see_scores(members[1].user, item)


def test_submitted_sheet_is_locked(item, members):
    sheet = fill(sheet_of(item, members[1]))
    with pytest.raises(ValidationError):
        scoring.save_answer(
            scoresheet=sheet, criterion_code="1.1", by=members[1].user, options=["a"]
        )


def test_result_is_the_exact_mean_with_band_and_caps(item, members):
    # Best everywhere = 100; one member drops 1.1 to "b" (99) and one 1.3 to "c" (99).
    fill(sheet_of(item, members[0]))
    fill(sheet_of(item, members[1]), overrides={"1.1": ["b"]})
    fill(sheet_of(item, members[2]), overrides={"1.3": ["c"]})
    item.refresh_from_db()
    assert item.status == ItemStatus.DECIDED
    assert item.score == Fraction(298, 3)
    assert item.score_display == Decimal("99.33")
    assert (item.band_star, item.star, item.recognised_star, item.proposed) == (5, 5, 4, True)
    assert RoundResult.objects.filter(item=item).count() == 1
    assert ActivityLog.objects.filter(action="ocop.evaluation.result").count() == 1


def test_unmet_three_star_condition_means_not_achieved_whatever_the_score(item, members):
    # Two of three members find no internal control plan (7.3 "a" missing).
    fill(sheet_of(item, members[0]))
    for member in members[1:]:
        fill(sheet_of(item, member), overrides={"7.3": ["b", "c", "d"]})
    item.refresh_from_db()
    assert item.band_star == 5
    assert item.capped_by == 3
    assert item.star == 2
    assert item.achieved is False
    assert item.recognised_star is None


def test_spread_above_the_limit_flags_the_item_and_a_new_round_keeps_the_old(item, members, chair):
    fill(sheet_of(item, members[0]))
    fill(sheet_of(item, members[1]))
    fill(sheet_of(item, members[2]), pick=pick_worst)
    item.refresh_from_db()
    assert item.status == ItemStatus.FLAGGED
    assert item.star is None
    first = RoundResult.objects.get(item=item, round=1)
    assert first.flagged
    assert first.spread == Decimal(93)

    with pytest.raises(PermissionDenied):
        scoring.start_new_round(item=item, by=members[1].user, reason="x")
    with pytest.raises(ValidationError):
        scoring.start_new_round(item=item, by=chair.user, reason=" ")
    scoring.start_new_round(item=item, by=chair.user, reason="Thảo luận về chất lượng")
    item.refresh_from_db()
    assert item.round == 2
    assert item.status == ItemStatus.SCORING
    # Members start from their previous answers.
    again = sheet_of(item, members[2])
    assert again.total == Decimal(7)
    assert again.answers.count() == 31
    for member in members[:2]:
        scoring.submit_scoresheet(scoresheet=sheet_of(item, member), by=member.user)
    fill(again, pick=pick_worst, overrides={"1.1": ["b"]})
    item.refresh_from_db()
    assert item.status == ItemStatus.FLAGGED  # still far apart: 100, 100, 8
    assert RoundResult.objects.filter(item=item).count() == 2
    assert Scoresheet.objects.filter(item=item, round=1).count() == 3


def test_chair_reopens_a_sheet_and_the_old_values_are_kept(item, members, chair):
    for member in members:
        fill(sheet_of(item, member))
    item.refresh_from_db()
    assert item.status == ItemStatus.DECIDED
    sheet = sheet_of(item, members[1])
    with pytest.raises(PermissionDenied):
        scoring.reopen_scoresheet(scoresheet=sheet, by=members[2].user, reason="x")
    scoring.reopen_scoresheet(scoresheet=sheet, by=chair.user, reason="Nhầm tiêu chí 1.1")
    item.refresh_from_db()
    assert item.status == ItemStatus.SCORING
    assert item.star is None
    assert not RoundResult.objects.filter(item=item).exists()
    reopening = Reopening.objects.get(scoresheet=sheet)
    assert reopening.previous["total"] == "100.00"
    assert reopening.previous["answers"]["1.1"]["options"] == ["c"]
    scoring.save_answer(scoresheet=sheet, criterion_code="1.1", by=members[1].user, options=["a"])
    scoring.submit_scoresheet(scoresheet=sheet, by=members[1].user)
    item.refresh_from_db()
    assert item.status == ItemStatus.DECIDED
    assert item.score == Fraction(298, 3)


def test_recused_member_does_not_score_and_is_not_waited_for(item, members, chair):
    from ocop.evaluation.domain.sessions import declare_conflict

    declare_conflict(item=item, member=members[2], kind="household", by=members[2].user)
    assert not Scoresheet.objects.filter(item=item, member=members[2]).exists()
    fill(sheet_of(item, members[0]))
    fill(sheet_of(item, members[1]))
    item.refresh_from_db()
    assert item.status == ItemStatus.DECIDED
    assert item.score_count == 2
