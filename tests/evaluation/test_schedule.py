"""Sessions follow the calendar: a planned session is edited and rescheduled
(logged old → new, stale edits refused), never once scoring has opened;
scoring opened on another day than the planned one records the day the
council met; the minutes state one date and time; and a decision can then be
issued on that day."""

import io
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from ocop.certification.enums import DecisionState
from ocop.core.models import ActivityLog, Notification
from ocop.evaluation.domain import sessions
from ocop.evaluation.domain.documents import render_minutes
from ocop.evaluation.enums import SessionState
from ocop.evaluation.models import Scoresheet, Session
from tests.factories.certification import issued_decision
from tests.factories.evaluation import PAPER, fill, sheet_1048

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOT_PLANNED_VI = "Chỉ sửa, dời lịch được phiên họp đang lên lịch"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=HANOI)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def planned(province_officer, council, members, product_x):
    """A session planned in ten days at 08:00, everyone present."""
    session = sessions.create_session(
        council=council,
        by=province_officer,
        title="Phiên đánh giá tháng này",
        date=timezone.localdate() + timedelta(days=10),
        start_time=time(8, 0),
        place="Hội trường UBND tỉnh",
    )
    sessions.add_item(
        session=session,
        product=product_x,
        by=province_officer,
        sheet=sheet_1048(),
        exception_reason=PAPER,
    )
    sessions.set_attendance(
        session=session, present_member_ids=[m.pk for m in members], by=province_officer
    )
    return session


def score_and_close(session, members, chair):
    for sheet in Scoresheet.objects.filter(item__session=session).select_related("member__user"):
        fill(sheet)
    return sessions.set_session_state(session=session, action="close", by=chair.user)


def test_a_planned_session_is_rescheduled_and_the_log_gives_old_and_new(
    client, planned, province_officer
):
    old_day = planned.date
    new_day = old_day + timedelta(days=3)
    client.force_login(province_officer)
    url = reverse("evaluation:session_edit", args=[planned.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "title": planned.title,
        "date": new_day.isoformat(),
        "start_time": "14:30",
        "place": "Phòng họp số 2, Văn phòng Điều phối",
        "opened_as": page.context["form"]["opened_as"].value(),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    planned.refresh_from_db()
    assert (planned.date, planned.start_time, planned.place) == (
        new_day,
        time(14, 30),
        "Phòng họp số 2, Văn phòng Điều phối",
    )
    entry = ActivityLog.objects.get(action="ocop.session.rescheduled")
    assert entry.actor == province_officer
    assert entry.data == {
        "date": [old_day.isoformat(), new_day.isoformat()],
        "start_time": ["08:00", "14:30"],
        "place": ["Hội trường UBND tỉnh", "Phòng họp số 2, Văn phòng Điều phối"],
    }
    # The session page shows the change, old → new, in Vietnamese.
    page = client.get(reverse("evaluation:session", args=[planned.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    text = page.content.decode()
    assert f"{old_day:%d/%m/%Y} → {new_day:%d/%m/%Y}" in text
    assert "08:00 → 14:30" in text
    # The council's members (and advisory team) are told the new schedule.
    told = Notification.objects.filter(text__contains=planned.title)
    assert sorted(told.values_list("user_id", flat=True)) == sorted(
        m.user_id for m in planned.council.members.filter(active=True)
    )
    assert f"14:30 {new_day:%d/%m/%Y}" in told.first().text
    assert told.first().url == reverse("evaluation:session", args=[planned.pk])
    # Saving the same values again logs nothing.
    data["opened_as"] = client.get(url).context["form"]["opened_as"].value()
    client.post(url, data)
    assert ActivityLog.objects.filter(action="ocop.session.rescheduled").count() == 1


def test_a_stale_reschedule_is_refused_and_changes_nothing(
    client, planned, province_officer, chair
):
    client.force_login(province_officer)
    url = reverse("evaluation:session_edit", args=[planned.pk])
    opened_as = client.get(url).context["form"]["opened_as"].value()
    # Meanwhile the chair moves the session.
    moved = planned.date + timedelta(days=1)
    sessions.update_session(session=planned, by=chair.user, date=moved)
    response = client.post(
        url,
        {
            "title": planned.title,
            "date": (planned.date + timedelta(days=7)).isoformat(),
            "start_time": "08:00",
            "place": planned.place,
            "opened_as": opened_as,
        },
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 400
    assert "người khác đã lưu thay đổi cho bản ghi này" in response.content.decode()
    planned.refresh_from_db()
    assert planned.date == moved


def test_a_session_no_longer_planned_cannot_be_edited(client, planned, province_officer):
    session = sessions.set_session_state(session=planned, action="open", by=province_officer)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        sessions.update_session(
            session=session, by=province_officer, date=session.date + timedelta(days=1)
        )
    assert NOT_PLANNED_VI in refused.value.messages[0]
    assert "“đang chấm điểm”" in refused.value.messages[0]
    # The edit page sends the officer back to the session with the same message.
    client.force_login(province_officer)
    response = client.get(
        reverse("evaluation:session_edit", args=[session.pk]), HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 302
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="vi")
    assert NOT_PLANNED_VI in page.content.decode()
    assert 'id="edit-session"' not in page.content.decode()
    session.refresh_from_db()
    assert ActivityLog.objects.filter(action="ocop.session.rescheduled").count() == 0


def test_opening_scoring_on_another_day_records_the_day_the_council_met(
    client, planned, province_officer
):
    planned_day = planned.date
    today = timezone.localdate()
    client.force_login(province_officer)
    page = client.get(reverse("evaluation:session", args=[planned.pk]))
    assert 'id="date-differs"' in page.content.decode()
    response = client.post(
        reverse("evaluation:session_state", args=[planned.pk]),
        {"action": "open", "note": "Lãnh đạo tỉnh đi công tác ngày dự kiến"},
    )
    assert response.status_code == 302
    planned.refresh_from_db()
    assert (planned.state, planned.date) == (SessionState.OPEN, today)
    entry = ActivityLog.objects.get(action="ocop.session.open")
    assert entry.data["planned_date"] == planned_day.isoformat()
    assert entry.data["date"] == today.isoformat()
    assert entry.data["reason"] == "Lãnh đạo tỉnh đi công tác ngày dự kiến"
    text = client.get(
        reverse("evaluation:session", args=[planned.pk]), HTTP_ACCEPT_LANGUAGE="vi"
    ).content.decode()
    changes = re.search(r'<ul class="small" id="schedule-changes">(.*?)</ul>', text, re.S)
    assert f"{today:%d/%m/%Y}" in changes.group(1)
    assert f"{planned_day:%d/%m/%Y}" in changes.group(1)
    assert "Lãnh đạo tỉnh đi công tác ngày dự kiến" in changes.group(1)


def test_opening_on_the_planned_day_keeps_the_date_and_logs_no_change(planned, province_officer):
    planned_day = planned.date
    with time_machine.travel(at(planned_day, 8, 5), tick=False):
        session = sessions.set_session_state(session=planned, action="open", by=province_officer)
    assert session.date == planned_day
    assert "planned_date" not in ActivityLog.objects.get(action="ocop.session.open").data


def test_opened_early_the_decision_is_issued_the_same_day(
    planned, members, chair, province_officer
):
    """The demo's old trap: scoring opened five days before the planned date,
    then the decision was refused both "before the session" and "in the
    future". Now the session is dated the day it met, and the decision too."""
    session = sessions.set_session_state(session=planned, action="open", by=province_officer)
    session = score_and_close(session, members, chair)
    decision = issued_decision(session=session, by=province_officer, day=timezone.localdate())
    assert decision.state == DecisionState.ISSUED


def meeting_line(text: str) -> str:
    return re.search(r"Thời gian: [^.]*\.", text).group(0)


def test_the_minutes_state_one_date_and_time(planned, members, chair, province_officer):
    day = planned.date
    with time_machine.travel(at(day, 8, 12), tick=False):
        session = sessions.set_session_state(session=planned, action="open", by=province_officer)
    with time_machine.travel(at(day, 11, 40), tick=False):
        session = score_and_close(session, members, chair)
    text = pdf_text(render_minutes(session=session))
    assert meeting_line(text) == f"Thời gian: từ 08 giờ 00 đến 11 giờ 40 ngày {day:%d/%m/%Y}."
    # The one date of the minutes: no other day is named in them.
    dates = set(re.findall(r"\b\d{2}/\d{2}/\d{4}\b", text))
    assert dates <= {f"{day:%d/%m/%Y}", f"{session.council.decision_date:%d/%m/%Y}"}


def test_minutes_of_a_session_opened_early_and_closed_the_next_day(
    planned, members, chair, province_officer
):
    day = planned.date - timedelta(days=5)
    with time_machine.travel(at(day, 7, 30), tick=False):
        session = sessions.set_session_state(session=planned, action="open", by=province_officer)
    assert session.date == day
    with time_machine.travel(at(day + timedelta(days=1), 9, 15), tick=False):
        session = score_and_close(session, members, chair)
    text = pdf_text(render_minutes(session=session))
    # Opened before the planned 08:00: the minutes give the opening time.
    assert meeting_line(text) == (
        f"Thời gian: từ 07 giờ 30 ngày {day:%d/%m/%Y} "
        f"đến 09 giờ 15 ngày {day + timedelta(days=1):%d/%m/%Y}."
    )
    assert f"{planned.date:%d/%m/%Y}" not in text


def test_a_plain_member_cannot_reschedule(planned, members):
    member = members[1]  # neither chair nor secretary
    with pytest.raises(PermissionDenied):
        sessions.update_session(
            session=planned, by=member.user, date=planned.date + timedelta(days=1)
        )
    assert Session.objects.get(pk=planned.pk).date == planned.date
