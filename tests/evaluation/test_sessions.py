from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ocop.accounts.enums import Role
from ocop.core.models import ActivityLog
from ocop.criteria.enums import EvaluationLevel
from ocop.evaluation.domain import councils, queries, sessions
from ocop.evaluation.enums import ItemStatus, SessionState
from ocop.evaluation.models import Conflict, Scoresheet, Session
from tests.factories.accounts import user_with_role
from tests.factories.evaluation import PAPER, council_with_members, fill, sheet_1048
from tests.factories.geo import province

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(province_officer, council, product_x):
    session = sessions.create_session(
        council=council, by=province_officer, title="Phiên 1", date=date(2025, 9, 20)
    )
    sessions.add_item(
        session=session,
        product=product_x,
        by=province_officer,
        sheet=sheet_1048(),
        exception_reason=PAPER,
    )
    return session


def test_officer_of_another_province_cannot_set_up_a_council_here(db):
    outsider = user_with_role(Role.PROVINCE_OFFICER, unit=province("01"))
    with pytest.raises(PermissionDenied):
        council_with_members(officer=outsider, members=1)


def test_only_central_officers_set_up_the_central_council(province_officer):
    with pytest.raises(ValidationError):
        councils.create_council(
            by=province_officer,
            name="HĐ TW",
            level=EvaluationLevel.CENTRAL,
            unit=province("38"),
            decision_number="1",
            decision_date=date(2025, 8, 1),
        )
    with pytest.raises(PermissionDenied):
        councils.create_council(
            by=province_officer,
            name="HĐ TW",
            level=EvaluationLevel.CENTRAL,
            unit=None,
            decision_number="1",
            decision_date=date(2025, 8, 1),
        )
    central = user_with_role(Role.CENTRAL_OFFICER)
    council = councils.create_council(
        by=central,
        name="HĐ TW",
        level=EvaluationLevel.CENTRAL,
        unit=None,
        decision_number="1",
        decision_date=date(2025, 8, 1),
    )
    assert council.pk


def test_a_council_has_one_chair(province_officer, council, members):
    other = user_with_role(Role.COUNCIL_MEMBER, unit=province("38"))
    with pytest.raises(ValidationError):
        councils.add_member(council=council, user=other, by=province_officer, role="chair")


def test_no_scoring_without_quorum(planned, members, province_officer):
    sessions.set_attendance(
        session=planned, present_member_ids=[members[0].pk, members[1].pk], by=province_officer
    )
    with pytest.raises(ValidationError) as error:
        sessions.set_session_state(session=planned, action="open", by=province_officer)
    assert "2" in error.value.messages[0]
    assert "3" in error.value.messages[0]
    planned.refresh_from_db()
    assert planned.state == SessionState.PLANNED
    assert not Scoresheet.objects.filter(item__session=planned).exists()


def test_the_chair_must_be_present_when_the_council_says_so(planned, members, province_officer):
    council = planned.council
    councils.update_council(council=council, by=province_officer, quorum_percent=50)
    sessions.set_attendance(
        session=planned, present_member_ids=[members[1].pk, members[2].pk], by=province_officer
    )
    with pytest.raises(ValidationError):
        sessions.set_session_state(session=planned, action="open", by=province_officer)
    councils.update_council(council=council, by=province_officer, quorum_requires_chair=False)
    sessions.set_session_state(session=planned, action="open", by=province_officer)
    planned.refresh_from_db()
    assert planned.state == SessionState.OPEN


@pytest.mark.parametrize(
    ("start", "action"),
    [
        ("planned", "close"),
        ("planned", "plan"),
        ("open", "plan"),
        ("open", "open"),
        ("closed", "open"),
        ("closed", "close"),
    ],
)
def test_illegal_transitions_fail_and_change_nothing(planned, province_officer, start, action):
    Session.objects.filter(pk=planned.pk).update(state=start)
    before = ActivityLog.objects.count()
    with pytest.raises(ValidationError):
        sessions.set_session_state(session=planned, action=action, by=province_officer)
    planned.refresh_from_db()
    assert planned.state == start
    assert ActivityLog.objects.count() == before


def test_an_empty_agenda_cannot_open(province_officer, council, members):
    session = sessions.create_session(
        council=council, by=province_officer, title="Trống", date=date(2025, 9, 20)
    )
    sessions.set_attendance(
        session=session, present_member_ids=[m.pk for m in members], by=province_officer
    )
    with pytest.raises(ValidationError):
        sessions.set_session_state(session=session, action="open", by=province_officer)


def test_only_the_chair_closes_and_only_when_every_product_has_a_result(
    session, members, chair, province_officer
):
    with pytest.raises(PermissionDenied):
        sessions.set_session_state(session=session, action="close", by=province_officer)
    with pytest.raises(ValidationError) as error:
        sessions.set_session_state(session=session, action="close", by=chair.user)
    assert "Nước mắm" in error.value.messages[0]
    first, second = session.items.order_by("order")
    for member in members:
        fill(Scoresheet.objects.get(item=first, member=member))
    sessions.withdraw_item(item=second, by=chair.user, reason="Thiếu mẫu sản phẩm")
    sessions.set_session_state(session=session, action="close", by=chair.user, reason="Kết luận")
    session.refresh_from_db()
    assert session.state == SessionState.CLOSED
    assert session.note == "Kết luận"
    second.refresh_from_db()
    assert second.status == ItemStatus.WITHDRAWN


def test_agenda_is_fixed_once_scoring_opens(session, product_y, province_officer):
    item = session.items.get(product=product_y)
    with pytest.raises(ValidationError):
        sessions.remove_item(item=item, by=province_officer)
    with pytest.raises(ValidationError):
        sessions.set_attendance(session=session, present_member_ids=[], by=province_officer)


def test_a_product_goes_on_the_agenda_once(planned, product_x, province_officer):
    with pytest.raises(ValidationError):
        sessions.add_item(
            session=planned, product=product_x, by=province_officer, exception_reason=PAPER
        )


def test_sheet_is_chosen_by_product_set_and_date(planned, product_y, province_officer):
    from ocop.products.models import ProductCategory

    product_y.category = None
    product_y.save()
    with pytest.raises(ValidationError):
        sessions.add_item(
            session=planned, product=product_y, by=province_officer, exception_reason=PAPER
        )
    product_y.category = ProductCategory.objects.get(code="I.2.b")
    product_y.save()
    item = sessions.add_item(
        session=planned, product=product_y, by=province_officer, exception_reason=PAPER
    )
    assert item.sheet.product_set_id == product_y.category_id
    assert item.sheet.effective_from <= planned.date


def test_links_in_the_data_are_flagged_as_conflicts(
    province_officer, council, members, product_x, subject_x
):
    from ocop.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=members[1].user, role=Role.CONSULTANT, subject=subject_x)
    members[2].commune = subject_x.commune
    members[2].save()
    session = sessions.create_session(
        council=council, by=province_officer, title="P", date=date(2025, 9, 20)
    )
    item = sessions.add_item(
        session=session,
        product=product_x,
        by=province_officer,
        sheet=sheet_1048(),
        exception_reason=PAPER,
    )
    kinds = set(Conflict.objects.filter(item=item).values_list("member_id", "kind"))
    assert kinds == {(members[1].pk, "consultant"), (members[2].pk, "same_commune")}
    assert not Conflict.objects.filter(item=item, recused=True).exists()


def test_declared_conflict_recuses_and_is_logged(session, item, members):
    sessions.declare_conflict(
        item=item, member=members[1], kind="business", note="Bạn hàng", by=members[1].user
    )
    assert (item.pk, members[1].pk) in queries.recused_pairs(session)
    assert [m.pk for m in queries.expected_scorers(item)] == [members[0].pk, members[2].pk]
    assert ActivityLog.objects.filter(action="ocop.session.recusal").exists()


def test_a_member_cannot_declare_for_another(session, item, members):
    with pytest.raises(PermissionDenied):
        sessions.declare_conflict(item=item, member=members[2], kind="other", by=members[1].user)


def test_council_member_sees_only_their_councils(session, members, province_officer):
    _other_council, other_members = council_with_members(officer=province_officer, members=1)
    assert list(queries.sessions_visible_to(other_members[0].user)) == []
    assert list(queries.sessions_visible_to(members[1].user)) == [session]
    outsider = user_with_role(Role.PROVINCE_OFFICER, unit=province("01"))
    assert list(queries.councils_visible_to(outsider)) == []
