"""Councils and sessions for the evaluation tests, built through the domain
functions (the same path as the application)."""

from datetime import date

from ocop.accounts.enums import Role
from ocop.criteria.enums import EvaluationLevel
from ocop.criteria.models import Sheet
from ocop.evaluation.domain import councils, scoring, sessions
from ocop.evaluation.enums import MemberRole
from ocop.evaluation.models import Scoresheet
from tests.factories.accounts import user_with_role
from tests.factories.geo import province

# The exception an officer records to put a product on an agenda without a
# pre-checked dossier (the tests' sessions are built without dossiers).
PAPER = "Đánh giá lại hồ sơ lưu trên giấy (kiểm thử)"

ROLES = [MemberRole.CHAIR, MemberRole.MEMBER, MemberRole.MEMBER, MemberRole.SECRETARY]


def sheet_1048() -> Sheet:
    return Sheet.objects.get(code="1048-I-rau-cu-qua-tuoi", superseded_by__isnull=True)


def council_with_members(*, officer, members: int = 3, code: str = "38", **fields):
    """A provincial council with ``members`` council members (the first is
    the chair) who each have an account with the council-member role."""
    unit = province(code)
    council = councils.create_council(
        by=officer,
        name=fields.pop("name", "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh"),
        level=fields.pop("level", EvaluationLevel.PROVINCE),
        unit=fields.pop("unit", unit),
        decision_number=fields.pop("decision_number", "1234/QĐ-UBND"),
        decision_date=fields.pop("decision_date", date(2025, 8, 1)),
        **fields,
    )
    people = []
    for index in range(members):
        user = user_with_role(Role.COUNCIL_MEMBER, unit=unit, username=f"hd{council.pk}_{index}")
        role = MemberRole.CHAIR if index == 0 else MemberRole.MEMBER
        people.append(councils.add_member(council=council, user=user, by=officer, role=role))
    return council, people


def open_session(*, officer, council, products, sheet=None, present=None, day=date(2025, 9, 15)):
    """A session with ``products`` on its agenda, attendance recorded, open
    (the council meeting on ``day``, the session's date)."""
    session = sessions.create_session(council=council, by=officer, title="Phiên đánh giá", date=day)
    sheet = sheet or sheet_1048()
    for product in products:
        sessions.add_item(
            session=session, product=product, by=officer, sheet=sheet, exception_reason=PAPER
        )
    members = present if present is not None else list(council.members.filter(body="council"))
    sessions.set_attendance(session=session, present_member_ids=[m.pk for m in members], by=officer)
    return sessions.set_session_state(session=session, action="open", by=officer, today=day)


def pick_best(criterion):
    if criterion.kind == "multi":
        return [o.code for o in criterion.options.all()]
    best = max(criterion.options.all(), key=lambda o: o.points)
    return [best.code]


def pick_worst(criterion):
    if criterion.kind == "multi":
        return []
    worst = min(criterion.options.all(), key=lambda o: o.points)
    return [worst.code]


def fill(scoresheet: Scoresheet, *, pick=pick_best, submit: bool = True, overrides=None):
    """Answer every criterion of a member's sheet (and submit it)."""
    user = scoresheet.member.user
    overrides = overrides or {}
    for criterion in scoresheet.item.sheet.criteria.prefetch_related("options"):
        options = overrides.get(criterion.code, pick(criterion))
        scoring.save_answer(
            scoresheet=scoresheet, criterion_code=criterion.code, by=user, options=options
        )
    if submit:
        scoresheet = scoring.submit_scoresheet(scoresheet=scoresheet, by=user)
    return scoresheet
