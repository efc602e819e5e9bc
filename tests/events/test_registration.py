"""Registering for an activity: online by a producer (through the page), by an
officer; a second registration of the same person is refused politely and the
first is kept; a full activity refuses with a clear message; planned,
cancelled, private and past activities refuse online registration. The
registrant's page shows a QR code that scanners read as the check-in URL."""

import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from ocop.accounts.enums import Role
from ocop.core.models import ActivityLog, Notification
from ocop.core.qr import qr_png_bytes, qr_svg_data_uri
from ocop.events.domain.registrations import (
    cancel_registration,
    check_in,
    default_audience,
    register,
    register_online,
)
from ocop.events.enums import (
    ActivityState,
    Audience,
    CheckInMethod,
    RegistrationChannel,
    RegistrationState,
)
from ocop.events.models import Registration
from tests.factories.accounts import user_with_role
from tests.factories.events import ActivityFactory, RegistrationFactory
from tests.factories.geo import communes
from tests.factories.registry import SubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client, settings):
    translation.activate("en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def activity():
    return ActivityFactory(title="Tập huấn kỹ năng bán hàng trực tuyến", capacity=30)


@pytest.fixture
def producer(producer_x):
    producer_x.full_name = "Lê Thị Mai"
    producer_x.phone = "0912 345 678"
    producer_x.save()
    return producer_x


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# Online, through the page -------------------------------------------------------------


def test_a_producer_registers_online_from_the_page(client, activity, producer, subject_x):
    client.force_login(producer)
    page = client.get(reverse("events:register", args=[activity.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    assert (form["full_name"].value(), form["phone"].value(), form["audience"].value()) == (
        "Lê Thị Mai",
        "0912 345 678",
        Audience.SUBJECTS,
    )
    assert "subject" not in form.fields  # one subject: taken as the producer's
    response = client.post(
        reverse("events:register", args=[activity.pk]),
        {
            "full_name": "Lê Thị Mai",
            "phone": "0912 345 678",
            "email": "mai@example.vn",
            "organisation": "HTX Nước mắm Làng X",
            "audience": Audience.SUBJECTS,
        },
    )
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:registration", args=[registration.token])
    assert (
        registration.user,
        registration.subject,
        registration.channel,
        registration.state,
        registration.person_key,
        registration.registered_by,
    ) == (
        producer,
        subject_x,
        RegistrationChannel.ONLINE,
        RegistrationState.REGISTERED,
        f"user:{producer.pk}",
        producer,
    )
    assert list(ActivityLog.objects.values_list("action", "object_id")) == [
        ("ocop.registration.created", str(registration.pk))
    ]
    (note,) = Notification.objects.filter(user=producer)
    assert note.url == reverse("events:registration", args=[registration.token])


def test_the_same_person_twice_is_refused_politely_and_the_first_is_kept(
    client, activity, producer, english
):
    first = register_online(activity=activity, by=producer)
    client.force_login(producer)
    # The page says they are registered and offers no form.
    page = client.get(reverse("events:register", args=[activity.pk]))
    assert page.context["mine"] == first
    assert 'id="register-form"' not in page.content.decode()
    # Posting anyway (a second tab): refused with the date, nothing changes.
    response = client.post(
        reverse("events:register", args=[activity.pk]),
        {"full_name": "Lê T. Mai", "phone": "0999 999 999", "audience": Audience.SUBJECTS},
    )
    assert response.status_code == 200
    (error,) = response.context["form"].non_field_errors()
    day = timezone.localdate().strftime("%d/%m/%Y")
    assert error == (
        f"Lê Thị Mai has already registered for this activity (on {day}). That registration "
        "is kept: there is no need to register again."
    )
    assert 'value="Lê T. Mai"' in response.content.decode()  # input kept
    assert list(Registration.objects.values_list("pk", "full_name", "state")) == [
        (first.pk, "Lê Thị Mai", RegistrationState.REGISTERED)
    ]


def test_an_officer_registering_the_same_phone_is_refused(activity, producer, province_officer):
    first = register_online(activity=activity, by=producer)
    with pytest.raises(ValidationError) as refused:
        register(
            activity=activity,
            by=province_officer,
            full_name="Mai Lê",
            phone="+84 912345678",
            audience=Audience.SUBJECTS,
            channel=RegistrationChannel.OFFICER,
        )
    assert refused.value.code == "duplicate"
    assert "Lê Thị Mai" in refused.value.messages[0]
    # The same e-mail, written differently, is the same person too.
    with pytest.raises(ValidationError):
        register(
            activity=activity,
            by=province_officer,
            full_name="Someone",
            email=producer.email.upper(),
            audience=Audience.SUBJECTS,
            channel=RegistrationChannel.OFFICER,
        )
    assert list(Registration.objects.all()) == [first]


def test_a_cancelled_registration_does_not_block_registering_again(activity, producer):
    first = register_online(activity=activity, by=producer)
    cancel_registration(registration=first, by=producer)
    second = register_online(activity=activity, by=producer)
    assert sorted(Registration.objects.values_list("pk", "state")) == [
        (first.pk, RegistrationState.CANCELLED),
        (second.pk, RegistrationState.REGISTERED),
    ]


def test_a_full_activity_refuses_with_a_clear_message(client, producer, english):
    activity = ActivityFactory(capacity=2)
    RegistrationFactory.create_batch(2, activity=activity)
    RegistrationFactory(activity=activity, state=RegistrationState.CANCELLED)  # not counted
    client.force_login(producer)
    page = client.get(reverse("events:register", args=[activity.pk]))
    assert page.context["why_not"] == "This activity is full: all 2 places are taken."
    response = client.post(
        reverse("events:register", args=[activity.pk]),
        {"full_name": "Lê Thị Mai", "audience": Audience.SUBJECTS},
    )
    assert response.context["form"].non_field_errors() == [
        "This activity is full: all 2 places are taken."
    ]
    assert activity.registrations.filter(user=producer).count() == 0


def test_a_freed_place_can_be_taken(producer, province_officer):
    activity = ActivityFactory(capacity=1)
    taken = RegistrationFactory(activity=activity)
    with pytest.raises(ValidationError) as full:
        register_online(activity=activity, by=producer)
    assert full.value.code == "full"
    cancel_registration(registration=taken, by=province_officer)
    assert register_online(activity=activity, by=producer).state == RegistrationState.REGISTERED


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"state": ActivityState.PLANNED}, "Registration for this activity is not open."),
        (
            {"state": ActivityState.CANCELLED},
            "This activity has been cancelled: no one can register for it.",
        ),
        (
            {"is_public": False},
            "This activity is not open to online registration; ask its organiser.",
        ),
        ({"days_ago": 3}, "This activity is over: registration is closed."),
    ],
)
def test_online_registration_is_refused_when_not_open(producer, changes, message):
    days_ago = changes.pop("days_ago", None)
    if days_ago:
        start = timezone.localdate() - timedelta(days=days_ago)
        changes.update(starts_on=start, ends_on=start + timedelta(days=1))
    activity = ActivityFactory(**changes)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        register_online(activity=activity, by=producer)
    assert refused.value.messages == [message]
    assert Registration.objects.count() == 0


def test_a_private_activity_is_404_on_the_register_page_for_outsiders(client, producer):
    activity = ActivityFactory(is_public=False)
    client.force_login(producer)
    assert client.get(reverse("events:register", args=[activity.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, activity):
    url = reverse("events:register", args=[activity.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?next={url}")


def test_an_officer_registers_only_for_activities_of_their_unit(activity, officer_x):
    with pytest.raises(PermissionDenied):
        register(
            activity=activity,
            by=officer_x,
            full_name="Phạm Văn Bình",
            audience=Audience.COMMUNE_OFFICIALS,
            channel=RegistrationChannel.OFFICER,
        )


def test_the_officer_adds_a_participant_with_a_subject_from_the_list_page(
    client, activity, province_officer, subject_x, english
):
    client.force_login(province_officer)
    url = reverse("events:participants", args=[activity.pk])
    response = client.post(
        url,
        {
            "full_name": "Phạm Văn Bình",
            "phone": "0987654321",
            "audience": Audience.SUBJECTS,
            "subject_number": subject_x.registration_number,
        },
    )
    assert response.status_code == 302
    added = Registration.objects.get()
    assert (added.subject, added.channel, added.user, added.registered_by) == (
        subject_x,
        RegistrationChannel.OFFICER,
        None,
        province_officer,
    )
    # Unknown number: the form says so and keeps the input.
    response = client.post(
        url, {"full_name": "Hà Văn C", "audience": Audience.SUBJECTS, "subject_number": "999"}
    )
    assert response.context["form"].errors == {
        "subject_number": ["No subject in your area has the number 999."]
    }
    # A subject outside the officer's area is refused by the domain too.
    other = SubjectFactory(commune=communes("01", 1)[0])
    with pytest.raises(ValidationError) as refused:
        register(
            activity=activity,
            by=province_officer,
            full_name="Hà Văn C",
            audience=Audience.SUBJECTS,
            subject=other,
            channel=RegistrationChannel.OFFICER,
        )
    assert list(refused.value.message_dict) == ["subject"]


def test_a_producer_cannot_register_for_someone_elses_subject(activity, producer, subject_y):
    with pytest.raises(ValidationError) as refused:
        register_online(activity=activity, by=producer, subject=subject_y)
    assert list(refused.value.message_dict) == ["subject"]


def test_a_producer_of_two_subjects_chooses_one(activity, subject_x, subject_y):
    from ocop.accounts.models import RoleAssignment

    producer = user_with_role(Role.PRODUCER, subject=subject_x)
    RoleAssignment.objects.create(user=producer, role=Role.PRODUCER, subject=subject_y)
    with pytest.raises(ValidationError) as refused:
        register_online(activity=activity, by=producer)
    assert list(refused.value.message_dict) == ["subject"]
    assert register_online(activity=activity, by=producer, subject=subject_y).subject == subject_y


def test_the_audience_follows_the_role(commune_x, province_officer, officer_x):
    consultant = user_with_role(Role.CONSULTANT)
    council = user_with_role(Role.COUNCIL_MEMBER)
    nobody = user_with_role(Role.INSPECTOR)
    assert [default_audience(u) for u in (consultant, officer_x, province_officer, council)] == [
        Audience.CONSULTANTS,
        Audience.COMMUNE_OFFICIALS,
        Audience.PROVINCE_OFFICIALS,
        Audience.ADVISORY,
    ]
    assert default_audience(nobody) == Audience.OTHER


# Cancelling -------------------------------------------------------------------------------


def test_the_person_cancels_from_their_page_but_not_after_check_in(
    client, activity, producer, province_officer
):
    registration = register_online(activity=activity, by=producer)
    client.force_login(producer)
    response = client.post(reverse("events:registration_cancel", args=[registration.token]))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.state == RegistrationState.CANCELLED
    assert ActivityLog.objects.filter(action="ocop.registration.cancelled").count() == 1

    again = register_online(activity=activity, by=producer)
    check_in(registration=again, by=province_officer, method=CheckInMethod.LIST)
    with pytest.raises(ValidationError):
        cancel_registration(registration=again, by=province_officer)


def test_someone_else_cannot_cancel(activity, producer, subject_y):
    registration = register_online(activity=activity, by=producer)
    stranger = user_with_role(Role.PRODUCER, subject=subject_y)
    with pytest.raises(PermissionDenied):
        cancel_registration(registration=registration, by=stranger)


# The registrant's page and its QR code --------------------------------------------------


def test_the_registrants_page_shows_a_scannable_qr_code_of_the_check_in_url(
    client, activity, producer
):
    from PIL import Image
    from pyzbar.pyzbar import decode

    registration = register_online(activity=activity, by=producer)
    client.force_login(producer)
    html = client.get(reverse("events:registration", args=[registration.token])).content.decode()
    expected = settings.SITE_URL.rstrip("/") + f"/events/check-in/{registration.token}/"
    (src,) = re.findall(r'<img src="([^"]+)"[^>]*id="registration-qr"', html)
    # cairosvg is not installed: the page's image is the same input → the same SVG,
    # and the same URL rendered as PNG decodes back with zbar.
    assert src == qr_svg_data_uri(expected)
    image = Image.open(io.BytesIO(qr_png_bytes(expected)))
    assert [s.data.decode() for s in decode(image)] == [expected]
    groups = " ".join(registration.token[i : i + 4] for i in range(0, 20, 4))
    assert groups in html


def test_the_registrants_page_is_404_for_others(client, activity, producer, subject_y, officer_x):
    registration = register_online(activity=activity, by=producer)
    url = reverse("events:registration", args=[registration.token])
    for outsider in (user_with_role(Role.PRODUCER, subject=subject_y), officer_x):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_my_registrations(client, producer, django_assert_max_num_queries):
    for _ in range(3):
        register_online(activity=ActivityFactory(), by=producer)
    client.force_login(producer)
    client.get(reverse("events:mine"))  # warm the session
    with django_assert_max_num_queries(8):
        page = client.get(reverse("events:mine"))
    assert len(page.context["page"].object_list) == 3
    for _ in range(5):
        register_online(activity=ActivityFactory(), by=producer)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("events:mine"))
    assert len(page.context["page"].object_list) == 8


def test_the_participant_list_has_no_n_plus_one(
    client, activity, province_officer, subject_x, django_assert_max_num_queries
):
    RegistrationFactory.create_batch(3, activity=activity, subject=subject_x)
    client.force_login(province_officer)
    url = reverse("events:participants", args=[activity.pk])
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    RegistrationFactory.create_batch(20, activity=activity, subject=subject_x)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.context["counts"]["registered"] == 23


def test_the_participant_pages_are_404_outside_the_officers_unit(client, activity, officer_x):
    client.force_login(officer_x)
    for name in ("participants", "checkin", "import", "head_counts", "certificates"):
        assert client.get(reverse(f"events:{name}", args=[activity.pk])).status_code == 404, name


def test_an_officer_registration_is_linked_to_the_account_with_that_email(
    activity, producer, province_officer
):
    registration = register(
        activity=activity,
        by=province_officer,
        full_name="Lê Thị Mai",
        email=f"  {producer.email.upper()} ",
        audience=Audience.SUBJECTS,
        channel=RegistrationChannel.OFFICER,
    )
    assert registration.user == producer
    assert Notification.objects.filter(user=producer, url__contains=registration.token).exists()
    # Without an e-mail, or with one no account has, no account is linked.
    other = register(
        activity=activity,
        by=province_officer,
        full_name="Hoàng Văn Nam",
        email="nam@khong-co-tai-khoan.vn",
        audience=Audience.OTHER,
        channel=RegistrationChannel.OFFICER,
    )
    assert other.user is None
