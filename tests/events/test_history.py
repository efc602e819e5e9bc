"""A subject's history (trainings attended, other events, registrations
without attendance, support received) and the subjects with no training in
the last N years."""

import io
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ocop.accounts.enums import Role
from ocop.events.domain.history import (
    subject_history,
    subjects_without_training,
    years_before,
)
from ocop.events.enums import ActivityKind, ActivityState, RegistrationState
from ocop.events.models import Support
from ocop.producers.models import Subject
from tests.factories.accounts import user_with_role
from tests.factories.events import ActivityFactory, RegistrationFactory
from tests.factories.geo import communes, province
from tests.factories.registry import SubjectFactory

pytestmark = pytest.mark.django_db

CHECKED = datetime(2025, 1, 1, 1, 0, tzinfo=UTC)


def _attended(subject, *, starts_on, kind=ActivityKind.TRAINING, state=ActivityState.HELD):
    activity = ActivityFactory(kind=kind, state=state, starts_on=starts_on, ends_on=starts_on)
    return RegistrationFactory(activity=activity, subject=subject, checked_in_at=CHECKED)


def test_a_subjects_history_sorts_what_it_did(subject_x, subject_y, product_x):
    training = _attended(subject_x, starts_on=date(2025, 3, 1))
    conference = _attended(subject_x, starts_on=date(2025, 4, 1), kind=ActivityKind.CONFERENCE)
    fair = _attended(subject_x, starts_on=date(2025, 5, 1), kind=ActivityKind.FAIR)
    absent = RegistrationFactory(
        activity=ActivityFactory(state=ActivityState.HELD, starts_on=date(2025, 6, 1)),
        subject=subject_x,
    )
    _attended(subject_x, starts_on=date(2025, 7, 1), state=ActivityState.CANCELLED)
    RegistrationFactory(subject=subject_x, state=RegistrationState.CANCELLED)
    _attended(subject_y, starts_on=date(2025, 3, 1))  # another subject's
    support = Support.objects.create(
        subject=subject_x,
        product=product_x,
        kind="ecommerce",
        given_on=date(2025, 8, 1),
        provider="Sở Công Thương",
    )
    history = subject_history(subject_x)
    assert history.trainings == [conference, training]
    assert history.events == [fair]
    assert history.not_attended == [absent]
    assert history.supports == [support]


def test_the_history_costs_two_queries(subject_x, django_assert_num_queries):
    for n in range(5):
        _attended(subject_x, starts_on=date(2025, 3, 1 + n))
    with django_assert_num_queries(2):
        history = subject_history(subject_x)
        assert [r.activity.province.code for r in history.trainings] == ["38"] * 5


# Subjects with no recent training -----------------------------------------------------


@pytest.fixture
def subjects(commune_x):
    today = timezone.localdate()
    made = {
        name: SubjectFactory(commune=commune_x, name=name)
        for name in ("recent", "three years ago", "cancelled only", "absent", "never", "fair")
    }
    _attended(made["recent"], starts_on=years_before(today, 1))
    _attended(made["three years ago"], starts_on=years_before(today, 3))
    _attended(
        made["cancelled only"], starts_on=years_before(today, 1), state=ActivityState.CANCELLED
    )
    RegistrationFactory(
        activity=ActivityFactory(state=ActivityState.HELD, starts_on=years_before(today, 1)),
        subject=made["absent"],
    )
    _attended(made["fair"], starts_on=years_before(today, 1), kind=ActivityKind.FAIR)
    return made


def _names(queryset):
    return {s.name for s in queryset}


def test_subjects_without_training(subjects):
    today = timezone.localdate()
    everyone = Subject.objects.filter(pk__in=[s.pk for s in subjects.values()])
    two = subjects_without_training(everyone, years=2, today=today)
    assert _names(two) == {"three years ago", "cancelled only", "absent", "never", "fair"}
    five = subjects_without_training(everyone, years=5, today=today)
    assert _names(five) == {"cancelled only", "absent", "never", "fair"}
    last = {s.name: s.last_training for s in two}
    assert last["three years ago"] == years_before(today, 3)
    assert last["cancelled only"] is None
    assert last["absent"] is None


def test_the_untrained_page(client, subjects, province_officer, commune_x):
    client.force_login(province_officer)
    url = reverse("events:untrained")
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["years"] == 2
    assert response.context["nav_active"] == "events"
    names = _names(response.context["page"])
    assert {"three years ago", "cancelled only", "absent", "never"} <= names
    assert "recent" not in names
    response = client.get(url, {"years": "5", "commune": commune_x.pk})
    assert "three years ago" not in _names(response.context["page"])
    assert "never" in _names(response.context["page"])
    for wrong in ("0", "11", "two"):
        response = client.get(url, {"years": wrong})
        assert response.status_code == 200
        assert "years" in response.context["form"].errors
        assert response.context["years"] == 2
    response = client.get(url, {"years": "2", "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    listed = {row[1] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert {"three years ago", "cancelled only", "absent", "never"} <= listed
    assert "recent" not in listed


def test_the_untrained_page_is_scoped_and_pinned(
    client, subjects, officer_x, django_assert_max_num_queries
):
    elsewhere = SubjectFactory(commune=communes("01", 1)[0], name="Hà Nội, never trained")
    hanoi = user_with_role(Role.PROVINCE_OFFICER, unit=province("01"), username="tinh.hn")
    client.force_login(hanoi)
    response = client.get(reverse("events:untrained"))
    assert _names(response.context["page"]) == {elsewhere.name}
    client.force_login(officer_x)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:untrained"))
    assert "never" in _names(response.context["page"])
    assert elsewhere.name not in _names(response.context["page"])


def test_producers_cannot_open_the_untrained_list(client, producer_x):
    client.force_login(producer_x)
    assert client.get(reverse("events:untrained")).status_code == 403


# The history page ---------------------------------------------------------------------


def test_the_subjects_own_producer_and_its_officers_see_the_history(
    client, subject_x, subject_y, producer_x, officer_x, province_officer
):
    _attended(subject_x, starts_on=date(2025, 3, 1))
    url = reverse("events:subject_history", args=[subject_x.pk])
    for user in (producer_x, officer_x, province_officer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert len(response.context["history"].trainings) == 1
    assert response.context["can_record"] is True
    client.force_login(producer_x)
    assert client.get(url).context["can_record"] is False
    assert client.get(reverse("events:subject_history", args=[subject_y.pk])).status_code == 404
    client.force_login(officer_x)
    assert client.get(reverse("events:subject_history", args=[subject_y.pk])).status_code == 404


def test_the_subject_page_links_to_the_history(client, subject_x, officer_x):
    client.force_login(officer_x)
    response = client.get(reverse("producers:detail", args=[subject_x.pk]))
    assert reverse("events:subject_history", args=[subject_x.pk]).encode() in response.content
