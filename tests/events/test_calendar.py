"""The public calendar: only public activities, planned or open, that are not
over; filters by province and kind; grouped by month; anonymous, in
Vietnamese by default and in English with ?lang=en."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ocop.events.enums import ActivityKind, ActivityLevel, ActivityState
from tests.factories.events import ActivityFactory, RegistrationFactory
from tests.factories.geo import province

pytestmark = pytest.mark.django_db


def _ids(response):
    return [a.pk for a in response.context["activities"]]


def test_only_public_planned_or_open_upcoming_activities(client):
    today = timezone.localdate()
    soon = ActivityFactory(starts_on=today + timedelta(days=3), state=ActivityState.OPEN)
    later = ActivityFactory(starts_on=today + timedelta(days=40), state=ActivityState.PLANNED)
    running = ActivityFactory(
        starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1)
    )
    ActivityFactory(starts_on=today + timedelta(days=5), state=ActivityState.CANCELLED)
    ActivityFactory(starts_on=today - timedelta(days=1), state=ActivityState.HELD)
    ActivityFactory(starts_on=today + timedelta(days=5), is_public=False)
    ActivityFactory(starts_on=today - timedelta(days=10), ends_on=today - timedelta(days=9))  # over
    response = client.get("/events/calendar/")
    assert response.status_code == 200
    assert _ids(response) == [running.pk, soon.pk, later.pk]


def test_filters_by_province_and_kind_and_shows_places_left(client):
    today = timezone.localdate()
    fair = ActivityFactory(
        kind=ActivityKind.FAIR, starts_on=today + timedelta(days=2), capacity=10, title="Hội chợ"
    )
    RegistrationFactory(activity=fair)
    RegistrationFactory(activity=fair, state="cancelled")
    hanoi = ActivityFactory(province=province("01"), starts_on=today + timedelta(days=2))
    central = ActivityFactory(
        level=ActivityLevel.CENTRAL, province=None, starts_on=today + timedelta(days=2)
    )
    assert set(_ids(client.get("/events/calendar/"))) == {fair.pk, hanoi.pk, central.pk}
    by_province = client.get("/events/calendar/", {"province": province("01").pk})
    assert _ids(by_province) == [hanoi.pk]
    by_kind = client.get("/events/calendar/", {"kind": "fair"})
    assert _ids(by_kind) == [fair.pk]
    assert by_kind.context["activities"][0].places_left == 9
    body = by_kind.content.decode()
    assert f'href="/events/{fair.pk}/"' in body
    assert "Hội chợ" in body


def test_grouped_by_month_in_vietnamese_and_english_on_request(client, settings):
    today = timezone.localdate()
    ActivityFactory(starts_on=today + timedelta(days=1))
    ActivityFactory(starts_on=today + timedelta(days=70))
    response = client.get("/events/calendar/")
    body = response.content.decode()
    assert '<html lang="vi">' in body
    assert body.count('<section class="mb-4"') == 2
    english = client.get("/events/calendar/?lang=en")
    assert '<html lang="en">' in english.content.decode()
    assert english.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_the_calendar_has_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    today = timezone.localdate()
    for n in range(3):
        ActivityFactory(starts_on=today + timedelta(days=n + 1))
    client.get("/events/calendar/")
    with django_assert_max_num_queries(4) as few:
        client.get("/events/calendar/")
    for n in range(15):
        RegistrationFactory(activity=ActivityFactory(starts_on=today + timedelta(days=n + 1)))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/events/calendar/")
    assert len(response.context["activities"]) == 18
