"""Reads for evaluation: what each user may see, progress and results."""

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, F, Q

from ocop.criteria import engine

from ..enums import Body, SessionState, SheetStatus
from ..models import (
    AgendaItem,
    Attendance,
    Conflict,
    Council,
    CouncilMember,
    CriterionScore,
    Scoresheet,
    Session,
)
from ..rules import council_scope_q


def councils_visible_to(user):
    if user is None or not user.is_authenticated:
        return Council.objects.none()
    return (
        Council.objects.filter(council_scope_q(user) | Q(members__user=user, members__active=True))
        .distinct()
        .select_related("unit")
    )


def sessions_visible_to(user):
    return Session.objects.filter(council__in=councils_visible_to(user)).select_related(
        "council", "council__unit"
    )


def items_visible_to(user):
    return AgendaItem.objects.filter(session__in=sessions_visible_to(user))


def scoresheets_of(user):
    """The user's own scoresheets, newest session first."""
    return (
        Scoresheet.objects.filter(member__user=user)
        .select_related("item__session__council", "item__product__subject", "member")
        .order_by("-item__session__date", "item__order", "-round")
    )


def waiting_scoresheets(user):
    """The user's sheets still to score: open sessions, the item's current
    round, not yet submitted (the dashboard's figure and the list of
    ``evaluation:home?waiting=1``)."""
    return scoresheets_of(user).filter(
        item__session__state=SessionState.OPEN,
        round=F("item__round"),
        status=SheetStatus.DRAFT,
    )


def voting_members(council) -> list[CouncilMember]:
    return list(council.members.filter(body=Body.COUNCIL, active=True).select_related("user"))


def present_members(session) -> list[CouncilMember]:
    return [
        a.member
        for a in Attendance.objects.filter(
            session=session, present=True, member__body=Body.COUNCIL, member__active=True
        ).select_related("member__user")
    ]


def quorum(session) -> dict:
    """Whether enough council members are present (and the chair, if required)."""
    council = session.council
    members = voting_members(council)
    present = present_members(session)
    needed = -(-len(members) * council.quorum_percent // 100)  # ceiling
    chair_present = any(m.role == "chair" for m in present)
    reached = len(members) > 0 and len(present) >= needed
    if council.quorum_requires_chair:
        reached = reached and chair_present
    return {
        "members": len(members),
        "present": len(present),
        "needed": needed,
        "chair_present": chair_present,
        "reached": reached,
    }


def recused_pairs(session) -> set[tuple[int, int]]:
    """(item id, member id) pairs where the member is recused."""
    return set(
        Conflict.objects.filter(item__session=session, recused=True).values_list(
            "item_id", "member_id"
        )
    )


def expected_scorers(item, *, present=None, recused=None) -> list[CouncilMember]:
    """Present, non-recused council members who must score the item."""
    present = present_members(item.session) if present is None else present
    recused = recused_pairs(item.session) if recused is None else recused
    return [m for m in present if (item.pk, m.pk) not in recused]


def agenda(session):
    """The session's agenda with products, subjects and sheets."""
    return session.items.select_related(
        "product__subject__commune__province", "product__category", "sheet"
    ).order_by("order", "id")


def progress(session) -> dict[int, dict]:
    """Per item: how many sheets of the current round are submitted, of how many."""
    rows = (
        Scoresheet.objects.filter(item__session=session)
        .values("item_id", "round", "status", "item__round")
        .annotate(n=Count("id"))
    )
    out: dict[int, dict] = defaultdict(lambda: {"submitted": 0, "total": 0})
    for row in rows:
        if row["round"] != row["item__round"]:
            continue
        out[row["item_id"]]["total"] += row["n"]
        if row["status"] == SheetStatus.SUBMITTED:
            out[row["item_id"]]["submitted"] += row["n"]
    return out


def can_see_scores(user, item) -> bool:
    """Blind scoring: a member sees the others' scores of a round only after
    submitting their own; everyone else once the round's result exists."""
    own = Scoresheet.objects.filter(item=item, round=item.round, member__user=user).first()
    if own is not None:
        return own.status == SheetStatus.SUBMITTED
    return item.round_results.filter(round=item.round).exists()


def can_read_scoresheet(user, scoresheet) -> bool:
    """The member reads their own sheet; others a submitted sheet of an item
    they can see, once its scores are visible to them."""
    if scoresheet.member.user_id == getattr(user, "pk", None):
        return True
    return (
        scoresheet.status == SheetStatus.SUBMITTED
        and items_visible_to(user).filter(pk=scoresheet.item_id).exists()
        and can_see_scores(user, scoresheet.item)
    )


def round_sheets(item, round_no=None):
    return (
        Scoresheet.objects.filter(item=item, round=item.round if round_no is None else round_no)
        .select_related("member__user")
        .order_by("member__id")
    )


def criterion_disagreement(item, sheets, criteria, *, allowed) -> list[dict]:
    """The discussion view: per criterion, each submitted member's answer and
    points (in the order of ``sheets``), the mean and the spread (max − min),
    ``over`` when the spread exceeds ``allowed`` (the council's limit for one
    criterion). One query for every sheet's answers."""
    submitted = [s for s in sheets if s.status == SheetStatus.SUBMITTED]
    answers = {
        (row.scoresheet_id, row.criterion_id): row
        for row in CriterionScore.objects.filter(scoresheet__in=[s.pk for s in submitted]).only(
            "scoresheet_id", "criterion_id", "options", "value", "points"
        )
    }
    rows = []
    for criterion in criteria:
        cells = []
        for sheet in submitted:
            answer = answers.get((sheet.pk, criterion.pk))
            if answer is None:
                cells.append({"sheet": sheet, "answer": None, "points": None})
                continue
            if answer.value is not None:
                text = f"{answer.value.normalize():f}"
            else:
                text = ", ".join(answer.options) or "0"
            cells.append({"sheet": sheet, "answer": text, "points": answer.points})
        points = [c["points"] for c in cells if c["points"] is not None]
        spread = (max(points) - min(points)) if points else None
        rows.append(
            {
                "criterion": criterion,
                "cells": cells,
                "mean": Fraction(sum(points, Decimal(0))) / len(points) if points else None,
                "spread": spread,
                "over": spread is not None and spread > allowed,
            }
        )
    return rows


def calibration(council) -> list[dict]:
    """Each member's calibration over the council's decided items: the mean
    deviation of their totals from the council means (final rounds only)."""
    rows = Scoresheet.objects.filter(
        item__session__council=council,
        item__status="decided",
        status=SheetStatus.SUBMITTED,
    ).values_list(
        "member_id",
        "item_id",
        "round",
        "total",
        "item__round",
        "item__score_sum",
        "item__score_count",
    )
    deviations: dict[int, list[Fraction]] = defaultdict(list)
    for member_id, _item_id, rnd, total, item_round, score_sum, score_count in rows:
        if rnd != item_round or not score_count:
            continue
        deviations[member_id].append(Fraction(total) - Fraction(score_sum) / score_count)
    members = {m.pk: m for m in council.members.select_related("user")}
    out = []
    for member_id, values in deviations.items():
        mean = engine.calibration(values)
        out.append(
            {
                "member": members.get(member_id),
                "items": len(values),
                "mean_deviation": mean,
                "mean_deviation_display": Decimal(mean.numerator) / Decimal(mean.denominator),
                "mean_abs_deviation": sum((abs(v) for v in values), Fraction(0)) / len(values),
            }
        )
    out.sort(key=lambda r: -abs(r["mean_deviation"]))
    return out


def filter_sessions(sessions, *, filters: dict):
    """The sessions list's filters: state, the council's province, the
    session's date from/to."""
    if filters.get("state"):
        sessions = sessions.filter(state=filters["state"])
    if filters.get("province"):
        sessions = sessions.filter(council__unit=filters["province"])
    if filters.get("start"):
        sessions = sessions.filter(date__gte=filters["start"])
    if filters.get("end"):
        sessions = sessions.filter(date__lte=filters["end"])
    return sessions.order_by("-date", "-pk")
