"""Head counts: whole numbers of 0 or more per participant group, by the
activity's managers, from its first day, never for a cancelled activity;
0 removes a group's count; the change is logged."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ocop.core.models import ActivityLog
from ocop.events.domain.head_counts import set_head_counts
from ocop.events.enums import ActivityState, Audience
from ocop.events.models import HeadCount
from tests.factories.events import ActivityFactory, HeadCountFactory

pytestmark = pytest.mark.django_db


def _counts(activity) -> dict[str, int]:
    return dict(HeadCount.objects.filter(activity=activity).values_list("audience", "count"))


def test_counts_are_set_changed_and_removed(province_officer):
    activity = ActivityFactory()
    set_head_counts(
        activity=activity,
        by=province_officer,
        counts={Audience.SUBJECTS: 120, Audience.COMMUNE_OFFICIALS: 45},
    )
    assert _counts(activity) == {"subjects": 120, "commune_officials": 45}
    after = set_head_counts(
        activity=activity,
        by=province_officer,
        counts={Audience.SUBJECTS: 0, Audience.COMMUNE_OFFICIALS: "46"},
    )
    assert after == _counts(activity) == {"commune_officials": 46}
    entries = ActivityLog.objects.filter(action="ocop.activity.head_counts").order_by("pk")
    assert [e.data["counts"] for e in entries] == [
        {"subjects": 120, "commune_officials": 45},
        {"commune_officials": 46},
    ]
    # Nothing changes: nothing is logged.
    set_head_counts(activity=activity, by=province_officer, counts={"commune_officials": 46})
    assert entries.count() == 2


@pytest.mark.parametrize("value", [-1, "abc", 2.5, True, "1e3"])
def test_only_whole_numbers_of_zero_or_more(province_officer, value):
    activity = ActivityFactory()
    HeadCountFactory(activity=activity, audience=Audience.SUBJECTS, count=10)
    with pytest.raises(ValidationError) as refused:
        set_head_counts(
            activity=activity,
            by=province_officer,
            counts={Audience.SUBJECTS: 20, Audience.LEADERS: value},
        )
    assert list(refused.value.message_dict) == ["leaders"]
    assert _counts(activity) == {"subjects": 10}


def test_unknown_group_is_refused(province_officer):
    with pytest.raises(ValidationError):
        set_head_counts(activity=ActivityFactory(), by=province_officer, counts={"aliens": 3})


def test_not_before_the_first_day_nor_for_a_cancelled_activity(province_officer, officer_x):
    future = ActivityFactory(starts_on=timezone.localdate() + timedelta(days=2))
    cancelled = ActivityFactory(state=ActivityState.CANCELLED)
    for activity in (future, cancelled):
        with pytest.raises(ValidationError):
            set_head_counts(activity=activity, by=province_officer, counts={"subjects": 5})
    with pytest.raises(PermissionDenied):
        set_head_counts(activity=ActivityFactory(), by=officer_x, counts={"subjects": 5})
    assert HeadCount.objects.count() == 0


def test_the_form_saves_and_shows_errors_on_the_field(client, province_officer):
    activity = ActivityFactory()
    client.force_login(province_officer)
    url = reverse("events:head_counts", args=[activity.pk])
    page = client.get(url)
    assert list(page.context["form"].fields) == list(Audience.values)
    response = client.post(url, {"subjects": "30", "leaders": "", "other": "-2"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["other"]
    assert _counts(activity) == {}
    response = client.post(url, {"subjects": "30", "leaders": "4"})
    assert response.status_code == 302
    assert _counts(activity) == {"subjects": 30, "leaders": 4}
