"""The server side of the scoring sheet without a signal (issue 22, point 5):
answers typed offline arrive through the sheet's sync URL with a client id; a
replay of the same set is recorded once; a sheet that can no longer change
(the chair closed the session meanwhile, or the sheet was submitted) is
refused with a 409 and a Vietnamese message, nothing changed."""

import json

import pytest
from django.urls import reverse

from ocop.core.models import ActivityLog
from ocop.evaluation.domain import sessions
from ocop.evaluation.enums import ItemStatus
from ocop.evaluation.models import CriterionScore, Scoresheet

pytestmark = pytest.mark.django_db

SYNCED = "ocop.scoresheet.offline_synced"


def sheet_of(item, member):
    return Scoresheet.objects.get(item=item, member=member, round=item.round)


def post(client, sheet, body):
    return client.post(
        reverse("evaluation:sync", args=[sheet.pk]),
        data=json.dumps(body),
        content_type="application/json",
    )


def close_session(session, chair):
    for item in session.items.exclude(status__in=(ItemStatus.DECIDED, ItemStatus.WITHDRAWN)):
        sessions.withdraw_item(item=item, by=chair.user, reason="Thiếu mẫu")
    sessions.set_session_state(session=session, action="close", by=chair.user)


def test_answers_typed_offline_are_saved_once(client, item, members):
    sheet = sheet_of(item, members[1])
    client.force_login(members[1].user)
    single = item.sheet.criteria.filter(kind="single").order_by("order").first()
    option = single.options.order_by("order", "code").first()
    body = {
        "client_id": "abc-1",
        "answers": {"3.2": {"options": ["a"]}, single.code: {"options": [option.code]}},
        "comment": "Chấm khi mất sóng",
    }
    first = post(client, sheet, body)
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "saved"
    assert 'id="totals"' in first.json()["totals"]
    again = post(client, sheet, body)
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert again.json()["message"] == "Kết quả này đã được nhận trước đó."
    answers = dict(
        CriterionScore.objects.filter(scoresheet=sheet).values_list("criterion__code", "options")
    )
    assert answers == {"3.2": ["a"], single.code: [option.code]}
    assert ActivityLog.objects.filter(action=SYNCED).count() == 1
    sheet.refresh_from_db()
    assert sheet.comment == "Chấm khi mất sóng"


def test_a_set_without_client_id_or_unreadable_is_a_clear_400(client, item, members):
    sheet = sheet_of(item, members[1])
    client.force_login(members[1].user)
    response = post(client, sheet, {"answers": {"3.2": {"options": ["a"]}}})
    assert response.status_code == 400
    assert "mã" in response.json()["message"]
    response = client.post(
        reverse("evaluation:sync", args=[sheet.pk]), data="{", content_type="application/json"
    )
    assert response.status_code == 400
    assert not CriterionScore.objects.filter(scoresheet=sheet).exists()


def test_a_set_arriving_after_the_chair_closed_the_session_is_refused(client, item, members, chair):
    sheet = sheet_of(item, members[1])
    close_session(item.session, chair)
    client.force_login(members[1].user)
    response = post(client, sheet, {"client_id": "abc-2", "answers": {"3.2": {"options": ["a"]}}})
    assert response.status_code == 409
    body = response.json()
    assert body["status"] == "closed"
    assert "không được gửi" in body["message"]
    assert "Phiên họp không trong thời gian chấm điểm." in body["message"]
    assert not CriterionScore.objects.filter(scoresheet=sheet).exists()
    assert not ActivityLog.objects.filter(action=SYNCED).exists()


def test_another_members_sheet_is_not_written(client, item, members):
    sheet = sheet_of(item, members[1])
    client.force_login(members[2].user)
    response = post(client, sheet, {"client_id": "x", "answers": {"3.2": {"options": ["a"]}}})
    assert response.status_code in (403, 404)
    assert not CriterionScore.objects.filter(scoresheet=sheet).exists()


def test_the_service_worker_covers_the_scoring_pages(client):
    response = client.get("/evaluation/sw.js")
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/evaluation/"
    assert b'addEventListener("fetch"' in response.content
