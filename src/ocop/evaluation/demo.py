"""Demo data (``manage.py load_demo``): the provincial evaluation council
(fictional decision), its members and advisory team, and a planned session
with every council member present, ready for "Open scoring" — once the
criteria sheets are loaded (``manage.py load_criteria --shipped``). Made
through the evaluation domain; each is created only if missing. Reads
``ctx.province``; sets ``ctx.session`` (None without criteria sheets).

Dates are relative to ``ctx.today`` of the first run: the council was set up
some ten months ago, and the session is planned for today (the first round's
deadline has passed, see the cycles demo), so that scoring can open, the
session close and the recognition decision be dated and issued on the day
the demo is tried, whatever that day is. A second run finds the session by
the start of its title, whatever its year, and changes nothing."""

from datetime import time, timedelta

from ocop.accounts.models import User
from ocop.criteria.domain.queries import sheets_for_product_set
from ocop.criteria.enums import EvaluationLevel
from ocop.evaluation.domain import councils, sessions
from ocop.evaluation.enums import Body, MemberRole
from ocop.evaluation.models import Council, Session
from ocop.products.models import Product

# The provincial council, set up by the provincial officer.
COUNCIL_OFFICER = "tinh.canbo"
COUNCIL = {
    "name": "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Thanh Hóa",
    "level": EvaluationLevel.PROVINCE,
    "decision_number": "01/QĐ-UBND (demo)",
    # "decision_date": COUNCIL_SET_UP_DAYS before today.
    "decision_issuer": "UBND tỉnh Thanh Hóa (dữ liệu demo)",
}
COUNCIL_MEMBERS = [
    # (username, body, role, position)
    ("hoidong", Body.COUNCIL, MemberRole.CHAIR, "Chủ tịch Hội đồng"),
    ("hoidong.2", Body.COUNCIL, MemberRole.MEMBER, "Ủy viên"),
    ("hoidong.3", Body.COUNCIL, MemberRole.MEMBER, "Ủy viên"),
    ("totuvan", Body.ADVISORY, MemberRole.MEMBER, "Thành viên Tổ tư vấn"),
]
COUNCIL_SET_UP_DAYS = 300
SESSION_TITLE = "Phiên đánh giá đợt 1 năm {year}"
SESSION_TITLE_START = "Phiên đánh giá đợt 1 năm "
SESSION = {
    # "title": SESSION_TITLE of today's year; "date": today.
    "start_time": time(8, 0),
    "place": "Văn phòng Điều phối nông thôn mới tỉnh Thanh Hóa",
}
AGENDA = ["Mắm tép Đồng Tâm", "Chả tôm Sầm Sơn"]
# The demo's products have no dossier in the platform: the officer records
# the exception (printed in the minutes), as for a record kept on paper.
AGENDA_EXCEPTION = "Đánh giá lại sản phẩm có hồ sơ lưu trên giấy (dữ liệu demo)"


def session_title(year: int) -> str:
    """The demo session's title in ``year`` (the year of the first run)."""
    return SESSION_TITLE.format(year=year)


def load(*, ctx) -> None:
    ctx.session = _council(ctx.province, today=ctx.today)
    if ctx.session is None:
        ctx.notes.append(
            "No demo council session: run `manage.py load_criteria --shipped`, "
            "then load_demo again."
        )


def _council(province, *, today) -> Session | None:
    officer = User.objects.get(username=COUNCIL_OFFICER)
    council = Council.objects.filter(name=COUNCIL["name"], unit=province).first()
    if council is None:
        council = councils.create_council(
            by=officer,
            unit=province,
            decision_date=today - timedelta(days=COUNCIL_SET_UP_DAYS),
            **COUNCIL,
        )
    for username, body, role, position in COUNCIL_MEMBERS:
        user = User.objects.get(username=username)
        if not council.members.filter(user=user, body=body).exists():
            councils.add_member(
                council=council,
                user=user,
                by=officer,
                body=body,
                role=role,
                position=position,
            )
    session = Session.objects.filter(council=council, title__startswith=SESSION_TITLE_START).first()
    if session is not None:
        return session
    products = [
        Product.objects.select_related("category").get(name=name, province=province)
        for name in AGENDA
    ]
    if not all(sheets_for_product_set(p.category, on=today).exists() for p in products):
        return None
    session = sessions.create_session(
        council=council, by=officer, title=session_title(today.year), date=today, **SESSION
    )
    for product in products:
        sessions.add_item(
            session=session, product=product, by=officer, exception_reason=AGENDA_EXCEPTION
        )
    sessions.set_attendance(
        session=session,
        present_member_ids=council.members.filter(body=Body.COUNCIL).values_list("pk", flat=True),
        by=officer,
    )
    return session
