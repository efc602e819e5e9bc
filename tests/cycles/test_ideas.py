"""Cycles, product ideas and business plans: the domain functions and the
ideas' transition table, both ways (allowed for the right role in scope,
refused with a clear message and no change otherwise)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.accounts.enums import Role
from ocop.core.models import ActivityLog, Notification
from ocop.cycles.domain import cycles as cycle_domain
from ocop.cycles.domain import ideas as idea_domain
from ocop.cycles.domain.queries import ideas_visible_to
from ocop.cycles.enums import IdeaState, PhaseKind
from ocop.cycles.models import BusinessPlan, Cycle, Idea, Phase
from tests.factories.accounts import user_with_role
from tests.factories.geo import province

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vietnamese_by_default(client, settings):
    """These tests compare messages with their English source text: this
    module's pages and messages are read in English (the Vietnamese catalogue
    is checked complete by tests/core/test_translations.py)."""
    from django.utils import translation

    translation.activate("en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield
    translation.deactivate()


FRIDAY_BEFORE_2_9 = date(2025, 8, 29)  # 1 and 2 September 2025 are public holidays
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def cycle(province_officer):
    return cycle_domain.create_cycle(
        by=province_officer, province=province("38"), year=2025, title="Chu trình OCOP 2025"
    )


@pytest.fixture
def idea(cycle, subject_x, producer_x, officer_x):
    # officer_x exists first: the commune's officers are told of the new idea.
    return idea_domain.register_idea(
        by=producer_x,
        cycle=cycle,
        subject=subject_x,
        product_name="Nước mắm rươi",
        description="Nước mắm ủ chượp từ cá cơm và rươi của xã.",
    )


@pytest.fixture
def officer_y(commune_y):
    return user_with_role(Role.COMMUNE_OFFICER, unit=commune_y, username="xa.y")


@pytest.fixture
def hanoi_officer():
    return user_with_role(Role.PROVINCE_OFFICER, unit=province("01"), username="tinh.hn")


def _state(idea) -> tuple:
    idea.refresh_from_db()
    return (idea.state, idea.reason, idea.plan_due, idea.decided_at)


# Cycles ------------------------------------------------------------------------


def test_province_officer_opens_a_cycle_with_its_settings(province_officer):
    cycle = cycle_domain.create_cycle(
        by=province_officer,
        province=province("38"),
        year=2026,
        title="Chu trình 2026",
        plan_deadline_days=7,
    )
    assert (cycle.province.code, cycle.year, cycle.plan_deadline_days, cycle.created_by) == (
        "38",
        2026,
        7,
        province_officer,
    )
    log = ActivityLog.objects.get(action="ocop.cycle.created")
    assert (log.actor, log.unit, log.data["plan_deadline_days"]) == (
        province_officer,
        province("38"),
        7,
    )


def test_only_the_provinces_officers_open_its_cycle(hanoi_officer, officer_x, producer_x):
    for user in (hanoi_officer, officer_x, producer_x):
        with pytest.raises(PermissionDenied):
            cycle_domain.create_cycle(by=user, province=province("38"), year=2025, title="C")
    assert Cycle.objects.count() == 0


def test_a_province_has_one_cycle_a_year(cycle, province_officer):
    with pytest.raises(ValidationError) as error:
        cycle_domain.create_cycle(
            by=province_officer, province=province("38"), year=2025, title="B"
        )
    assert "2025" in error.value.message_dict["year"][0]
    assert Cycle.objects.count() == 1


def test_phase_dates_in_order_and_set_again(cycle, province_officer):
    with pytest.raises(ValidationError) as error:
        cycle_domain.set_phase(
            cycle=cycle,
            by=province_officer,
            kind=PhaseKind.IDEAS,
            starts_on=date(2025, 3, 31),
            ends_on=date(2025, 3, 1),
        )
    assert error.value.message_dict["ends_on"] == [
        "The phase cannot end (01/03/2025) before it starts (31/03/2025)."
    ]
    assert Phase.objects.count() == 0
    cycle_domain.set_phase(
        cycle=cycle,
        by=province_officer,
        kind=PhaseKind.IDEAS,
        starts_on=date(2025, 3, 1),
        ends_on=date(2025, 3, 31),
    )
    cycle_domain.set_phase(
        cycle=cycle,
        by=province_officer,
        kind=PhaseKind.IDEAS,
        starts_on=date(2025, 3, 1),
        ends_on=date(2025, 4, 15),
    )
    assert list(cycle.phases.values_list("kind", "ends_on")) == [
        (PhaseKind.IDEAS, date(2025, 4, 15))
    ]
    assert ActivityLog.objects.filter(action="ocop.cycle.phase_set").count() == 2


def test_phases_and_rounds_are_the_provinces_business(cycle, officer_x, hanoi_officer):
    for user in (officer_x, hanoi_officer):
        with pytest.raises(PermissionDenied):
            cycle_domain.set_phase(
                cycle=cycle,
                by=user,
                kind=PhaseKind.IDEAS,
                starts_on=date(2025, 3, 1),
                ends_on=date(2025, 3, 31),
            )
        with pytest.raises(PermissionDenied):
            cycle_domain.add_round(
                cycle=cycle, by=user, number=1, title="Đợt 1", submission_deadline=date(2025, 9, 30)
            )
    assert (cycle.phases.count(), cycle.rounds.count()) == (0, 0)


def test_rounds_are_numbered_once(cycle, province_officer):
    cycle_domain.add_round(
        cycle=cycle,
        by=province_officer,
        number=1,
        title="Đợt 1",
        submission_deadline=date(2025, 9, 30),
    )
    with pytest.raises(ValidationError) as error:
        cycle_domain.add_round(
            cycle=cycle,
            by=province_officer,
            number=1,
            title="Đợt 1 bis",
            submission_deadline=date(2025, 10, 30),
        )
    assert error.value.message_dict["number"] == ["This cycle already has a round 1."]
    assert list(cycle.rounds.values_list("title", flat=True)) == ["Đợt 1"]


def test_cycle_settings_change_is_logged(cycle, province_officer):
    cycle_domain.update_cycle(cycle=cycle, by=province_officer, plan_deadline_days=10)
    cycle.refresh_from_db()
    assert cycle.plan_deadline_days == 10
    assert ActivityLog.objects.get(action="ocop.cycle.changed").data == {
        "plan_deadline_days": ["5", "10"]
    }
    with pytest.raises(ValidationError):
        cycle_domain.update_cycle(cycle=cycle, by=province_officer, plan_deadline_days=0)


# Registering ideas ------------------------------------------------------------


def test_producer_registers_an_idea_and_the_commune_is_told(idea, subject_x, officer_x):
    assert (idea.state, idea.commune, idea.province.code) == (
        IdeaState.SUBMITTED,
        subject_x.commune,
        "38",
    )
    assert list(Notification.objects.values_list("user", "url")) == [
        (officer_x.pk, f"/cycle/ideas/{idea.pk}/")
    ]
    assert ActivityLog.objects.filter(action="ocop.idea.registered").count() == 1


def test_commune_officer_registers_on_the_producers_behalf(cycle, subject_x, officer_x):
    idea = idea_domain.register_idea(
        by=officer_x, cycle=cycle, subject=subject_x, product_name="Mắm tép", description="…"
    )
    assert (idea.registered_by, idea.state) == (officer_x, IdeaState.SUBMITTED)


def test_others_cannot_register_for_the_subject(
    cycle, subject_x, officer_y, province_officer, subject_y
):
    producer_y = user_with_role(Role.PRODUCER, subject=subject_y, username="sx.y")
    for user in (officer_y, province_officer, producer_y):
        with pytest.raises(PermissionDenied):
            idea_domain.register_idea(
                by=user, cycle=cycle, subject=subject_x, product_name="Mắm", description="…"
            )
    assert Idea.objects.count() == 0


def test_an_idea_goes_to_its_own_provinces_cycle(hanoi_officer, subject_x, producer_x):
    hanoi = cycle_domain.create_cycle(
        by=hanoi_officer, province=province("01"), year=2025, title="Hà Nội 2025"
    )
    with pytest.raises(ValidationError) as error:
        idea_domain.register_idea(
            by=producer_x, cycle=hanoi, subject=subject_x, product_name="Mắm", description="…"
        )
    assert list(error.value.message_dict) == ["cycle"]
    assert Idea.objects.count() == 0


def test_an_idea_needs_a_name_and_a_description(cycle, subject_x, producer_x):
    with pytest.raises(ValidationError) as error:
        idea_domain.register_idea(
            by=producer_x, cycle=cycle, subject=subject_x, product_name=" ", description=""
        )
    assert sorted(error.value.message_dict) == ["description", "product_name"]


# The transition table -----------------------------------------------------------


def test_the_whole_path_received_accepted_plan(
    idea, officer_x, province_officer, producer_x, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_domain.receive_idea(idea=idea, by=officer_x)
    assert idea.state == IdeaState.RECEIVED
    assert Notification.objects.filter(user=province_officer).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_domain.decide_idea(
            idea=idea, by=province_officer, accept=True, today=FRIDAY_BEFORE_2_9
        )
    assert (idea.state, idea.plan_due) == (IdeaState.ACCEPTED, date(2025, 9, 9))
    assert idea.decided_at is not None
    assert Notification.objects.get(user=producer_x).text == (
        "Idea “Nước mắm rươi”: accepted. Business plan due by 09/09/2025."
    )
    plan = idea_domain.submit_plan(
        idea=idea, by=producer_x, summary="Sản lượng 2 tấn/năm", today=date(2025, 9, 9)
    )
    assert (plan.late, plan.submitted_on, plan.submitted_by) == (
        False,
        date(2025, 9, 9),
        producer_x,
    )
    logs = ActivityLog.objects.filter(action="ocop.idea.transition").order_by("pk")
    assert [(e.data["from"], e.data["to"], e.actor) for e in logs] == [
        ("submitted", "received", officer_x),
        ("received", "accepted", province_officer),
    ]
    assert logs[1].data["plan_due"] == "2025-09-09"


def test_plan_deadline_skips_weekends_and_the_national_day(idea, officer_x, province_officer):
    # Friday 29/08/2025 + 5 working days: Saturday, Sunday, and 1–2/9 (holidays)
    # are skipped, so 3, 4, 5, 8, 9 September: due on Tuesday 9 September.
    idea_domain.receive_idea(idea=idea, by=officer_x)
    idea = idea_domain.decide_idea(
        idea=idea, by=province_officer, accept=True, today=FRIDAY_BEFORE_2_9
    )
    assert idea.plan_due == date(2025, 9, 9)


def test_plan_deadline_uses_the_provinces_setting_across_tet(
    cycle, idea, officer_x, province_officer
):
    cycle_domain.update_cycle(cycle=cycle, by=province_officer, plan_deadline_days=1)
    idea_domain.receive_idea(idea=idea, by=officer_x)
    # Friday 13/02/2026: the next working day after Tết Bính Ngọ (16–20/02) is 23/02.
    idea = idea_domain.decide_idea(
        idea=idea, by=province_officer, accept=True, today=date(2026, 2, 13)
    )
    assert idea.plan_due == date(2026, 2, 23)


def test_reject_needs_a_reason_and_keeps_it(
    idea, officer_x, province_officer, producer_x, django_capture_on_commit_callbacks
):
    idea_domain.receive_idea(idea=idea, by=officer_x)
    before = _state(idea)
    with pytest.raises(ValidationError) as error:
        idea_domain.decide_idea(idea=idea, by=province_officer, accept=False, reason="  ")
    assert error.value.message_dict == {"reason": ["Give the reason for the rejection."]}
    assert _state(idea) == before
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_domain.decide_idea(
            idea=idea, by=province_officer, accept=False, reason="Trùng với sản phẩm đã có sao"
        )
    assert (idea.state, idea.reason, idea.plan_due) == (
        IdeaState.REJECTED,
        "Trùng với sản phẩm đã có sao",
        None,
    )
    assert Notification.objects.get(user=producer_x).text.endswith("Trùng với sản phẩm đã có sao")


@pytest.mark.parametrize(
    ("who", "action"),
    [
        ("producer_x", "receive"),
        ("officer_y", "receive"),
        ("hanoi_officer", "receive"),
    ],
)
def test_only_the_commune_side_receives(request, idea, who, action):
    user = request.getfixturevalue(who)
    before = _state(idea)
    with pytest.raises(PermissionDenied) as error:
        idea_domain.set_idea_state(idea=idea, action=action, by=user)
    assert str(error.value) == "You cannot do this on this idea."
    assert _state(idea) == before


def test_the_province_may_also_receive_for_the_commune(idea, province_officer):
    assert idea_domain.receive_idea(idea=idea, by=province_officer).state == IdeaState.RECEIVED


@pytest.mark.parametrize("who", ["producer_x", "officer_x", "officer_y", "hanoi_officer"])
@pytest.mark.parametrize("action", ["accept", "reject"])
def test_only_the_provinces_officers_decide(request, idea, officer_x, who, action):
    idea_domain.receive_idea(idea=idea, by=officer_x)
    user = request.getfixturevalue(who)
    before = _state(idea)
    with pytest.raises(PermissionDenied):
        idea_domain.set_idea_state(idea=idea, action=action, by=user, reason="Không phù hợp")
    assert _state(idea) == before


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (IdeaState.SUBMITTED, "accept"),
        (IdeaState.SUBMITTED, "reject"),
        (IdeaState.RECEIVED, "receive"),
        (IdeaState.ACCEPTED, "receive"),
        (IdeaState.ACCEPTED, "accept"),
        (IdeaState.ACCEPTED, "reject"),
        (IdeaState.REJECTED, "receive"),
        (IdeaState.REJECTED, "accept"),
        (IdeaState.REJECTED, "reject"),
    ],
)
def test_wrong_state_is_refused_and_changes_nothing(
    idea, officer_x, province_officer, state, action
):
    if state != IdeaState.SUBMITTED:
        idea_domain.receive_idea(idea=idea, by=officer_x)
    if state == IdeaState.ACCEPTED:
        idea_domain.decide_idea(idea=idea, by=province_officer, accept=True)
    if state == IdeaState.REJECTED:
        idea_domain.decide_idea(idea=idea, by=province_officer, accept=False, reason="Không")
    before = _state(idea)
    logs = ActivityLog.objects.count()
    with pytest.raises(ValidationError) as error:
        idea_domain.set_idea_state(idea=idea, action=action, by=province_officer, reason="X")
    assert error.value.messages[0].startswith(
        f"An idea that is “{IdeaState(state).label}” cannot be"
    )
    assert (_state(idea), ActivityLog.objects.count()) == (before, logs)


def test_unknown_action_is_refused(idea, province_officer):
    with pytest.raises(ValidationError) as error:
        idea_domain.set_idea_state(idea=idea, action="approve", by=province_officer)
    assert error.value.messages == ["Unknown action “approve”."]


def test_available_actions_per_role(idea, producer_x, officer_x, province_officer, officer_y):
    assert [t.action for t in idea_domain.available(idea, producer_x)] == []
    assert [t.action for t in idea_domain.available(idea, officer_y)] == []
    assert [t.action for t in idea_domain.available(idea, officer_x)] == ["receive"]
    idea = idea_domain.receive_idea(idea=idea, by=officer_x)
    assert [t.action for t in idea_domain.available(idea, officer_x)] == []
    assert [t.action for t in idea_domain.available(idea, province_officer)] == [
        "accept",
        "reject",
    ]


# Business plans -------------------------------------------------------------------


@pytest.fixture
def accepted(idea, officer_x, province_officer):
    idea_domain.receive_idea(idea=idea, by=officer_x)
    return idea_domain.decide_idea(
        idea=idea, by=province_officer, accept=True, today=FRIDAY_BEFORE_2_9
    )


def test_a_late_plan_is_flagged(accepted, producer_x, province_officer):
    plan = idea_domain.submit_plan(
        idea=accepted, by=producer_x, summary="Phương án", today=date(2025, 9, 10)
    )
    assert plan.late is True
    assert ActivityLog.objects.get(action="ocop.plan.submitted").data["late"] is True
    assert Notification.objects.filter(user=province_officer).latest("pk").text == (
        "Idea “Nước mắm rươi”: business plan submitted. It is late."
    )
    late = idea_domain.filter_ideas(
        ideas_visible_to(province_officer), filters={"late": True}, today=date(2025, 9, 10)
    )
    assert list(late) == [accepted]


def test_a_missing_plan_past_its_deadline_is_late(accepted, province_officer):
    visible = ideas_visible_to(province_officer)
    on_time = idea_domain.filter_ideas(visible, filters={"late": True}, today=date(2025, 9, 9))
    overdue = idea_domain.filter_ideas(visible, filters={"late": True}, today=date(2025, 9, 10))
    assert (list(on_time), list(overdue)) == ([], [accepted])
    assert idea_domain.plan_is_late(Idea.objects.get(), date(2025, 9, 10)) is True
    assert idea_domain.plan_is_late(Idea.objects.get(), date(2025, 9, 9)) is False


def test_plan_with_a_real_pdf_is_kept(accepted, officer_x):
    upload = SimpleUploadedFile("Phuong an.pdf", PDF_BYTES, content_type="application/pdf")
    plan = idea_domain.submit_plan(
        idea=accepted, by=officer_x, summary="Thay mặt chủ thể", upload=upload
    )
    assert (plan.original_name, plan.file.name.endswith(".pdf")) == ("Phuong an.pdf", True)


def test_plan_refuses_a_fake_file_and_keeps_nothing(accepted, producer_x):
    upload = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        idea_domain.submit_plan(idea=accepted, by=producer_x, summary="X", upload=upload)
    assert list(error.value.message_dict) == ["file"]
    assert BusinessPlan.objects.count() == 0


def test_plan_needs_a_summary_and_an_accepted_idea(idea, accepted, producer_x, officer_x):
    with pytest.raises(ValidationError) as error:
        idea_domain.submit_plan(idea=accepted, by=producer_x, summary=" ")
    assert error.value.message_dict == {"summary": ["Summarise the business plan."]}
    other = idea_domain.register_idea(
        by=producer_x, cycle=idea.cycle, subject=idea.subject, product_name="B", description="…"
    )
    with pytest.raises(ValidationError):
        idea_domain.submit_plan(idea=other, by=producer_x, summary="Phương án")
    idea_domain.submit_plan(idea=accepted, by=producer_x, summary="Phương án")
    with pytest.raises(ValidationError):
        idea_domain.submit_plan(idea=accepted, by=producer_x, summary="Lần hai")
    assert BusinessPlan.objects.count() == 1


def test_plan_only_from_the_producer_side(accepted, officer_y, province_officer, hanoi_officer):
    for user in (officer_y, province_officer, hanoi_officer):
        with pytest.raises(PermissionDenied):
            idea_domain.submit_plan(idea=accepted, by=user, summary="Phương án")
    assert BusinessPlan.objects.count() == 0
