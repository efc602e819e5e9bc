"""The other steps of the table: the 148 path with the district, scheduling
on a council session, the council's result and the proposal to the centre."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ocop.cycles.domain import dossiers as dossier_domain
from ocop.cycles.domain.workflow import TRANSITIONS, set_dossier_state
from ocop.cycles.enums import DossierPath, DossierState
from ocop.cycles.models import Dossier
from ocop.evaluation.models import Scoresheet
from tests.factories.cycles import commune_checked
from tests.factories.evaluation import council_with_members, fill

pytestmark = pytest.mark.django_db


def forwarded(dossier, producer, officer, advisory):
    set_dossier_state(dossier=dossier, action="submit", by=producer)
    commune_checked(dossier, officer)
    set_dossier_state(dossier=dossier, action="forward", by=officer)
    return set_dossier_state(dossier=dossier, action="precheck", by=advisory)


def test_every_transition_is_labelled_and_tells_whoever_acts_next():
    from ocop.cycles.domain.queries import WAITING_ON

    actions = [t.action for t in TRANSITIONS]
    assert len(actions) == len(set(actions))
    assert all(str(t.label) for t in TRANSITIONS)
    silent = [t.action for t in TRANSITIONS if t.target in WAITING_ON and not t.notify]
    assert silent == []


def test_148_path_goes_through_the_district(dossier, producer_x, officer_x, province_officer):
    Dossier.objects.filter(pk=dossier.pk).update(path=DossierPath.P148)
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    commune_checked(dossier, officer_x)
    with pytest.raises(ValidationError):
        set_dossier_state(dossier=dossier, action="forward", by=officer_x)
    dossier = set_dossier_state(dossier=dossier, action="forward_district", by=officer_x)
    assert dossier.state == DossierState.DISTRICT
    with pytest.raises(PermissionDenied):
        set_dossier_state(dossier=dossier, action="district_forward", by=officer_x)
    dossier = set_dossier_state(dossier=dossier, action="district_forward", by=province_officer)
    assert dossier.state == DossierState.FORWARDED


def test_1489_dossiers_cannot_take_the_district_step(dossier, producer_x, officer_x):
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    commune_checked(dossier, officer_x)
    with pytest.raises(ValidationError):
        set_dossier_state(dossier=dossier, action="forward_district", by=officer_x)


def test_path_follows_the_date():
    from datetime import date

    assert dossier_domain.path_on(date(2025, 7, 5)) == DossierPath.P148
    assert dossier_domain.path_on(date(2025, 7, 6)) == DossierPath.P1489


def test_scheduled_dossier_moves_on_when_the_council_decides(
    dossier, producer_x, officer_x, advisory, province_officer
):
    from ocop.evaluation.domain import sessions

    dossier = forwarded(dossier, producer_x, officer_x, advisory)
    council, members = council_with_members(officer=province_officer, members=3)
    session = sessions.create_session(
        council=council, by=province_officer, title="Phiên 1", date=dossier.created_at.date()
    )
    with pytest.raises(PermissionDenied):
        dossier_domain.schedule(dossier=dossier, session=session, by=advisory)
    dossier = dossier_domain.schedule(dossier=dossier, session=session, by=province_officer)
    assert dossier.state == DossierState.SCHEDULED
    item = dossier.agenda_item
    assert item.sheet_id == dossier.sheet_id
    sessions.set_attendance(
        session=session, present_member_ids=[m.pk for m in members], by=province_officer
    )
    sessions.set_session_state(session=session, action="open", by=province_officer)
    for member in members:
        fill(Scoresheet.objects.get(item=item, member=member))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.EVALUATED
    # 100 points at province: proposed to the centre.
    dossier = set_dossier_state(dossier=dossier, action="propose", by=province_officer)
    assert dossier.state == DossierState.PROPOSED


def test_a_product_below_90_is_not_proposed(
    dossier, producer_x, officer_x, advisory, province_officer
):
    from ocop.evaluation.domain import sessions

    dossier = forwarded(dossier, producer_x, officer_x, advisory)
    council, members = council_with_members(officer=province_officer, members=3)
    session = sessions.create_session(
        council=council, by=province_officer, title="Phiên 1", date=dossier.created_at.date()
    )
    dossier = dossier_domain.schedule(dossier=dossier, session=session, by=province_officer)
    sessions.set_attendance(
        session=session, present_member_ids=[m.pk for m in members], by=province_officer
    )
    sessions.set_session_state(session=session, action="open", by=province_officer)
    from tests.factories.evaluation import pick_worst

    item = dossier.agenda_item
    for member in members:
        fill(Scoresheet.objects.get(item=item, member=member), pick=pick_worst)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.EVALUATED
    with pytest.raises(ValidationError):
        set_dossier_state(dossier=dossier, action="propose", by=province_officer)


def test_withdrawal_needs_a_reason_and_only_before_the_province(dossier, producer_x):
    with pytest.raises(ValidationError):
        set_dossier_state(dossier=dossier, action="withdraw", by=producer_x)
    dossier = set_dossier_state(
        dossier=dossier, action="withdraw", by=producer_x, reason="Chưa đủ mẫu"
    )
    assert dossier.state == DossierState.WITHDRAWN


def test_a_proposed_dossier_goes_to_the_central_council(
    dossier, producer_x, officer_x, advisory, province_officer
):
    from datetime import date

    from ocop.accounts.enums import Role
    from ocop.criteria.enums import EvaluationLevel
    from ocop.evaluation.domain import councils, sessions
    from tests.factories.accounts import user_with_role

    dossier = forwarded(dossier, producer_x, officer_x, advisory)
    council, members = council_with_members(officer=province_officer, members=3)
    session = sessions.create_session(
        council=council, by=province_officer, title="Phiên tỉnh", date=dossier.created_at.date()
    )
    dossier = dossier_domain.schedule(dossier=dossier, session=session, by=province_officer)
    sessions.set_attendance(
        session=session, present_member_ids=[m.pk for m in members], by=province_officer
    )
    sessions.set_session_state(session=session, action="open", by=province_officer)
    for member in members:
        fill(Scoresheet.objects.get(item=dossier.agenda_item, member=member))
    dossier = set_dossier_state(dossier=dossier, action="propose", by=province_officer)

    central_officer = user_with_role(Role.CENTRAL_OFFICER)
    central = councils.create_council(
        by=central_officer,
        name="Hội đồng Trung ương",
        level=EvaluationLevel.CENTRAL,
        unit=None,
        decision_number="1/QĐ-BNNMT",
        decision_date=date(2025, 8, 1),
    )
    central_session = sessions.create_session(
        council=central, by=central_officer, title="Phiên TW", date=dossier.created_at.date()
    )
    with pytest.raises(PermissionDenied):
        dossier_domain.schedule(dossier=dossier, session=central_session, by=province_officer)
    with pytest.raises(ValidationError):
        dossier_domain.schedule(dossier=dossier, session=session, by=central_officer)
    dossier = dossier_domain.schedule(dossier=dossier, session=central_session, by=central_officer)
    assert dossier.state == DossierState.SCHEDULED
    assert dossier.agenda_item.session == central_session


def test_a_product_withdrawn_from_the_session_can_be_scheduled_again(
    dossier, producer_x, officer_x, advisory, province_officer
):
    from ocop.evaluation.domain import sessions

    dossier = forwarded(dossier, producer_x, officer_x, advisory)
    council, members = council_with_members(officer=province_officer, members=3)
    first = sessions.create_session(
        council=council, by=province_officer, title="Phiên 1", date=dossier.created_at.date()
    )
    dossier = dossier_domain.schedule(dossier=dossier, session=first, by=province_officer)
    sessions.set_attendance(
        session=first, present_member_ids=[m.pk for m in members], by=province_officer
    )
    sessions.set_session_state(session=first, action="open", by=province_officer)
    sessions.withdraw_item(item=dossier.agenda_item, by=members[0].user, reason="Thiếu mẫu")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.PRECHECKED
    assert dossier.agenda_item is None
    second = sessions.create_session(
        council=council, by=province_officer, title="Phiên 2", date=dossier.created_at.date()
    )
    dossier = dossier_domain.schedule(dossier=dossier, session=second, by=province_officer)
    assert dossier.state == DossierState.SCHEDULED
    assert dossier.agenda_item.session == second
