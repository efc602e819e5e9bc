"""Check-in at the event: by the scanned QR URL (handheld scanner or the
page the QR opens) or by ticking the list. A second check-in is one
attendance and says who checked the person in and when; another activity's
code, a cancelled registration and a check-in before the first day are
refused."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from ocop.core.models import ActivityLog
from ocop.events.domain.registrations import (
    cancel_registration,
    check_in,
    find_for_check_in,
    register_online,
    token_from_code,
)
from ocop.events.enums import CheckInMethod, RegistrationState
from tests.factories.events import ActivityFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def english(client, settings):
    translation.activate("en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def activity():
    return ActivityFactory(title="Hội nghị tuyên truyền OCOP 2026")


def _messages(response) -> list[tuple[str, str]]:
    """The messages shown on the page the POST redirected to (follow=True)."""
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def _scanned(registration) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("events:scan", args=[registration.token])


def test_the_code_is_read_from_the_url_or_the_token_however_typed():
    token = "ABCD2345EFGH6789JKLM"
    for code in (
        f"https://ocop.example.vn/events/check-in/{token}/",
        f"/events/check-in/{token}/",
        f"/events/check-in/{token}",
        token.lower(),
        "abcd 2345 efgh 6789 jklm",
        "ABCD-2345-EFGH-6789-JKLM",
        f"  {token}\n",
    ):
        assert token_from_code(code) == token, code


def test_a_scanned_url_checks_in_once_and_the_second_scan_says_already(
    client, activity, province_officer, producer_x, english
):
    registration = register_online(activity=activity, by=producer_x)
    client.force_login(province_officer)
    url = reverse("events:checkin", args=[activity.pk])
    with time_machine.travel(
        datetime.combine(activity.starts_on, datetime.min.time(), HANOI).replace(hour=8, minute=5),
        tick=False,
    ):
        first = client.post(url, {"code": _scanned(registration)}, follow=True)
    assert first.redirect_chain == [(url, 302)]
    assert _messages(first) == [("success", f"{producer_x.full_name} is checked in.")]
    with time_machine.travel(
        datetime.combine(activity.starts_on, datetime.min.time(), HANOI).replace(hour=9), tick=False
    ):
        second = client.post(url, {"code": registration.token.lower()}, follow=True)
    assert _messages(second) == [
        (
            "warning",
            f"{producer_x.full_name} was already checked in at 08:05 by {province_officer}.",
        )
    ]
    registration.refresh_from_db()
    assert (
        timezone.localtime(registration.checked_in_at).strftime("%H:%M"),
        registration.checked_in_by,
        registration.check_in_method,
    ) == ("08:05", province_officer, CheckInMethod.QR)
    assert ActivityLog.objects.filter(action="ocop.registration.checked_in").count() == 1
    page = client.get(url)
    assert (page.context["counts"]["registered"], page.context["counts"]["attended"]) == (1, 1)


def test_ticking_the_list(client, activity, province_officer, english):
    registration = RegistrationFactory(activity=activity)
    client.force_login(province_officer)
    url = reverse("events:checkin", args=[activity.pk])
    page = client.get(url)
    assert f'name="registration" value="{registration.pk}"' in page.content.decode()
    assert "autofocus" in page.content.decode()
    client.post(url, {"registration": registration.pk}, follow=True)
    registration.refresh_from_db()
    assert registration.check_in_method == CheckInMethod.LIST
    again = client.post(url, {"registration": registration.pk}, follow=True)
    assert [level for level, _text in _messages(again)] == ["warning"]


def test_the_qr_page_checks_in_for_a_manager_and_is_404_for_others(
    client, activity, province_officer, officer_x, producer_x
):
    registration = register_online(activity=activity, by=producer_x)
    scan = reverse("events:scan", args=[registration.token])
    for outsider in (officer_x, producer_x):
        client.force_login(outsider)
        assert client.get(scan).status_code == 404
        assert client.post(scan).status_code == 404
    client.force_login(province_officer)
    page = client.get(scan.lower().replace("/events/check-in/", "/events/check-in/"))
    assert page.status_code == 200
    assert 'id="scan-checkin"' in page.content.decode()
    assert client.post(scan).status_code == 302
    registration.refresh_from_db()
    assert registration.attended
    assert 'id="scan-checkin"' not in client.get(scan).content.decode()


def test_another_activitys_code_is_refused_naming_that_activity(activity, province_officer):
    other = ActivityFactory(title="Lớp tập huấn bao bì, nhãn mác")
    theirs = RegistrationFactory(activity=other, full_name="Đỗ Văn Hải")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        find_for_check_in(activity=activity, code=_scanned(theirs))
    assert refused.value.code == "other_activity"
    assert "Lớp tập huấn bao bì, nhãn mác" in refused.value.messages[0]
    assert "Đỗ Văn Hải" in refused.value.messages[0]
    with pytest.raises(ValidationError) as unknown:
        find_for_check_in(activity=activity, code="ZZZZ ZZZZ ZZZZ ZZZZ ZZZZ")
    assert unknown.value.code == "unknown"
    with pytest.raises(ValidationError) as junk:
        find_for_check_in(activity=activity, code="hello")
    assert junk.value.code == "not_a_code"
    theirs.refresh_from_db()
    assert theirs.checked_in_at is None


def test_a_cancelled_registration_cannot_be_checked_in(activity, province_officer):
    registration = RegistrationFactory(activity=activity)
    cancel_registration(registration=registration, by=province_officer)
    with pytest.raises(ValidationError):
        check_in(registration=registration, by=province_officer, method=CheckInMethod.QR)
    registration.refresh_from_db()
    assert (registration.state, registration.checked_in_at) == (RegistrationState.CANCELLED, None)


def test_no_check_in_before_the_first_day(province_officer):
    activity = ActivityFactory(starts_on=timezone.localdate() + timedelta(days=5))
    registration = RegistrationFactory(activity=activity)
    day_before = datetime.combine(
        activity.starts_on - timedelta(days=1), datetime.min.time(), HANOI
    )
    with time_machine.travel(day_before.replace(hour=16), tick=False):
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            check_in(registration=registration, by=province_officer, method=CheckInMethod.QR)
        assert refused.value.messages == [
            f"Check-in opens on the first day of the activity ({activity.starts_on:%d/%m/%Y})."
        ]
    with time_machine.travel(day_before.replace(hour=7) + timedelta(days=1), tick=False):
        _registration, first_time = check_in(
            registration=registration, by=province_officer, method=CheckInMethod.QR
        )
    assert first_time


def test_only_managers_check_in(activity, officer_x, producer_x):
    registration = register_online(activity=activity, by=producer_x)
    for outsider in (officer_x, producer_x):
        with pytest.raises(PermissionDenied):
            check_in(registration=registration, by=outsider, method=CheckInMethod.QR)


def test_the_check_in_list_has_no_n_plus_one(
    client, activity, province_officer, django_assert_max_num_queries
):
    for r in RegistrationFactory.create_batch(3, activity=activity):
        check_in(registration=r, by=province_officer, method=CheckInMethod.LIST)
    client.force_login(province_officer)
    url = reverse("events:checkin", args=[activity.pk])
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    for r in RegistrationFactory.create_batch(20, activity=activity):
        check_in(registration=r, by=province_officer, method=CheckInMethod.LIST)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
