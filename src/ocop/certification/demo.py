"""Demo data (``manage.py load_demo``): the province's recognition decisions
(fictional numbers and signer) for the four products shown as certified,
each created as a draft and issued by the provincial officer through
``set_decision_state`` (numbering, certificates, supersession, the products'
status) unless a decision with its number exists — once the certification
rules are loaded (``manage.py load_certification_rules``).

"two_years_ago": certificates well within their validity; "last_month": the
newest recognition (shown first on the public home page). "expiring": dated
so that the certificate is half-way into the "expires soon" window of the
certification rules (data, ``certification/data/rules.yaml``). Dates are
relative to ``ctx.today``. Reads ``ctx.province``; sets ``ctx.certified``
(False when no certification rule is loaded)."""

from datetime import date, timedelta
from decimal import Decimal

from ocop.accounts.models import User
from ocop.certification.domain.decisions import (
    authority_for,
    legal_bases_on,
    set_decision_state,
    title_for,
)
from ocop.certification.domain.rules import NoRuleInForce, rule_on, rules_table, valid_until_for
from ocop.certification.enums import AuthorityLevel, DecisionState
from ocop.certification.models import Decision, DecisionItem
from ocop.core.domain.activity import log_action
from ocop.core.workdays import add_months
from ocop.products.models import Product

DECISION_OFFICER = "tinh.canbo"
DECISION_SIGNER = {"signer_name": "Nguyễn Văn Minh", "signer_title": "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"}
DECISIONS = [
    # (number, when, [(product, star, score)])
    ("876/QĐ-UBND", "expiring", [("Nem chua Thanh Hóa Cô Hoa", 3, Decimal("64.50"))]),
    ("1377/QĐ-UBND", "last_month", [("Mật ong hoa nhãn Đồng Tâm", 4, Decimal("76.50"))]),
    (
        "1250/QĐ-UBND",
        "two_years_ago",
        [
            ("Nước mắm cá cơm Đồng Tâm", 3, Decimal("66.25")),
            ("Mực khô Hậu Lộc", 4, Decimal("78.00")),
        ],
    ),
]


def load(*, ctx) -> None:
    ctx.certified = _decisions(ctx.province, today=ctx.today)
    if not ctx.certified:
        ctx.notes.append(
            "No demo certificates or stamps: run `manage.py load_certification_rules`, "
            "then load_demo again."
        )


def _decisions(province, *, today: date) -> bool:
    table = rules_table()
    if not table:
        return False
    officer = User.objects.get(username=DECISION_OFFICER)
    for number, when, lines in DECISIONS:
        if Decision.objects.filter(
            level=AuthorityLevel.PROVINCE, unit=province, number=number
        ).exists():
            continue
        day = None
        if when == "expiring":
            day = _expiring_decision_date(today, table)
        elif when == "last_month":
            day = today - timedelta(days=30)
        day = day or add_months(today, -24)
        _issue_decision(province, officer, number=number, day=day, lines=lines)
    return True


def _expiring_decision_date(today: date, table) -> date | None:
    """A decision date whose certificate is in the "expires soon" window
    today (as near its middle as the calendar allows), by the rules' data;
    None if the rules have no such window."""
    guess = add_months(today, -rule_on(today, table=table).validity_months)
    best = None
    for offset in range(-60, 61):
        day = guess + timedelta(days=offset)
        try:
            window = rule_on(day, table=table).expiring_days
        except NoRuleInForce:
            continue
        left = (valid_until_for(issued_on=day, table=table) - today).days
        if 1 <= left <= window:
            distance = abs(left - (window + 1) // 2)
            if best is None or distance < best[0]:
                best = (distance, day)
    return best[1] if best else None


def _issue_decision(province, officer, *, number: str, day: date, lines) -> Decision:
    """A draft decision with its annex, in the texts a draft from a council
    session gets (the demo has no closed session behind these), issued by
    the provincial officer."""
    level = AuthorityLevel.PROVINCE
    bases = [f"Căn cứ {basis.title};" for basis in legal_bases_on(level=level, day=day)]
    bases.append(
        "Xét đề nghị của Văn phòng Điều phối nông thôn mới tỉnh Thanh Hóa về kết quả "
        "đánh giá, phân hạng sản phẩm OCOP (dữ liệu demo)."
    )
    decision = Decision.objects.create(
        state=DecisionState.DRAFT,
        number=number,
        date=day,
        title=title_for(level=level, unit=province, day=day),
        authority=authority_for(level=level, unit=province),
        level=level,
        unit=province,
        legal_basis="\n".join(bases),
        created_by=officer,
        **DECISION_SIGNER,
    )
    products = []
    for order, (name, star, score) in enumerate(lines, start=1):
        product = Product.objects.get(name=name, province=province)
        DecisionItem.objects.create(
            decision=decision, product=product, star=star, score=score, order=order
        )
        products.append({"product": str(product), "star": star, "score": str(score)})
    log_action(
        action="ocop.decision.drafted",
        by=officer,
        obj=decision,
        unit=province,
        data={"session": None, "products": products},
    )
    return set_decision_state(decision=decision, action="issue", by=officer)
