"""The demo data's evaluation council and planned session (``load_demo``)."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from ocop.accounts.models import RoleAssignment, User
from ocop.core.models import ActivityLog
from ocop.evaluation.domain import queries, sessions
from ocop.evaluation.models import (
    AgendaItem,
    Attendance,
    Conflict,
    Council,
    CouncilMember,
    Scoresheet,
    Session,
)
from ocop.products.models import Product

pytestmark = pytest.mark.django_db

COUNCIL_NAME = "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Thanh Hóa"


def load_demo():
    call_command("load_demo", verbosity=0)


def snapshot():
    models = (
        Council,
        CouncilMember,
        Session,
        AgendaItem,
        Attendance,
        Conflict,
        Scoresheet,
        User,
        RoleAssignment,
        Product,
        ActivityLog,
    )
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


def test_demo_has_the_provincial_council_with_chair_members_and_advisory_team():
    load_demo()
    council = Council.objects.get()
    assert (
        council.name,
        council.level,
        council.unit.code,
        council.decision_number,
        council.created_by.username,
    ) == (COUNCIL_NAME, "province", "38", "01/QĐ-UBND (demo)", "tinh.canbo")
    members = council.members.order_by("pk").values_list("user__username", "body", "role")
    assert list(members) == [
        ("hoidong", "council", "chair"),
        ("hoidong.2", "council", "member"),
        ("hoidong.3", "council", "member"),
        ("totuvan", "advisory", "member"),
    ]
    for username in ("hoidong.2", "hoidong.3"):
        assignment = RoleAssignment.objects.get(user__username=username)
        assert (assignment.role, assignment.unit.code) == ("council_member", "38")
        assert User.objects.get(username=username).check_password("ocop-demo-2026")


def test_demo_session_is_planned_with_two_products_and_everyone_present():
    load_demo()
    session = Session.objects.get()
    today = timezone.localdate()
    assert (session.title, session.date, session.state) == (
        f"Phiên đánh giá đợt 1 năm {today.year}",
        today,
        "planned",
    )
    items = session.items.order_by("order").values_list(
        "product__name", "product__status", "sheet__code", "status"
    )
    assert list(items) == [
        ("Mắm tép Đồng Tâm", "none", "148-I.4.a", "waiting"),
        ("Chả tôm Sầm Sơn", "in_evaluation", "148-I.3.d", "waiting"),
    ]
    present = session.attendance.filter(present=True).values_list("member__user__username")
    assert sorted(u for (u,) in present) == ["hoidong", "hoidong.2", "hoidong.3"]
    assert Conflict.objects.count() == 0
    assert queries.quorum(session)["reached"] is True


def test_the_officer_can_open_the_demo_session_for_the_three_members():
    load_demo()
    session = Session.objects.get()
    officer = User.objects.get(username="tinh.canbo")
    sessions.set_session_state(session=session, action="open", by=officer)
    sheets = Scoresheet.objects.values_list("item__product__name", "member__user__username")
    assert sorted(sheets) == sorted(
        (product, member)
        for product in ("Mắm tép Đồng Tâm", "Chả tôm Sầm Sơn")
        for member in ("hoidong", "hoidong.2", "hoidong.3")
    )


def test_loading_the_demo_twice_changes_nothing():
    load_demo()
    first = snapshot()
    load_demo()
    assert snapshot() == first
    assert (Council.objects.count(), Session.objects.count()) == (1, 1)


def test_a_second_load_keeps_an_opened_session_as_it_is():
    load_demo()
    session = Session.objects.get()
    officer = User.objects.get(username="tinh.canbo")
    sessions.set_session_state(session=session, action="open", by=officer)
    first = snapshot()
    load_demo()
    assert snapshot() == first
