import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ocop.core.models import ActivityLog
from ocop.producers.domain.subjects import (
    create_subject,
    find_similar_subjects,
    update_subject,
)
from ocop.producers.enums import LegalForm
from ocop.producers.models import Subject
from ocop.producers.validators import normalise_registration_number
from tests.factories.geo import communes

pytestmark = pytest.mark.django_db


def _data(commune, **extra):
    return {
        "name": "Hợp tác xã Chè Đồng Xanh",
        "legal_form": LegalForm.COOPERATIVE,
        "registration_number": "2801112223",
        "commune": commune,
        **extra,
    }


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        (" 2801112223 ", "2801112223"),
        ("2801112223001", "2801112223-001"),
        ("2801112223-001", "2801112223-001"),
        ("28a8 012345", "28A8012345"),
    ],
)
def test_registration_numbers_are_normalised(raw, normalised):
    assert normalise_registration_number(raw) == normalised


@pytest.mark.parametrize("number", ["280111222", "28011122234", "2801112223-01", "ABCDEFGHIJ"])
def test_enterprise_registration_number_format_is_checked(officer_x, commune_x, number):
    with pytest.raises(ValidationError) as error:
        create_subject(by=officer_x, data=_data(commune_x, registration_number=number))
    assert "registration_number" in error.value.message_dict
    assert not Subject.objects.filter(name="Hợp tác xã Chè Đồng Xanh").exists()


def test_household_may_use_household_registration_number(officer_x, commune_x):
    subject = create_subject(
        by=officer_x,
        data=_data(commune_x, legal_form=LegalForm.HOUSEHOLD, registration_number="28A8012345"),
    )
    assert subject.registration_number == "28A8012345"


def test_same_registration_number_is_refused(officer_x, commune_x, subject_x):
    with pytest.raises(ValidationError) as error:
        create_subject(
            by=officer_x, data=_data(commune_x, registration_number=subject_x.registration_number)
        )
    assert error.value.message_dict["registration_number"] == [
        "Đã có chủ thể với số đăng ký kinh doanh này."
    ]


def test_similar_name_in_same_commune_is_found(commune_x, subject_x):
    similar = find_similar_subjects(name="HTX nước mắm làng X", commune=commune_x)
    assert similar == [subject_x]


def test_similar_name_in_other_commune_is_not_a_duplicate(commune_y, subject_x):
    assert find_similar_subjects(name="HTX nước mắm làng X", commune=commune_y) == []


def test_create_subject_sets_province_and_logs(officer_x, commune_x):
    subject = create_subject(by=officer_x, data=_data(commune_x, led_by_woman=True))
    assert subject.province_id == commune_x.province_id
    entry = ActivityLog.objects.get(action="ocop.subject.created", object_id=str(subject.pk))
    assert entry.actor == officer_x


def test_commune_officer_cannot_register_in_another_commune(officer_x, commune_y):
    with pytest.raises(PermissionDenied):
        create_subject(by=officer_x, data=_data(commune_y))
    assert not Subject.objects.exists()


def test_producer_edits_own_subject_and_change_is_logged(producer_x, subject_x):
    update_subject(by=producer_x, subject=subject_x, data={"phone": "0912345678"})
    subject_x.refresh_from_db()
    assert subject_x.phone == "0912345678"
    entry = ActivityLog.objects.get(action="ocop.subject.changed")
    assert entry.data == {"phone": ["", "0912345678"]}


def test_producer_cannot_edit_another_subject(producer_x, subject_y):
    with pytest.raises(PermissionDenied):
        update_subject(by=producer_x, subject=subject_y, data={"phone": "0912345678"})


def test_local_labour_share_above_100_is_refused(officer_x, commune_x):
    with pytest.raises(ValidationError) as error:
        create_subject(by=officer_x, data=_data(commune_x, local_labour_share=120))
    assert "local_labour_share" in error.value.message_dict


def test_form_warns_about_similar_name_before_saving(client, officer_x, subject_x, commune_x):
    client.force_login(officer_x)
    form = {
        "name": "HTX Nước mắm Làng X",
        "legal_form": LegalForm.COOPERATIVE,
        "registration_number": "2809990001",
        "commune": commune_x.pk,
    }
    response = client.post("/subjects/new/", form)
    assert response.status_code == 200
    assert "similar-warning" in response.content.decode()
    assert Subject.objects.count() == 1
    response = client.post("/subjects/new/", {**form, "confirm_similar": "on"})
    assert response.status_code == 302
    assert Subject.objects.count() == 2


def test_form_keeps_typed_values_on_error(client, officer_x, commune_x):
    client.force_login(officer_x)
    response = client.post(
        "/subjects/new/",
        {
            "name": "Cơ sở Bánh Gai Tứ Trụ",
            "legal_form": LegalForm.COOPERATIVE,
            "registration_number": "123",
            "commune": commune_x.pk,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Cơ sở Bánh Gai Tứ Trụ"' in html
    assert "10 chữ số" in html


def test_subjects_list_filters_by_legal_form(client, province_officer, subject_x, subject_y):
    client.force_login(province_officer)
    html = client.get("/subjects/", {"legal_form": LegalForm.COOPERATIVE}).content.decode()
    assert subject_x.name in html
    assert subject_y.name in html  # factory default is HTX
    subject_y.legal_form = LegalForm.LLC_MULTI
    subject_y.save()
    html = client.get("/subjects/", {"legal_form": LegalForm.COOPERATIVE}).content.decode()
    assert subject_y.name not in html


def test_subject_list_query_count_does_not_grow(
    client, django_assert_max_num_queries, province_officer, commune_x
):
    from tests.factories.registry import SubjectFactory

    client.force_login(province_officer)
    SubjectFactory.create_batch(2, commune=commune_x)
    with django_assert_max_num_queries(20) as baseline:
        client.get("/subjects/")
    SubjectFactory.create_batch(25, commune=communes("38", 5)[4])
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        client.get("/subjects/")
