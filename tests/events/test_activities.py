"""Activities: the unit follows the level, scope both ways, the officer's list
(filters, counts, a fixed number of queries), the form, the activity page for
anonymous visitors, producers and managers, state changes, files and the
report after the event."""

from datetime import date, time, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from ocop.accounts.enums import Role
from ocop.core.models import ActivityLog
from ocop.events.domain.activities import create_activity, save_report, update_activity
from ocop.events.domain.files import add_file
from ocop.events.domain.registrations import full_message
from ocop.events.enums import ActivityKind, ActivityLevel, ActivityState, Audience
from ocop.events.models import Activity, ActivityFile, Topic
from tests.factories.accounts import user_with_role
from tests.factories.events import ActivityFactory, RegistrationFactory
from tests.factories.geo import communes, province

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _data(**overrides):
    data = {
        "title": "Lớp tập huấn xây dựng câu chuyện sản phẩm",
        "kind": ActivityKind.TRAINING,
        "level": ActivityLevel.PROVINCE,
        "province": province("38"),
        "commune": None,
        "organiser": "Văn phòng Điều phối NTM tỉnh Thanh Hóa",
        "starts_on": date(2026, 3, 10),
        "ends_on": date(2026, 3, 11),
        "place": "Hội trường Sở Nông nghiệp",
        "target_groups": [Audience.SUBJECTS, Audience.COMMUNE_OFFICIALS],
        "speakers": "",
        "description": "",
        "funding_source": "",
        "cost": None,
        "capacity": None,
        "is_public": True,
    }
    data.update(overrides)
    return data


def _post_data(**overrides):
    values = {
        "title": "Tập huấn chuyển đổi số cho chủ thể OCOP",
        "kind": ActivityKind.TRAINING,
        "level": ActivityLevel.PROVINCE,
        "province": str(province("38").pk),
        "commune": "",
        "organiser": "Văn phòng Điều phối NTM tỉnh",
        "starts_on": "2026-04-02",
        "ends_on": "2026-04-03",
        "place": "Khách sạn Lam Kinh",
        "target_groups": [Audience.SUBJECTS],
        "speakers": "TS. Lê Văn A",
        "description": "Nội dung",
        "funding_source": "local_budget",
        "cost": "12000000",
        "capacity": "80",
        "is_public": "on",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


@pytest.fixture
def central():
    return user_with_role(Role.CENTRAL_OFFICER, username="tw.vp")


@pytest.fixture
def hanoi_officer():
    return user_with_role(Role.PROVINCE_OFFICER, unit=province("01"), username="tinh.hn")


# The unit follows the level --------------------------------------------------------------


def test_a_central_activity_has_no_unit(central):
    activity = create_activity(
        by=central,
        data=_data(level=ActivityLevel.CENTRAL, commune=communes("38", 1)[0]),
    )
    assert activity.province is None
    assert activity.commune is None
    entry = ActivityLog.objects.get(action="ocop.activity.created")
    assert entry.data["level"] == "central"


def test_a_commune_activity_takes_its_province_from_the_commune(officer_x, commune_x):
    activity = create_activity(
        by=officer_x,
        data=_data(level=ActivityLevel.COMMUNE, province=None, commune=commune_x),
    )
    assert activity.commune == commune_x
    assert activity.province == commune_x.province


def test_level_without_unit_and_bad_dates_are_refused(province_officer):
    with pytest.raises(ValidationError) as error:
        create_activity(
            by=province_officer,
            data=_data(province=None, ends_on=date(2026, 3, 9)),
        )
    assert set(error.value.message_dict) == {"province", "ends_on"}
    with pytest.raises(ValidationError) as error:
        create_activity(by=province_officer, data=_data(level=ActivityLevel.COMMUNE, commune=None))
    assert set(error.value.message_dict) == {"commune"}
    assert not Activity.objects.exists()


def test_a_commune_officer_cannot_create_or_edit_a_provincial_activity(officer_x, commune_x):
    with pytest.raises(PermissionDenied):
        create_activity(by=officer_x, data=_data())
    provincial = ActivityFactory()
    with pytest.raises(PermissionDenied):
        update_activity(by=officer_x, activity=provincial, data={"title": "Đổi tên"})
    own = create_activity(
        by=officer_x, data=_data(level=ActivityLevel.COMMUNE, province=None, commune=commune_x)
    )
    with pytest.raises(PermissionDenied):
        update_activity(
            by=officer_x,
            activity=own,
            data={"level": ActivityLevel.PROVINCE, "province": province("38")},
        )


# The form ----------------------------------------------------------------------------


def test_the_form_creates_an_activity_with_topics(client, province_officer):
    topic = Topic.objects.filter(active=True).first()
    client.force_login(province_officer)
    page = client.get("/events/new/")
    assert page.status_code == 200
    offered = page.context["form"].fields["province"].queryset
    assert list(offered) == [province("38")]
    response = client.post("/events/new/", _post_data(topics=[str(topic.pk)]))
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/events/{activity.pk}/"
    assert activity.province == province("38")
    assert activity.cost == 12000000
    assert activity.capacity == 80
    assert list(activity.topics.all()) == [topic]
    assert activity.created_by == province_officer


def test_central_officers_are_offered_all_34_provinces(client, central):
    client.force_login(central)
    page = client.get("/events/new/")
    assert page.context["form"].fields["province"].queryset.count() == 34


def test_domain_errors_show_on_the_form_with_the_input_kept(client, province_officer):
    client.force_login(province_officer)
    response = client.post(
        "/events/new/", _post_data(level=ActivityLevel.COMMUNE, title="Giữ lại tên này")
    )
    assert response.status_code == 200
    assert "commune" in response.context["form"].errors
    assert "Giữ lại tên này" in response.content.decode()
    assert not Activity.objects.exists()


def test_a_commune_officer_posting_a_provincial_activity_sees_the_form_again(client, officer_x):
    """Refused (a provincial activity is the province's), but with the form
    as typed and the reason on it, not a 403 page that loses the input."""
    client.force_login(officer_x)
    response = client.post("/events/new/", _post_data(title="Lớp của xã, giữ lại tên"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Lớp của xã, giữ lại tên"' in page
    assert 'value="Khách sạn Lam Kinh"' in page
    assert "TS. Lê Văn A</textarea>" in page
    assert response.context["form"].non_field_errors() == [
        "Bạn chỉ được tạo hoạt động của đơn vị mình."
    ]
    assert not Activity.objects.exists()


def test_moving_an_activity_out_of_the_scope_shows_the_form_again(client, officer_x, commune_x):
    activity = ActivityFactory(
        title="Tập huấn xã", level=ActivityLevel.COMMUNE, commune=commune_x, province=None
    )
    client.force_login(officer_x)
    data = _post_data(title="Tên mới giữ lại", starts_on=activity.starts_on.isoformat())
    data["ends_on"] = activity.ends_on.isoformat()
    response = client.post(f"/events/{activity.pk}/edit/", data)  # to the provincial level
    assert response.status_code == 200
    assert 'value="Tên mới giữ lại"' in response.content.decode()
    assert response.context["form"].non_field_errors()
    activity.refresh_from_db()
    assert activity.title == "Tập huấn xã"


def test_the_form_edits_an_activity_and_logs_the_change(client, province_officer):
    activity = ActivityFactory(title="Tên cũ")
    client.force_login(province_officer)
    page = client.get(f"/events/{activity.pk}/edit/")
    assert page.status_code == 200
    data = _post_data(title="Tên mới", starts_on=activity.starts_on.isoformat())
    data["ends_on"] = activity.ends_on.isoformat()
    response = client.post(f"/events/{activity.pk}/edit/", data)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Tên mới"
    entry = ActivityLog.objects.get(action="ocop.activity.changed")
    assert entry.data["title"] == ["Tên cũ", "Tên mới"]


def test_another_provinces_officer_cannot_edit(client, hanoi_officer):
    activity = ActivityFactory(is_public=True)
    client.force_login(hanoi_officer)
    assert client.get(f"/events/{activity.pk}/edit/").status_code == 403
    private = ActivityFactory(is_public=False)
    assert client.get(f"/events/{private.pk}/edit/").status_code == 404


# The officer's list -------------------------------------------------------------------


def test_the_list_shows_the_scope_with_counts(client, province_officer, hanoi_officer):
    ours = ActivityFactory(title="Lớp tập huấn Thanh Hóa")
    RegistrationFactory(activity=ours)
    RegistrationFactory(activity=ours, checked_in_at=timezone.now())
    RegistrationFactory(activity=ours, state="cancelled", checked_in_at=timezone.now())
    theirs = ActivityFactory(province=province("01"), title="Hà Nội", is_public=False)
    central = ActivityFactory(level=ActivityLevel.CENTRAL, province=None, title="Trung ương")

    client.force_login(province_officer)
    page = client.get("/events/")
    rows = {a.pk: a for a in page.context["page"]}
    assert set(rows) == {ours.pk, central.pk}
    assert (rows[ours.pk].registered_count, rows[ours.pk].attended_count) == (2, 1)
    assert page.context["can_create"] is True

    client.force_login(hanoi_officer)
    rows = [a.pk for a in client.get("/events/").context["page"]]
    assert theirs.pk in rows
    assert ours.pk not in rows


def test_list_filters(client, province_officer, commune_x):
    topic = Topic.objects.filter(active=True).first()
    first = ActivityFactory(
        title="Hội nghị tuyên truyền OCOP", kind=ActivityKind.PUBLICITY, starts_on=date(2025, 5, 2)
    )
    first.topics.add(topic)
    second = ActivityFactory(
        level=ActivityLevel.COMMUNE,
        commune=commune_x,
        kind=ActivityKind.TRAINING,
        state=ActivityState.HELD,
        starts_on=date(2026, 1, 5),
    )
    client.force_login(province_officer)

    def pks(**params):
        page = client.get("/events/", params)
        assert page.status_code == 200
        return {a.pk for a in page.context["page"]}

    assert pks() == {first.pk, second.pk}
    assert pks(kind="publicity") == {first.pk}
    assert pks(level="commune") == {second.pk}
    assert pks(state="held") == {second.pk}
    assert pks(year="2025") == {first.pk}
    assert pks(topic=str(topic.pk)) == {first.pk}
    assert pks(unit=str(commune_x.pk)) == {second.pk}
    assert pks(unit=str(province("38").pk)) == {first.pk, second.pk}
    assert pks(q="hoi nghi tuyen TRUYEN") == {first.pk}


def test_the_list_is_for_officers(client, producer_x):
    client.force_login(producer_x)
    assert client.get("/events/").status_code == 403


def test_the_list_has_a_fixed_number_of_queries(
    client, province_officer, django_assert_max_num_queries
):
    for _ in range(3):
        activity = ActivityFactory()
        RegistrationFactory(activity=activity)
    client.force_login(province_officer)
    client.get("/events/")
    with django_assert_max_num_queries(7) as few:
        client.get("/events/")
    for _ in range(20):
        activity = ActivityFactory(level=ActivityLevel.CENTRAL, province=None)
        RegistrationFactory(activity=activity)
        RegistrationFactory(activity=activity, checked_in_at=timezone.now())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/events/")
    assert len(response.context["page"]) == 23


# The activity page ----------------------------------------------------------------------


def test_anonymous_sees_a_public_activity_and_404_on_a_private_one(client, settings):
    public = ActivityFactory(capacity=30, cost=5000000, speakers="TS. Nguyễn Văn B")
    RegistrationFactory(activity=public)
    private = ActivityFactory(is_public=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        page = client.get(f"/events/{public.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert page.context["places_left"] == 29
    assert "TS. Nguyễn Văn B" in body
    assert "5.000.000" not in body
    assert "5,000,000" not in body
    assert page.context["manages"] is False
    assert 'id="sign-in-to-register"' in body
    assert "/accounts/login/?next=" in body
    assert client.get(f"/events/{private.pk}/").status_code == 404


def test_an_officer_of_another_province_gets_404_on_a_private_activity(client, hanoi_officer):
    private = ActivityFactory(is_public=False)
    client.force_login(hanoi_officer)
    assert client.get(f"/events/{private.pk}/").status_code == 404


def test_a_producer_sees_register_then_you_are_registered(client, producer_x):
    activity = ActivityFactory(state=ActivityState.OPEN)
    client.force_login(producer_x)
    body = client.get(f"/events/{activity.pk}/").content.decode()
    assert f'href="/events/{activity.pk}/register/"' in body
    registration = RegistrationFactory(activity=activity, user=producer_x)
    body = client.get(f"/events/{activity.pk}/").content.decode()
    assert f'href="/events/registrations/{registration.token}/"' in body
    assert f'href="/events/{activity.pk}/register/"' not in body


def test_the_manager_sees_cost_actions_links_and_history(client, province_officer):
    activity = ActivityFactory(cost=5000000, state=ActivityState.PLANNED)
    client.force_login(province_officer)
    page = client.get(f"/events/{activity.pk}/")
    body = page.content.decode()
    assert page.context["manages"] is True
    assert [t.action for t in page.context["actions"]] == ["open", "hold", "cancel"]
    for url in (
        f"/events/{activity.pk}/participants/",
        f"/events/{activity.pk}/check-in/",
        f"/events/{activity.pk}/head-counts/",
        f"/events/{activity.pk}/certificates.pdf",
        f"/events/{activity.pk}/edit/",
        f"/events/{activity.pk}/files/",
    ):
        assert f'href="{url}"' in body
    assert 'name="reason"' in body  # cancelling asks why


# State changes ------------------------------------------------------------------------


def test_state_view_changes_the_state_or_says_why_not(client, province_officer):
    activity = ActivityFactory(
        state=ActivityState.PLANNED, starts_on=timezone.localdate() + timedelta(days=5)
    )
    client.force_login(province_officer)
    response = client.post(f"/events/{activity.pk}/state/", {"action": "open"})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.state == ActivityState.OPEN
    with translation.override("en"):
        response = client.post(f"/events/{activity.pk}/state/", {"action": "cancel"})
        assert _messages(response)[-1] == "Hãy nêu lý do hủy hoạt động."
    activity.refresh_from_db()
    assert activity.state == ActivityState.OPEN
    client.post(f"/events/{activity.pk}/state/", {"action": "cancel", "reason": "Mưa bão"})
    activity.refresh_from_db()
    assert (activity.state, activity.cancel_reason) == (ActivityState.CANCELLED, "Mưa bão")


def test_a_producer_cannot_change_the_state(client, producer_x):
    activity = ActivityFactory(state=ActivityState.OPEN)
    client.force_login(producer_x)
    client.post(f"/events/{activity.pk}/state/", {"action": "close"})
    activity.refresh_from_db()
    assert activity.state == ActivityState.OPEN


# Files -------------------------------------------------------------------------------------


def test_a_material_is_uploaded_and_downloaded_by_anyone_on_a_public_activity(
    client, province_officer
):
    activity = ActivityFactory()
    client.force_login(province_officer)
    response = client.post(
        f"/events/{activity.pk}/files/",
        {
            "kind": "material",
            "caption": "Bài giảng",
            "upload": SimpleUploadedFile("bai-giang.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    stored = ActivityFile.objects.get()
    assert (stored.kind, stored.content_type, stored.size) == (
        "material",
        "application/pdf",
        len(PDF),
    )
    assert ActivityLog.objects.filter(action="ocop.activity.file_added").exists()
    client.logout()
    download = client.get(f"/events/{activity.pk}/files/{stored.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    download.close()


def test_files_of_a_private_activity_are_for_managers(client, province_officer, producer_x):
    activity = ActivityFactory(is_public=False)
    stored = add_file(
        activity=activity,
        by=province_officer,
        kind="material",
        upload=SimpleUploadedFile("a.pdf", PDF),
        caption="",
    )
    assert client.get(f"/events/{activity.pk}/files/{stored.pk}/").status_code == 404
    client.force_login(producer_x)
    assert client.get(f"/events/{activity.pk}/files/{stored.pk}/").status_code == 404
    client.force_login(province_officer)
    download = client.get(f"/events/{activity.pk}/files/{stored.pk}/")
    assert download.status_code == 200
    download.close()


def test_a_wrong_type_upload_is_refused_and_nothing_is_stored(client, settings, province_officer):
    activity = ActivityFactory()
    client.force_login(province_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        response = client.post(
            f"/events/{activity.pk}/files/",
            {"kind": "photo", "upload": SimpleUploadedFile("anh.pdf", PDF, "application/pdf")},
        )
    assert response.status_code == 400
    assert "Files of type “.pdf” are not accepted" in str(response.context["form"].errors)
    renamed = SimpleUploadedFile("virus.png", b"MZ\x90\x00" + b"\x00" * 40, "image/png")
    with pytest.raises(ValidationError) as error:
        add_file(activity=activity, by=province_officer, kind="photo", upload=renamed)
    assert set(error.value.message_dict) == {"upload"}
    assert not ActivityFile.objects.exists()
    assert not ActivityLog.objects.filter(action="ocop.activity.file_added").exists()


def test_a_file_is_removed(client, province_officer):
    activity = ActivityFactory()
    stored = add_file(
        activity=activity,
        by=province_officer,
        kind="photo",
        upload=SimpleUploadedFile("a.png", PNG),
    )
    client.force_login(province_officer)
    response = client.post(f"/events/{activity.pk}/files/{stored.pk}/delete/")
    assert response.status_code == 302
    assert not ActivityFile.objects.exists()
    assert ActivityLog.objects.filter(action="ocop.activity.file_removed").exists()


# The report after the event ------------------------------------------------------------


def test_the_report_is_refused_before_the_event_is_held(client, province_officer):
    activity = ActivityFactory(state=ActivityState.OPEN)
    with pytest.raises(ValidationError):
        save_report(activity=activity, by=province_officer, outcome="Tốt")
    client.force_login(province_officer)
    response = client.post(f"/events/{activity.pk}/report/", {"outcome": "Tốt"})
    assert response.status_code == 400
    activity.refresh_from_db()
    assert activity.outcome == ""
    assert activity.reported_at is None


def test_the_report_after_a_held_event_with_a_photo(client, province_officer):
    activity = ActivityFactory(state=ActivityState.HELD)
    client.force_login(province_officer)
    response = client.post(
        f"/events/{activity.pk}/files/",
        {"kind": "photo", "next": "report", "upload": SimpleUploadedFile("lop.png", PNG)},
    )
    assert response["Location"] == f"/events/{activity.pk}/report/"
    response = client.post(
        f"/events/{activity.pk}/report/", {"outcome": "120 lượt người tham dự; 40 chủ thể OCOP."}
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.outcome.startswith("120 lượt")
    assert activity.reported_by == province_officer
    assert activity.reported_at is not None
    assert ActivityLog.objects.filter(action="ocop.activity.reported").exists()
    client.logout()
    page = client.get(f"/events/{activity.pk}/")
    assert page.status_code == 200
    assert "120 lượt người tham dự" in page.content.decode()
    assert len(page.context["photos"]) == 1


# Start time ------------------------------------------------------------------------------


def test_a_training_has_a_start_time_shown_with_its_date(client, province_officer):
    client.force_login(province_officer)
    day = timezone.localdate() + timedelta(days=10)
    post = _post_data(starts_on=day.isoformat(), ends_on=day.isoformat(), start_time="08:30")
    response = client.post("/events/new/", post)
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert activity.start_time == time(8, 30)
    entry = ActivityLog.objects.get(action="ocop.activity.created")
    assert entry.data["start_time"] == "08:30"
    when = f"08:30</span> {day:%d/%m/%Y}"
    assert when in client.get(f"/events/{activity.pk}/").content.decode()
    assert when in client.get("/events/").content.decode()
    assert when in client.get("/events/calendar/").content.decode()
    edit = client.get(f"/events/{activity.pk}/edit/").content.decode()
    assert 'type="time"' in edit
    assert 'value="08:30"' in edit


def test_a_wrong_start_time_is_refused_and_nothing_is_saved(client, province_officer):
    client.force_login(province_officer)
    response = client.post("/events/new/", _post_data(start_time="25:70", title="Giữ tên"))
    assert response.status_code == 200
    assert "start_time" in response.context["form"].errors
    assert "Giữ tên" in response.content.decode()
    assert not Activity.objects.exists()


def test_without_a_start_time_only_the_date_is_shown(client, province_officer):
    activity = ActivityFactory(start_time=None)
    client.force_login(province_officer)
    page = client.get(f"/events/{activity.pk}/").content.decode()
    assert 'class="activity-time"' not in page


def test_places_read_in_the_one_number_format(client, province_officer):
    """Issue 18, point 9: "2.000", never "2000", on the activity page, the
    calendar and the message of a full activity."""
    day = timezone.localdate() + timedelta(days=5)
    activity = ActivityFactory(capacity=2000, starts_on=day, ends_on=day)
    client.force_login(province_officer)
    page = client.get(f"/events/{activity.pk}/").content.decode()
    places = page[page.index('id="places-left"') :]
    assert places[: places.index("</dd>")].endswith(">2.000 / 2.000")
    calendar = client.get("/events/calendar/").content.decode()
    assert "Số chỗ còn lại: 2.000</li>" in calendar
    assert "cả 2.000 chỗ" in full_message(activity)
