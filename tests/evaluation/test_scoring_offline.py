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
from ocop.evaluation.enums import ItemStatus, SheetStatus
from ocop.evaluation.models import CriterionScore, Scoresheet
from tests.factories.evaluation import fill, pick_best

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


def _all_but_one(sheet):
    """Answer every criterion on the server but the last; return its answer."""
    criteria = list(sheet.item.sheet.criteria.prefetch_related("options").order_by("order"))
    last = criteria[-1]
    fill(sheet, submit=False)
    CriterionScore.objects.filter(scoresheet=sheet, criterion=last).delete()
    return last.code, {"options": pick_best(last)}


def test_a_submission_queued_offline_is_sent_after_the_answers_once(client, item, members):
    sheet = sheet_of(item, members[1])
    code, answer = _all_but_one(sheet)
    client.force_login(members[1].user)
    body = {
        "client_id": "sub-1",
        "answers": {code: answer},
        "comment": "Nộp khi mất sóng",
        "submit": True,
    }
    response = post(client, sheet, body)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert response.json()["item_url"] == reverse("evaluation:item", args=[item.pk])
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    assert sheet.comment == "Nộp khi mất sóng"
    assert CriterionScore.objects.filter(scoresheet=sheet, criterion__code=code).exists()
    again = post(client, sheet, body)  # the answer to the first send was lost: sent again
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert again.json()["message"] == "Phiếu chấm này đã được nhận trước đó."
    assert ActivityLog.objects.filter(action=SYNCED).count() == 1
    assert ActivityLog.objects.filter(action="ocop.scoresheet.submitted").count() == 1
    # A new set for the submitted sheet is refused: it is locked.
    refused = post(client, sheet, {"client_id": "sub-2", "answers": {code: answer}, "submit": True})
    assert refused.status_code == 409
    assert "Bạn đã nộp phiếu này" in refused.json()["message"]


def test_a_queued_submission_missing_a_criterion_keeps_the_answers(client, item, members):
    sheet = sheet_of(item, members[1])
    code, _answer = _all_but_one(sheet)
    single = item.sheet.criteria.filter(kind="single").order_by("order").first()
    option = single.options.order_by("order", "code").first()
    client.force_login(members[1].user)
    body = {
        "client_id": "sub-3",
        "answers": {single.code: {"options": [option.code]}},
        "submit": True,
    }
    response = post(client, sheet, body)
    assert response.status_code == 200
    assert response.json()["status"] == "not_submitted"
    assert code in response.json()["message"]
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    assert CriterionScore.objects.get(scoresheet=sheet, criterion=single).options == [option.code]
    assert ActivityLog.objects.filter(action=SYNCED).count() == 1
    assert not ActivityLog.objects.filter(action="ocop.scoresheet.submitted").exists()


def test_a_queued_submission_after_the_chair_closed_the_session_is_refused(
    client, item, members, chair
):
    sheet = sheet_of(item, members[1])
    code, answer = _all_but_one(sheet)
    close_session(item.session, chair)
    client.force_login(members[1].user)
    body = {"client_id": "sub-4", "answers": {code: answer}, "submit": True}
    response = post(client, sheet, body)
    assert response.status_code == 409
    message = response.json()["message"]
    assert "Phiếu và các câu trả lời" in message or "không được gửi" in message
    assert "Phiên họp không trong thời gian chấm điểm." in message
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    assert not CriterionScore.objects.filter(scoresheet=sheet, criterion__code=code).exists()
    assert not ActivityLog.objects.filter(action=SYNCED).exists()


def test_the_sheet_page_carries_the_offline_confirmation(client, item, members):
    sheet = sheet_of(item, members[1])
    client.force_login(members[1].user)
    page = client.get(reverse("evaluation:scoresheet", args=[sheet.pk])).content.decode()
    assert 'id="offline-submit-confirm"' in page
    assert "data-mark=" in page
