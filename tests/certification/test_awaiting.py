"""A closed session's products waiting for a recognition decision are a kept
number (``Session.awaiting_decision``, ``certification.domain.awaiting``):
it follows every change to the session's decisions, equals the count made
from the rows, and is what the work queue reads."""

import pytest

from ocop.certification.domain import awaiting, decisions, queries
from ocop.evaluation.models import Session
from ocop.site.queue import sections_for
from tests.factories.certification import closed_session, complete_draft

pytestmark = pytest.mark.django_db


def kept(session) -> int:
    return Session.objects.get(pk=session.pk).awaiting_decision


def counted(session) -> int:
    return awaiting._waiting(session.pk).count()


def waiting_sessions(user) -> list:
    return list(queries.sessions_awaiting_decision(user))


def in_queue(user) -> list[str]:
    return [
        item.url
        for section in sections_for(user)
        if section.kind == "sessions_to_decide"
        for item in section.page.object_list
    ]


def test_the_number_follows_each_change_to_the_sessions_decisions(
    closed, province_officer, product_x, product_y
):
    assert kept(closed) == counted(closed) == 2  # closed: both recognised products wait
    assert waiting_sessions(province_officer) == [closed]
    draft = decisions.draft_from_session(session=closed, by=province_officer)
    assert kept(closed) == counted(closed) == 0
    assert waiting_sessions(province_officer) == []
    assert in_queue(province_officer) == []
    decisions.remove_draft_item(item=draft.items.get(product=product_y), by=province_officer)
    assert kept(closed) == counted(closed) == 1  # product Y waits again
    complete_draft(draft, by=province_officer)
    decisions.set_decision_state(decision=draft, action="issue", by=province_officer)
    assert kept(closed) == counted(closed) == 1
    assert len(in_queue(province_officer)) == 1
    second = decisions.draft_from_session(session=closed, by=province_officer)
    assert kept(closed) == 0
    decisions.set_decision_state(decision=second, action="discard", by=province_officer)
    assert kept(closed) == counted(closed) == 1  # a discarded draft gives Y back
    assert waiting_sessions(province_officer) == [closed]


def test_a_session_without_a_recognised_product_waits_for_nothing(province_officer, product_x):
    worst = {c: ["a"] for c in ("6.2", "5.1", "4.1", "4.2", "4.3", "1.5", "6.7", "1.3", "7.1")}
    session = closed_session(
        officer=province_officer, products=[product_x], results={product_x.pk: worst}
    )
    assert kept(session) == counted(session) == 0
    assert waiting_sessions(province_officer) == []


def test_counting_everything_again_gives_each_sessions_number(closed, province_officer, product_x):
    """What a database loaded in bulk (the national set) and the migration run."""
    other = closed_session(officer=province_officer, products=[product_x])
    decisions.draft_from_session(session=other, by=province_officer)
    Session.objects.update(awaiting_decision=7)  # wrong on purpose, the open ones too
    assert awaiting.refresh_all() == 2  # the closed sessions
    assert (kept(closed), kept(other)) == (2, 0)
    assert all(
        s.awaiting_decision == (7 if s.state != "closed" else counted(s))
        for s in Session.objects.all()
    )
