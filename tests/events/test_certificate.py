"""Participation certificates: real PDFs read back with pypdf, with the
person, the activity and our own number; refused for someone who did not
attend; the page links to it only once the person attended."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from ocop.events.domain.certificates import render_certificate, render_certificates
from ocop.events.domain.registrations import check_in
from ocop.events.enums import CheckInMethod
from ocop.events.models import Topic
from tests.factories.events import ActivityFactory, RegistrationFactory
from tests.pdffonts import not_embedded, pdf_fonts

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def page_count(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def activity():
    activity = ActivityFactory(
        title="Tập huấn thiết kế bao bì, nhãn mác sản phẩm OCOP",
        starts_on=date(2025, 11, 3),
        ends_on=date(2025, 11, 4),
        place="Hội trường Sở Nông nghiệp và Môi trường",
    )
    activity.topics.set(Topic.objects.all()[:1])
    return activity


@pytest.fixture
def attended(activity, province_officer, producer_x, subject_x):
    registration = RegistrationFactory(
        activity=activity,
        user=producer_x,
        full_name="Hoàng Thị Lan",
        organisation="HTX Nước mắm Làng X",
        subject=subject_x,
    )
    check_in(registration=registration, by=province_officer, method=CheckInMethod.QR)
    return registration


def test_the_certificate_shows_the_person_and_the_activity(attended, activity):
    pdf = render_certificate(attended)
    text = pdf_text(pdf)
    assert page_count(pdf) == 1
    for expected in (
        "GIẤY CHỨNG NHẬN",
        "Hoàng Thị Lan",
        "HTX Nước mắm Làng X",
        "đã tham gia lớp tập huấn",
        "Tập huấn thiết kế bao bì, nhãn mác sản phẩm OCOP",
        "từ ngày 03/11/2025 đến ngày 04/11/2025",
        "Hội trường Sở Nông nghiệp và Môi trường",
        f"Số: {activity.pk}-{attended.pk}/2025/GCN-OCOP",
        "ngày 04 tháng 11 năm 2025",
        activity.topics.get().name,
    ):
        assert expected in text, expected


def test_no_certificate_for_someone_who_did_not_attend(activity, province_officer):
    absent = RegistrationFactory(activity=activity)
    with pytest.raises(ValidationError):
        render_certificate(absent)
    with pytest.raises(ValidationError):
        render_certificates(activity)


def test_all_attendees_in_one_pdf(activity, attended, province_officer):
    other = RegistrationFactory(activity=activity, full_name="Bùi Văn Nam")
    check_in(registration=other, by=province_officer, method=CheckInMethod.LIST)
    RegistrationFactory(activity=activity, full_name="Người Vắng Mặt")
    pdf = render_certificates(activity)
    assert page_count(pdf) == 2
    reader = PdfReader(io.BytesIO(pdf))
    assert "Bùi Văn Nam" in reader.pages[0].extract_text()
    assert "Hoàng Thị Lan" in reader.pages[1].extract_text()
    assert "Người Vắng Mặt" not in pdf_text(pdf)


def test_the_pages_serve_the_pdf_to_the_person_and_managers_only(
    client, activity, attended, producer_x, province_officer, officer_x
):
    url = reverse("events:certificate", args=[attended.token])
    client.force_login(producer_x)
    page = client.get(reverse("events:registration", args=[attended.token]))
    assert url in page.content.decode()
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert "Hoàng Thị Lan" in pdf_text(response.content)
    client.force_login(officer_x)
    assert client.get(url).status_code == 404
    assert client.get(reverse("events:certificates", args=[activity.pk])).status_code == 404
    client.force_login(province_officer)
    response = client.get(reverse("events:certificates", args=[activity.pk]))
    assert (response.status_code, page_count(response.content)) == (200, 1)


def test_the_page_refuses_a_certificate_before_check_in(client, activity, producer_x):
    registration = RegistrationFactory(activity=activity, user=producer_x)
    client.force_login(producer_x)
    page = client.get(reverse("events:registration", args=[registration.token]))
    assert reverse("events:certificate", args=[registration.token]) not in page.content.decode()
    response = client.get(reverse("events:certificate", args=[registration.token]))
    assert response.status_code == 302


def test_the_certificate_embeds_every_font_in_liberation_serif(attended):
    pdf = render_certificate(attended)
    assert not_embedded(pdf) == []
    assert "LiberationSerif" in {font["plain"] for font in pdf_fonts(pdf)}
