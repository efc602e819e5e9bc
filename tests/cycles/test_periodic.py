from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.enums import Role
from ocop.core.models import Notification, SentReminder
from ocop.core.periodic import REGISTRY
from ocop.core.workdays import add_working_days
from ocop.cycles.domain import deadlines
from ocop.cycles.domain.deadlines import run_reminders
from ocop.cycles.domain.workflow import next_actors, set_dossier_state
from ocop.cycles.enums import DossierState, IdeaState
from ocop.cycles.models import Cycle, Dossier, Idea
from tests.factories.accounts import user_with_role
from tests.factories.geo import province

pytestmark = pytest.mark.django_db

NOTHING = {
    "dossiers_reminded": 0,
    "dossiers_overdue": 0,
    "ideas_reminded": 0,
    "ideas_late": 0,
    "notifications": 0,
}


@pytest.fixture
def submitted(dossier, producer_x, officer_x):
    """A dossier waiting for the commune; notifications of the submission cleared."""
    dossier = set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    Notification.objects.all().delete()
    mail.outbox.clear()
    return dossier


@pytest.fixture
def cycle():
    return Cycle.objects.create(province=province("38"), year=2025, title="Chu trình OCOP 2025")


def accepted_idea(cycle, subject, plan_due):
    return Idea.objects.create(
        cycle=cycle,
        subject=subject,
        product_name="Bánh gai Làng X",
        description="Bánh gai lá gai tươi",
        state=IdeaState.ACCEPTED,
        plan_due=plan_due,
    )


def texts(user):
    return list(Notification.objects.filter(user=user).values_list("text", flat=True))


def test_nothing_is_sent_while_the_deadline_is_far(submitted, officer_x):
    today = timezone.localdate()
    assert submitted.due_on == add_working_days(today, 5)
    assert run_reminders(today=today) == NOTHING
    assert Notification.objects.count() == 0


def test_a_reminder_goes_to_the_next_actor_once(
    submitted, officer_x, producer_x, province_officer, django_capture_on_commit_callbacks
):
    day = submitted.due_on - timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = run_reminders(today=day)
        second = run_reminders(today=day)
        third = run_reminders(today=submitted.due_on)  # still the same deadline
    assert first == {**NOTHING, "dossiers_reminded": 1, "notifications": 1}
    assert second == NOTHING
    assert third == NOTHING
    expected = _("Dossier “%(product)s” (%(state)s) is due on %(date)s.") % {
        "product": submitted.product_name,
        "state": DossierState.SUBMITTED.label,
        "date": submitted.due_on.strftime("%d/%m/%Y"),
    }
    assert texts(officer_x) == [expected]
    assert texts(producer_x) == []
    assert texts(province_officer) == []
    assert [m.to for m in mail.outbox] == [[officer_x.email]]
    assert list(SentReminder.objects.values_list("key", flat=True)) == [
        f"dossier:{submitted.pk}:v{submitted.version}:submitted:{submitted.due_on.isoformat()}:soon"
    ]


def test_an_overdue_dossier_is_marked_and_reported_once(
    submitted, officer_x, producer_x, province_officer, advisory, django_capture_on_commit_callbacks
):
    day = submitted.due_on + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = run_reminders(today=day)
        second = run_reminders(today=day)
    assert first == {**NOTHING, "dossiers_overdue": 1, "notifications": 2}
    assert second == NOTHING
    submitted.refresh_from_db()
    assert (submitted.state, submitted.overdue) == (DossierState.SUBMITTED, True)
    # The commune (who acts next) and the province's officers hear of it once;
    # the advisory team does not act on a dossier still at the commune.
    assert len(texts(officer_x)) == 1
    assert len(texts(province_officer)) == 1
    assert texts(advisory) == []
    assert texts(producer_x) == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer_x.email, province_officer.email])


def test_a_reminder_before_and_a_report_after_are_both_sent_once(submitted, officer_x):
    run_reminders(today=submitted.due_on - timedelta(days=1))
    run_reminders(today=submitted.due_on + timedelta(days=1))
    run_reminders(today=submitted.due_on + timedelta(days=2))
    assert len(texts(officer_x)) == 2
    assert SentReminder.objects.count() == 2


def test_a_new_deadline_gets_its_own_reminders(submitted, producer_x, officer_x):
    run_reminders(today=submitted.due_on + timedelta(days=1))
    returned = set_dossier_state(
        dossier=submitted, action="return", by=officer_x, missing=["Phiếu kiểm nghiệm"]
    )
    assert (returned.overdue, returned.state) == (False, DossierState.RETURNED)
    Notification.objects.all().delete()
    run_reminders(today=returned.due_on - timedelta(days=1))
    run_reminders(today=returned.due_on - timedelta(days=1))
    assert len(texts(producer_x)) == 1
    assert texts(officer_x) == []


def test_withdrawn_dossiers_are_left_alone(dossier, producer_x):
    set_dossier_state(dossier=dossier, action="withdraw", by=producer_x, reason="Thôi")
    Dossier.objects.filter(pk=dossier.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    assert run_reminders(today=timezone.localdate()) == NOTHING
    dossier.refresh_from_db()
    assert dossier.overdue is False


def test_run_periodic_twice_sends_each_reminder_once(
    submitted,
    officer_x,
    province_officer,
    producer_x,
    subject_x,
    cycle,
    capsys,
    django_capture_on_commit_callbacks,
):
    today = timezone.localdate()
    # One dossier due tomorrow, one idea whose plan was due yesterday, one due today.
    Dossier.objects.filter(pk=submitted.pk).update(due_on=today + timedelta(days=1))
    late = accepted_idea(cycle, subject_x, today - timedelta(days=1))
    soon = accepted_idea(cycle, subject_x, today)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic", "--force")
        call_command("run_periodic", "--force")
    name = "ocop.cycles.periodic.send_deadline_reminders"
    assert name in REGISTRY
    out = capsys.readouterr().out
    assert out.count(f"{name}: ") == 2
    assert sorted(SentReminder.objects.values_list("key", flat=True)) == sorted(
        [
            f"dossier:{submitted.pk}:v{submitted.version}:submitted:"
            f"{(today + timedelta(days=1)).isoformat()}:soon",
            f"idea:{late.pk}:accepted:{late.plan_due.isoformat()}:late",
            f"idea:{soon.pk}:accepted:{soon.plan_due.isoformat()}:soon",
        ]
    )
    assert len(texts(officer_x)) == 1  # the dossier
    assert len(texts(producer_x)) == 2  # both ideas
    assert len(texts(province_officer)) == 1  # the late idea
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [officer_x.email, producer_x.email, producer_x.email, province_officer.email]
    )


def test_ideas_get_a_reminder_before_and_are_reported_late_after(
    cycle, subject_x, producer_x, province_officer, officer_x
):
    today = timezone.localdate()
    idea = accepted_idea(cycle, subject_x, add_working_days(today, 1))
    accepted_idea(cycle, subject_x, add_working_days(today, 10))  # not yet
    assert run_reminders(today=today) == {**NOTHING, "ideas_reminded": 1, "notifications": 1}
    assert run_reminders(today=today) == NOTHING
    after = idea.plan_due + timedelta(days=1)
    result = run_reminders(today=after)
    assert (result["ideas_late"], run_reminders(today=after)["ideas_late"]) == (1, 0)
    assert len(texts(producer_x)) == 2
    assert len(texts(province_officer)) == 1
    assert texts(officer_x) == []


def test_ideas_with_a_plan_or_not_accepted_are_left_alone(cycle, subject_x, producer_x):
    from ocop.cycles.models import BusinessPlan

    today = timezone.localdate()
    done = accepted_idea(cycle, subject_x, today - timedelta(days=2))
    BusinessPlan.objects.create(idea=done, summary="Phương án", submitted_on=today)
    rejected = accepted_idea(cycle, subject_x, today - timedelta(days=2))
    Idea.objects.filter(pk=rejected.pk).update(state=IdeaState.REJECTED)
    assert run_reminders(today=today) == NOTHING


def test_the_actor_index_chooses_as_next_actors_does(
    submitted, subject_x, producer_x, officer_x, province_officer, advisory
):
    user_with_role(Role.CONSULTANT, subject=subject_x, username="tv.x")
    user_with_role(Role.PROVINCE_ADMIN, unit=province("38"), username="qt.th")
    index = deadlines._Actors.load([submitted], today=timezone.localdate())
    for side in ("producer", "commune", "province", "scheduler"):
        assert sorted(u.pk for u in index.for_side(submitted, side)) == sorted(
            u.pk for u in next_actors(submitted, side)
        ), side


def test_reminders_for_many_dossiers_read_the_actors_once(
    submitted, subject_x, producer_x, django_assert_max_num_queries
):
    from tests.factories.cycles import ready_dossier
    from tests.factories.registry import ProductFactory

    for n in range(3):
        product = ProductFactory(subject=subject_x, name=f"Nước mắm {n}")
        other = ready_dossier(product=product, producer=producer_x)
        set_dossier_state(dossier=other, action="submit", by=producer_x)
    day = submitted.due_on - timedelta(days=1)
    with django_assert_max_num_queries(60) as queries:
        result = run_reminders(today=day)
    assert result["dossiers_reminded"] == 4
    sql = [q["sql"] for q in queries.captured_queries]
    assert len([q for q in sql if "accounts_roleassignment" in q]) == 1
    assert len([q for q in sql if q.startswith("SELECT") and 'FROM "cycles_dossier"' in q]) == 2
