"""The workflow engine (``ocop.core.workflow``) on a small table of its own
over a real model (the complaint), and the seven workflows built on it."""

import importlib
import inspect

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from ocop.core.models import ActivityLog, Notification
from ocop.core.workflow import Move, Transition, Workflow
from ocop.inspections.enums import ComplaintState as S
from ocop.inspections.models import Complaint
from tests.concurrency import POSTGRESQL_ONLY, run_together
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

told: list[tuple[int, str]] = []


def allowed(user, complaint) -> bool:
    return user is not None and user.username.startswith("ok")


def resolve(move: Move) -> None:
    move.obj.resolution = move.reason
    move.fields.append("resolution")
    move.log["length"] = len(move.reason)


def careless(move: Move) -> None:
    """Changes a field without listing it: it is not saved."""
    move.obj.place = "changed in memory only"


def refuse(move: Move) -> None:
    ActivityLog.objects.create(action="ocop.test.half_done")
    raise ValidationError("Refused by the step.")


def tell(move: Move) -> None:
    told.append((move.obj.pk, move.action))
    Notification.objects.create(user=move.by, text=f"{move.source} → {move.target}")


TABLE = Workflow(
    model=Complaint,
    states=S,
    transitions=(
        Transition("look", "Look", (S.NEW,), S.IN_REVIEW, log="ocop.complaint.looked", may=allowed),
        Transition(
            "shut",
            "Shut",
            (S.IN_REVIEW,),
            S.CLOSED,
            log="ocop.complaint.shut",
            may=allowed,
            needs_reason=True,
            step=resolve,
            notify=tell,
        ),
        Transition(
            "sweep",
            "Sweep",
            (S.NEW,),
            S.CLOSED,
            log="ocop.complaint.swept",
            may=allowed,
            step=careless,
            button=False,
        ),
        Transition(
            "fail",
            "Fail",
            (S.NEW,),
            S.CLOSED,
            log="ocop.complaint.failed",
            may=allowed,
            step=refuse,
        ),
        Transition(
            "coded",
            "Coded",
            (S.NEW,),
            S.IN_REVIEW,
            log="ocop.complaint.coded",
            when=lambda complaint: bool(complaint.code),
        ),
    ),
    unit=lambda complaint: complaint.province,
    illegal="A complaint that is “%(state)s” cannot be “%(action)s” (to “%(target)s”).",
    forbidden="Not you.",
    reason_missing="Say what was done.",
    reason_field="resolution",
)


@pytest.fixture(autouse=True)
def _nobody_told():
    told.clear()


@pytest.fixture
def complaint():
    return Complaint.objects.create(message="Tem lạ ở chợ", place="Chợ Vườn Hoa")


@pytest.fixture
def ok():
    return UserFactory(username="ok.officer")


@pytest.fixture
def other():
    return UserFactory(username="someone")


def _logs():
    return ActivityLog.objects.count()


def test_the_table_is_checked_when_it_is_declared():
    with pytest.raises(ValueError, match=r"ocop\.<thing>\.<verb>"):
        Transition("a", "A", (S.NEW,), S.CLOSED, log="complaint closed")
    with pytest.raises(ValueError, match=r"ocop\.<thing>\.<verb>"):
        Transition("a", "A", (S.NEW,), S.CLOSED, log="ocop.complaint.{action}")
    with pytest.raises(ValueError, match="tuple"):
        Transition("a", "A", S.NEW, S.CLOSED, log="ocop.complaint.a")
    twice = Transition("a", "A", (S.NEW,), S.CLOSED, log="ocop.complaint.a")
    with pytest.raises(ValueError, match="twice"):
        Workflow(
            model=Complaint,
            states=S,
            transitions=(twice, twice),
            unit=lambda c: None,
            illegal="",
            forbidden="",
        )
    nowhere = Transition("a", "A", (S.NEW,), "nowhere", log="ocop.complaint.a")
    with pytest.raises(ValueError, match="not a state"):
        Workflow(
            model=Complaint,
            states=S,
            transitions=(nowhere,),
            unit=lambda c: None,
            illegal="",
            forbidden="",
        )


def test_available_lists_what_the_user_may_take_from_the_current_state(complaint, ok, other):
    assert [t.action for t in TABLE.available(complaint, ok)] == ["look", "fail"]
    assert [t.action for t in TABLE.available(complaint, other)] == []
    complaint.code = "s/abc"
    assert [t.action for t in TABLE.available(complaint, other)] == ["coded"]
    complaint.state = S.IN_REVIEW
    assert [t.action for t in TABLE.available(complaint, ok)] == ["shut"]


def test_a_transition_saves_the_state_and_logs_under_its_declared_name(complaint, ok):
    result = TABLE.apply(obj=complaint, action="look", by=ok)
    assert result.state == S.IN_REVIEW
    assert Complaint.objects.get(pk=complaint.pk).state == S.IN_REVIEW
    entry = ActivityLog.objects.get()
    assert (entry.action, entry.actor, entry.object_id) == (
        "ocop.complaint.looked",
        ok,
        str(complaint.pk),
    )
    assert entry.data == {"action": "look", "from": "new", "to": "in_review", "reason": ""}


def test_the_step_adds_fields_and_log_data(complaint, ok):
    Complaint.objects.filter(pk=complaint.pk).update(state=S.IN_REVIEW)
    result = TABLE.apply(obj=complaint, action="shut", by=ok, reason="  Tem thật  ")
    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.state, stored.resolution, result.resolution) == (
        S.CLOSED,
        "Tem thật",
        "Tem thật",
    )
    assert ActivityLog.objects.get().data == {
        "action": "shut",
        "from": "in_review",
        "to": "closed",
        "reason": "Tem thật",
        "length": 8,
    }


def test_only_the_state_and_the_listed_fields_are_saved(complaint, ok):
    Complaint.objects.filter(pk=complaint.pk).update(contact="0912 345 678")
    result = TABLE.apply(obj=complaint, action="sweep", by=ok)
    assert result.place == "changed in memory only"
    stored = Complaint.objects.get(pk=complaint.pk)
    # The row is read again under the lock (the contact written meanwhile is
    # kept) and a field the step did not list is not saved.
    assert (stored.state, stored.place, stored.contact) == (
        S.CLOSED,
        "Chợ Vườn Hoa",
        "0912 345 678",
    )


def test_an_illegal_source_state_is_refused_and_changes_nothing(complaint, ok):
    Complaint.objects.filter(pk=complaint.pk).update(state=S.CLOSED)
    with pytest.raises(ValidationError) as error:
        TABLE.apply(obj=complaint, action="look", by=ok)
    assert error.value.code == "illegal_transition"
    assert error.value.messages == [
        f"A complaint that is “{S.CLOSED.label}” cannot be “Look” (to “{S.IN_REVIEW.label}”)."
    ]
    assert Complaint.objects.get(pk=complaint.pk).state == S.CLOSED
    assert _logs() == 0


def test_the_state_is_read_again_not_taken_from_the_object_passed(complaint, ok):
    stale = Complaint.objects.get(pk=complaint.pk)
    TABLE.apply(obj=complaint, action="look", by=ok)
    with pytest.raises(ValidationError):
        TABLE.apply(obj=stale, action="look", by=ok)  # stale.state is still "new"
    assert _logs() == 1


def test_a_transition_that_does_not_exist_for_the_object_is_illegal(complaint, other):
    with pytest.raises(ValidationError):
        TABLE.apply(obj=complaint, action="coded", by=other)
    Complaint.objects.filter(pk=complaint.pk).update(code="s/abc")
    assert TABLE.apply(obj=complaint, action="coded", by=other).state == S.IN_REVIEW


def test_an_unknown_action_is_refused(complaint, ok):
    with pytest.raises(ValidationError) as error:
        TABLE.apply(obj=complaint, action="teleport", by=ok)
    assert error.value.code == "unknown_action"
    assert "“teleport”" in error.value.messages[0]


def test_a_user_the_predicate_refuses_is_not_permitted(complaint, other):
    with pytest.raises(PermissionDenied, match=r"^Not you\.$"):
        TABLE.apply(obj=complaint, action="look", by=other)
    assert Complaint.objects.get(pk=complaint.pk).state == S.NEW
    assert _logs() == 0


def test_the_system_acts_without_the_users_predicate(complaint):
    assert TABLE.apply(obj=complaint, action="look", by=None, system=True).state == S.IN_REVIEW
    assert ActivityLog.objects.get().actor is None


def test_a_missing_reason_is_refused_on_its_field(complaint, ok):
    Complaint.objects.filter(pk=complaint.pk).update(state=S.IN_REVIEW)
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as error:
            TABLE.apply(obj=complaint, action="shut", by=ok, reason=reason)
        assert error.value.message_dict == {"resolution": ["Say what was done."]}
    assert Complaint.objects.get(pk=complaint.pk).state == S.IN_REVIEW
    assert _logs() == 0


def test_a_step_that_refuses_leaves_nothing_half_saved(complaint, ok):
    with pytest.raises(ValidationError, match=r"Refused by the step\."):
        TABLE.apply(obj=complaint, action="fail", by=ok)
    assert Complaint.objects.get(pk=complaint.pk).state == S.NEW
    assert _logs() == 0  # not even what the step wrote before refusing


def test_the_notification_waits_for_the_commit(complaint, ok, django_capture_on_commit_callbacks):
    Complaint.objects.filter(pk=complaint.pk).update(state=S.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        TABLE.apply(obj=complaint, action="shut", by=ok, reason="Đã xử lý")
        assert told == []  # still inside the transaction
        assert not Notification.objects.exists()
    # One notification (other callbacks are caches' refreshes after the commit).
    assert [c.func.__name__ for c in callbacks if hasattr(c, "func")] == ["tell"]
    assert told == [(complaint.pk, "shut")]
    assert Notification.objects.get(user=ok).text == "in_review → closed"


def test_a_rolled_back_transition_tells_nobody(complaint, ok, django_capture_on_commit_callbacks):
    Complaint.objects.filter(pk=complaint.pk).update(state=S.IN_REVIEW)

    def shut_then_fail():
        with transaction.atomic():
            TABLE.apply(obj=complaint, action="shut", by=ok, reason="Đã xử lý")
            raise RuntimeError("the caller's transaction fails afterwards")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        shut_then_fail()
    assert callbacks == []
    assert told == []
    assert Complaint.objects.get(pk=complaint.pk).state == S.IN_REVIEW


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and threads"
)
def test_two_people_taking_the_same_transition_at_once_are_served_one_after_the_other():
    assert POSTGRESQL_ONLY  # the same conditions as the other concurrency tests
    complaint = Complaint.objects.create(message="Tem lạ ở chợ")
    people = [UserFactory(username=f"ok.{n}") for n in (1, 2)]
    errors = run_together(
        [(lambda by=by: TABLE.apply(obj=complaint, action="look", by=by)) for by in people],
        gate=Complaint._meta.db_table,
    )
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert errors[0].code == "illegal_transition"
    assert Complaint.objects.get(pk=complaint.pk).state == S.IN_REVIEW
    assert ActivityLog.objects.filter(action="ocop.complaint.looked").count() == 1


WORKFLOWS = {
    "ocop.certification.domain.decisions": ("set_decision_state", "decision"),
    "ocop.stamps.domain.batches": ("set_batch_state", "batch"),
    "ocop.cycles.domain.workflow": ("set_dossier_state", "dossier"),
    "ocop.cycles.domain.ideas": ("set_idea_state", "idea"),
    "ocop.events.domain.activities": ("set_activity_state", "activity"),
    "ocop.inspections.domain.complaints": ("set_complaint_state", "complaint"),
    "ocop.evaluation.domain.sessions": ("set_session_state", "session"),
}


@pytest.mark.parametrize("module_name", WORKFLOWS)
def test_every_workflow_uses_the_engine_with_one_signature(module_name):
    module = importlib.import_module(module_name)
    function, thing = WORKFLOWS[module_name]
    assert isinstance(module.WORKFLOW, Workflow)
    assert module.TRANSITIONS is module.WORKFLOW.transitions
    assert all(t.log.startswith("ocop.") for t in module.TRANSITIONS)
    parameters = inspect.signature(getattr(module, function)).parameters
    assert list(parameters)[:4] == [thing, "action", "by", "reason"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())
    assert parameters["reason"].default == ""


def test_a_reason_with_control_characters_is_refused_on_its_field(complaint, ok):
    """A reason typed outside a form (the workflows' buttons) is checked as a
    form's text is: line breaks are fine, a right-to-left override is not."""
    Complaint.objects.filter(pk=complaint.pk).update(state=S.IN_REVIEW)
    with pytest.raises(ValidationError) as error:
        TABLE.apply(obj=complaint, action="shut", by=ok, reason="Đã xử lý\u202e kiểm tra")
    assert "U+202E" in error.value.message_dict["resolution"][0]
    assert Complaint.objects.get(pk=complaint.pk).state == S.IN_REVIEW
    assert _logs() == 0
    TABLE.apply(obj=complaint, action="shut", by=ok, reason="Đã xử lý.\nĐã kiểm tra tại chỗ.")
    assert Complaint.objects.get(pk=complaint.pk).state == S.CLOSED


@pytest.mark.parametrize(
    ("form_path", "fields"),
    [
        ("ocop.cycles.forms.ActionForm", {"action": "return", "missing": "Giấy phép\u202e"}),
        ("ocop.inspections.forms.ComplaintActionForm", {"action": "close", "resolution": "\x07"}),
        ("ocop.trade.forms.InquiryActionForm", {"action": "answer", "note": "Đã gọi\u2066 lại"}),
    ],
)
def test_the_action_forms_refuse_control_characters_and_keep_line_breaks(form_path, fields):
    module, name = form_path.rsplit(".", 1)
    form_class = getattr(importlib.import_module(module), name)
    assert not form_class(data=fields).is_valid()
    text_field = next(k for k in fields if k != "action")
    lines = {"action": fields["action"], text_field: "Dòng một\r\nDòng hai"}
    assert form_class(data=lines).is_valid()
