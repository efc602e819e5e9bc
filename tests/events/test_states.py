from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ocop.core.models import ActivityLog, Notification
from ocop.events.domain.activities import set_activity_state
from ocop.events.enums import ActivityState
from tests.factories.events import ActivityFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_open_hold_and_log(province_officer):
    activity = ActivityFactory(state=ActivityState.PLANNED)
    set_activity_state(activity=activity, action="open", by=province_officer)
    set_activity_state(activity=activity, action="hold", by=province_officer)
    activity.refresh_from_db()
    assert activity.state == ActivityState.HELD
    actions = list(
        ActivityLog.objects.filter(object_id=str(activity.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["ocop.activity.hold", "ocop.activity.open"]


def test_held_is_final_and_cannot_be_held_before_its_first_day(province_officer):
    future = ActivityFactory(starts_on=timezone.localdate() + timedelta(days=3))
    with pytest.raises(ValidationError, match=r"\(\d\d/\d\d/\d{4}\)"):
        set_activity_state(activity=future, action="hold", by=province_officer)
    held = ActivityFactory(state=ActivityState.HELD)
    with pytest.raises(ValidationError):
        set_activity_state(activity=held, action="cancel", by=province_officer, reason="x")


def test_cancel_needs_reason_and_tells_registrants(
    province_officer, producer_x, django_capture_on_commit_callbacks
):
    activity = ActivityFactory()
    RegistrationFactory(activity=activity, user=producer_x)
    with pytest.raises(ValidationError):
        set_activity_state(activity=activity, action="cancel", by=province_officer)
    assert ActivityFactory._meta.model.objects.get(pk=activity.pk).state == ActivityState.OPEN
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        set_activity_state(
            activity=activity, action="cancel", by=province_officer, reason="Bão số 3"
        )
    assert len(callbacks) >= 1  # the registrants are told once the cancellation is committed
    assert Notification.objects.filter(user=producer_x, text__contains="Bão số 3").exists()


def test_commune_officer_cannot_run_a_provincial_activity(officer_x):
    activity = ActivityFactory()
    with pytest.raises(PermissionDenied):
        set_activity_state(activity=activity, action="close", by=officer_x)
