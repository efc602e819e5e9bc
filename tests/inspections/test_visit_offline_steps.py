"""The steps of a visit recorded without a signal and sent through the sync
URL (issue 22, point 5): the representative's acknowledgment, a corrective
action and the close of the visit each arrive once per client id (a replay,
even after the close, changes nothing and logs nothing); a close refused by
the server's checks is a clear 400; a visit closed or cancelled on the
server meanwhile answers 409 and is not changed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.core.models import ActivityLog
from ocop.inspections.domain import fieldwork, visits
from ocop.inspections.enums import Outcome, VisitState
from ocop.inspections.models import CorrectiveAction
from tests.factories.accounts import user_with_role
from tests.factories.geo import province
from tests.inspections.test_visits import (  # noqa: F401 (fixtures)
    answer_all,
    inspector,
    jpeg,
    setup,
)

pytestmark = pytest.mark.django_db


def sync(client, visit, kind, client_id, fields):
    return client.post(
        f"/inspections/visits/{visit.pk}/sync/",
        {"client_id": client_id, "kind": kind, "fields": fields},
        content_type="application/json",
    )


def count(action):
    return ActivityLog.objects.filter(action=f"ocop.inspection_visit.{action}").count()


def test_ack_action_and_close_arrive_once_each(client, setup, inspector):  # noqa: F811
    visit = setup["visit"]
    answer_all(visit, inspector, finding="3", client_id="answers-1")
    client.force_login(inspector)
    today = timezone.localdate()
    ack = {"name": ["Lê Thị Chủ"], "title": ["Giám đốc"], "confirmed": ["on"]}
    action = {"text": ["Bổ sung bản tự công bố"], "deadline": [str(today + timedelta(days=20))]}
    close = {"outcome": [Outcome.WARNING], "visited_on": [str(today)]}

    early = sync(client, visit, "close", "close-1", close)  # before the acknowledgment
    assert early.status_code == 400
    assert "chưa xác nhận" in early.json()["message"]
    for kind, client_id, fields in (
        ("ack", "ack-1", ack),
        ("action", "action-1", action),
        ("close", "close-2", close),
    ):
        first = sync(client, visit, kind, client_id, fields)
        assert first.status_code == 200, first.content
        assert first.json()["status"] == "saved"
    visit.refresh_from_db()
    assert visit.state == VisitState.CLOSED
    assert visit.outcome == Outcome.WARNING
    assert visit.representative_name == "Lê Thị Chủ"
    # The answers to the sends were lost: the phone sends everything again.
    answers = {item.code: ["ok", ""] for item in visit.checklist.items.all()}
    replay = client.post(
        f"/inspections/visits/{visit.pk}/sync/",
        {"client_id": "answers-1", "answers": answers},
        content_type="application/json",
    )
    assert replay.status_code == 200
    assert replay.json()["status"] == "duplicate"
    for kind, client_id, fields in (
        ("ack", "ack-1", ack),
        ("action", "action-1", action),
        ("close", "close-2", close),
    ):
        again = sync(client, visit, kind, client_id, fields)
        assert again.status_code == 200, again.content
        assert again.json()["status"] == "duplicate"
    assert (count("answered"), count("acknowledged"), count("action_added"), count("closed")) == (
        1,
        1,
        1,
        1,
    )
    assert CorrectiveAction.objects.filter(visit=visit).count() == 1
    assert visit.answers.filter(result="finding").count() == 1  # the replay changed nothing


def test_steps_for_a_visit_closed_meanwhile_are_refused_with_409(client, setup, inspector):  # noqa: F811
    visit = setup["visit"]
    answer_all(visit, inspector)
    visits.acknowledge(visit=visit, name="Lê Thị Chủ", confirmed=True, by=inspector)
    visits.set_visit_state(visit=visit, action="close", by=inspector, outcome=Outcome.COMPLIANT)
    client.force_login(inspector)
    today = timezone.localdate()
    for kind, fields in (
        ("ack", {"name": ["Người khác"], "confirmed": ["on"]}),
        ("action", {"text": ["x"], "deadline": [str(today + timedelta(days=5))]}),
        ("close", {"outcome": [Outcome.COMPLIANT], "visited_on": [str(today)]}),
    ):
        response = sync(client, visit, kind, f"{kind}-late", fields)
        assert response.status_code == 409, (kind, response.content)
        assert response.json()["status"] == "closed"
        assert "đã được kết thúc trên máy chủ" in response.json()["message"]
    visit.refresh_from_db()
    assert visit.representative_name == "Lê Thị Chủ"
    assert count("closed") == 1
    assert not CorrectiveAction.objects.filter(visit=visit).exists()


def test_a_close_for_a_cancelled_visit_is_refused(client, setup, inspector, province_officer):  # noqa: F811
    visit = setup["visit"]
    visits.set_visit_state(visit=visit, action="cancel", by=province_officer, reason="Trùng lịch")
    client.force_login(inspector)
    response = sync(
        client,
        visit,
        "close",
        "close-x",
        {"outcome": [Outcome.COMPLIANT], "visited_on": [str(timezone.localdate())]},
    )
    assert response.status_code == 409
    visit.refresh_from_db()
    assert visit.state == VisitState.CANCELLED


def test_bad_steps_are_clear_400s_and_others_cannot_record(client, setup, inspector):  # noqa: F811
    visit = setup["visit"]
    client.force_login(inspector)
    missing = sync(client, visit, "ack", "", {"name": ["A"]})
    assert missing.status_code == 400
    unknown = sync(client, visit, "delete", "k-1", {})
    assert unknown.status_code == 400
    no_name = sync(client, visit, "ack", "k-2", {"confirmed": ["on"]})
    assert no_name.status_code == 400
    assert no_name.json()["message"]
    past = sync(client, visit, "action", "k-3", {"text": ["x"], "deadline": ["2020-01-01"]})
    assert past.status_code == 400
    assert "sau ngày hôm nay" in past.json()["message"]
    assert count("acknowledged") == 0
    other = user_with_role(Role.INSPECTOR, unit=province("38"), username="hk.khac")
    client.force_login(other)
    response = sync(client, visit, "ack", "k-4", {"name": ["A"], "confirmed": ["on"]})
    assert response.status_code == 403
    assert count("acknowledged") == 0


def test_a_photo_sent_later_keeps_the_time_it_was_taken(client, setup, inspector):  # noqa: F811
    visit = setup["visit"]
    client.force_login(inspector)
    taken = timezone.now() - timedelta(hours=3)
    response = client.post(
        f"/inspections/visits/{visit.pk}/photo/",
        {
            "photo": jpeg(),
            "caption": "Kho",
            "client_id": "anh-offline",
            "taken_at": taken.isoformat(),
        },
    )
    assert response.status_code == 302
    photo = visit.photos.get()
    assert abs((photo.taken_at - taken).total_seconds()) < 1
    later = visits.add_photo(
        visit=visit,
        upload=jpeg(),
        by=inspector,
        taken_at=timezone.now() + timedelta(days=2),  # the phone's clock is ahead
    )
    assert later.taken_at <= timezone.now()


def test_the_visit_page_carries_the_product_reference(client, setup, inspector):  # noqa: F811
    visit = setup["visit"]
    client.force_login(inspector)
    page = client.get(f"/inspections/visits/{visit.pk}/").content.decode()
    assert 'id="product-reference"' in page
    assert setup["certificate"].number in page
    assert "4★" in page
    reference = fieldwork.product_reference(product=visit.product, today=timezone.localdate())
    assert [c for c, _status in reference.certificates] == [setup["certificate"]]
    assert reference.stamps_year == 0
    assert reference.open_complaints == 0


def test_the_reference_figures_read_in_the_one_number_format(client, setup, inspector):  # noqa: F811
    """Issue 18, point 9: the declared capacity reads "12.000", not "12000"."""
    visit = setup["visit"]
    type(visit.product).objects.filter(pk=visit.product_id).update(annual_capacity=12000)
    client.force_login(inspector)
    page = client.get(f"/inspections/visits/{visit.pk}/").content.decode()
    assert "Năng lực sản xuất hằng năm đã khai: 12.000;" in page
