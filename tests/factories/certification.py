"""Closed council sessions with results, decisions and certificates for the
certification tests, built through the domain functions (the same path as the
application: score every member's sheet, close the session, draft, issue)."""

from datetime import date

from ocop.certification.domain import decisions
from ocop.certification.enums import CertificateSource, CertificateStatus
from ocop.certification.models import Certificate
from ocop.criteria.enums import EvaluationLevel
from ocop.evaluation.domain import sessions
from ocop.evaluation.enums import MemberRole
from ocop.evaluation.models import Scoresheet
from tests.factories.evaluation import council_with_members, fill, open_session

# Answers on the 1048 sample sheet (100 points at best) that give a known result.
BEST = {}  # 100 points: 5★ band; a province recognises 4★ and proposes it
FOUR_STARS = {"6.2": ["a"], "5.1": ["a"]}  # 87 points: 4★
THREE_STARS = {  # 64 points, and the 4★ mandatory criterion 6.7 unmet: 3★
    "6.2": ["a"],
    "5.1": ["a"],
    "4.1": ["a"],
    "4.2": ["a"],
    "4.3": ["a"],
    "1.5": ["a"],
    "6.7": ["a"],
}


def closed_session(
    *,
    officer,
    products,
    results=None,
    day=date(2025, 9, 15),
    council=None,
    level=EvaluationLevel.PROVINCE,
    first_member_drops=False,
):
    """A session on ``day`` where every member scored each product with the
    answers of ``results[product]`` (default FOUR_STARS), closed by the chair.

    With ``first_member_drops`` the first member answers 1.1 one point lower,
    so that the mean is not a whole number (e.g. 86.66…)."""
    if council is None:
        extra = {"level": level, "unit": None} if level == EvaluationLevel.CENTRAL else {}
        council, _members = council_with_members(officer=officer, members=3, **extra)
    results = results or {}
    session = open_session(officer=officer, council=council, products=products, day=day)
    members = list(council.members.filter(body="council").order_by("id"))
    for item in session.items.select_related("product"):
        overrides = results.get(item.product.pk, FOUR_STARS)
        for index, member in enumerate(members):
            answers = dict(overrides)
            if first_member_drops and index == 0:
                answers["1.1"] = ["b"]
            fill(
                Scoresheet.objects.get(item=item, member=member, round=item.round),
                overrides=answers,
            )
    chair = next(m for m in members if m.role == MemberRole.CHAIR)
    return sessions.set_session_state(session=session, action="close", by=chair.user)


def complete_draft(decision, *, by, number="123/QĐ-UBND", day=date(2025, 9, 30), **fields):
    return decisions.update_draft(
        decision=decision,
        by=by,
        number=number,
        date=day,
        signer_title=fields.pop("signer_title", "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"),
        signer_name=fields.pop("signer_name", "Lê Văn Ký"),
        **fields,
    )


def issued_decision(*, session, by, number="123/QĐ-UBND", day=date(2025, 9, 30)):
    """Draft from ``session``, complete and issue: the decision (issued)."""
    decision = decisions.draft_from_session(session=session, by=by)
    complete_draft(decision, by=by, number=number, day=day)
    return decisions.set_decision_state(decision=decision, action="issue", by=by)


def imported_certificate(
    product,
    *,
    star=3,
    decision_number="1114/QĐ-UBND",
    decision_date=date(2024, 4, 6),
    valid_until=date(2027, 4, 6),
    status=CertificateStatus.VALID,
):
    """A certificate as the Excel import of a published list records it."""
    return Certificate.objects.create(
        product=product,
        star=star,
        decision_number=decision_number,
        decision_date=decision_date,
        valid_until=valid_until,
        legal_basis="148/QĐ-TTg",
        source=CertificateSource.IMPORT,
        status=status,
    )
