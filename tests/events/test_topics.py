"""The managed list of topics: add, rename, retire and restore; duplicates
refused; retired topics stay on old activities but are not offered for new ones."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ocop.accounts.enums import Role
from ocop.core.models import ActivityLog
from ocop.events.domain.topics import create_topic, update_topic
from ocop.events.models import Topic
from tests.factories.accounts import user_with_role
from tests.factories.events import ActivityFactory
from tests.factories.geo import province

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return user_with_role(Role.PROVINCE_ADMIN, unit=province("38"), username="qt.th")


def test_add_rename_retire_and_restore(admin):
    topic = create_topic(by=admin, code="Truy xuat nguon goc", name="Truy xuất nguồn gốc")
    assert topic.code == "truy-xuat-nguon-goc"
    assert topic.active
    update_topic(by=admin, topic=topic, data={"name_en": "Traceability"})
    update_topic(by=admin, topic=topic, data={"active": False})
    topic.refresh_from_db()
    assert topic.name_en == "Traceability"
    assert not topic.active
    update_topic(by=admin, topic=topic, data={"active": True})
    actions = list(
        ActivityLog.objects.filter(object_id=str(topic.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["ocop.topic.changed"] * 3 + ["ocop.topic.created"]


def test_duplicate_code_or_name_is_refused(admin):
    existing = Topic.objects.first()
    with pytest.raises(ValidationError) as error:
        create_topic(by=admin, code=existing.code, name="Tên khác hẳn")
    assert set(error.value.message_dict) == {"code"}
    with pytest.raises(ValidationError) as error:
        create_topic(by=admin, code="ma-moi", name=existing.name.upper())
    assert set(error.value.message_dict) == {"name"}
    other = Topic.objects.exclude(pk=existing.pk).first()
    with pytest.raises(ValidationError):
        update_topic(by=admin, topic=other, data={"name": existing.name})


def test_only_administrators_manage_topics(client, province_officer, admin):
    with pytest.raises(PermissionDenied):
        create_topic(by=province_officer, code="x", name="X")
    client.force_login(province_officer)
    assert client.get("/events/topics/").status_code == 403
    client.force_login(admin)
    assert client.get("/events/topics/").status_code == 200


def test_topic_pages_add_and_retire(client, admin):
    client.force_login(admin)
    response = client.post(
        "/events/topics/",
        {"code": "bao-bi", "name": "Bao bì mới", "name_en": "Packaging", "position": "5"},
    )
    assert response.status_code == 302
    topic = Topic.objects.get(code="bao-bi")
    response = client.post(
        f"/events/topics/{topic.pk}/",
        {"name": "Bao bì, nhãn mác", "name_en": "Packaging and labels", "position": "5"},
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.name == "Bao bì, nhãn mác"
    assert not topic.active  # the box was unticked
    response = client.post("/events/topics/", {"code": "bao-bi-2", "name": "bao bi, nhan mac"})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors


def test_a_retired_topic_stays_on_old_activities_but_is_not_offered(
    client, admin, province_officer
):
    topic = create_topic(by=admin, code="cu", name="Chủ đề cũ")
    old = ActivityFactory()
    old.topics.add(topic)
    update_topic(by=admin, topic=topic, data={"active": False})
    client.force_login(province_officer)
    new_form = client.get("/events/new/").context["form"]
    assert topic not in new_form.fields["topics"].queryset
    edit_form = client.get(f"/events/{old.pk}/edit/").context["form"]
    assert topic in edit_form.fields["topics"].queryset
    assert list(old.topics.all()) == [topic]


def test_load_event_topics_adds_only_what_is_missing_and_keeps_an_administrators_rename():
    from django.core.management import call_command

    from ocop.events.domain.topics import SEED_TOPICS
    from ocop.events.models import Topic

    renamed = Topic.objects.get(code=SEED_TOPICS[0][0])
    renamed.name = "Tên do quản trị viên đặt"
    renamed.save()
    Topic.objects.filter(code=SEED_TOPICS[1][0]).delete()  # as after a flush

    call_command("load_event_topics", verbosity=0)
    call_command("load_event_topics", verbosity=0)

    assert Topic.objects.filter(code__in=[c for c, _n, _e in SEED_TOPICS]).count() == len(
        SEED_TOPICS
    )
    assert Topic.objects.get(code=SEED_TOPICS[0][0]).name == "Tên do quản trị viên đặt"
