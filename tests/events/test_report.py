"""The report of a unit for a period: a small year of activities in Thanh Hóa
and the exact figures it must give (cancelled events, activities elsewhere or
outside the period, a cancelled registration and a double check-in are not
counted; head counts are added to the named attendances)."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from ocop.accounts.enums import Role
from ocop.events.domain.registrations import check_in
from ocop.events.domain.report import build_report
from ocop.events.domain.report_xlsx import report_xlsx
from ocop.events.domain.support import record_distribution, record_support
from ocop.events.enums import (
    ActivityKind,
    ActivityLevel,
    ActivityState,
    Audience,
    MaterialKind,
    RegistrationState,
    SupportKind,
)
from ocop.events.models import MaterialDistribution, Support
from tests.factories.accounts import user_with_role
from tests.factories.events import ActivityFactory, HeadCountFactory, RegistrationFactory
from tests.factories.geo import communes, province
from tests.factories.registry import ProductFactory, SubjectFactory

pytestmark = pytest.mark.django_db

YEAR_START, YEAR_END = date(2025, 1, 1), date(2025, 12, 31)
CHECKED = datetime(2025, 9, 15, 1, 0, tzinfo=UTC)


def _held(**kwargs):
    kwargs.setdefault("state", ActivityState.HELD)
    return ActivityFactory(**kwargs)


@pytest.fixture
def year(province_officer, subject_x, subject_y, product_x, product_y, commune_x, commune_y):
    """A small year of Thanh Hóa (2025), with records elsewhere and outside it."""
    thanh_hoa = province("38")
    ha_noi = province("01")
    officer = province_officer

    # 1. A provincial publicity conference with named participants.
    a1 = _held(
        kind=ActivityKind.PUBLICITY,
        level=ActivityLevel.PROVINCE,
        starts_on=date(2025, 3, 10),
        ends_on=date(2025, 3, 11),
        cost=Decimal(20_000_000),
    )
    twice = RegistrationFactory(activity=a1, subject=subject_x, audience=Audience.SUBJECTS)
    from_y = RegistrationFactory(activity=a1, subject=subject_y, audience=Audience.SUBJECTS)
    official = RegistrationFactory(activity=a1, audience=Audience.COMMUNE_OFFICIALS)
    RegistrationFactory(activity=a1, subject=subject_x, audience=Audience.SUBJECTS)  # absent
    RegistrationFactory(  # cancelled (even with a check-in time, it does not count)
        activity=a1,
        subject=subject_y,
        audience=Audience.SUBJECTS,
        state=RegistrationState.CANCELLED,
        checked_in_at=CHECKED,
    )
    first = [check_in(registration=r, by=officer, method="qr")[1] for r in (twice, from_y)]
    check_in(registration=official, by=officer, method="list")
    again = check_in(registration=twice, by=officer, method="list")[1]  # scanned twice
    assert first == [True, True]
    assert again is False

    # 2. A provincial publicity conference with head counts only.
    a2 = _held(
        kind=ActivityKind.PUBLICITY,
        level=ActivityLevel.PROVINCE,
        starts_on=date(2025, 6, 5),
        ends_on=date(2025, 6, 5),
        cost=Decimal(15_000_000),
    )
    HeadCountFactory(activity=a2, audience=Audience.LEADERS, count=20)
    HeadCountFactory(activity=a2, audience=Audience.COMMUNE_OFFICIALS, count=150)
    HeadCountFactory(activity=a2, audience=Audience.SUBJECTS, count=117)

    # 3. A commune training class with named attendees and a head count.
    a3 = _held(
        kind=ActivityKind.TRAINING,
        level=ActivityLevel.COMMUNE,
        province=thanh_hoa,
        commune=commune_x,
        starts_on=date(2025, 9, 15),
        ends_on=date(2025, 9, 17),
        cost=Decimal(5_000_000),
    )
    for registration in (
        RegistrationFactory(activity=a3, subject=subject_x, audience=Audience.SUBJECTS),
        RegistrationFactory(activity=a3, audience=Audience.OTHER),
    ):
        check_in(registration=registration, by=officer, method="list")
    HeadCountFactory(activity=a3, audience=Audience.SUBJECTS, count=1000)
    HeadCountFactory(activity=a3, audience=Audience.COMMUNE_OFFICIALS, count=298)

    # 4. A cancelled event with registrations (checked in before it was called off) and counts.
    a4 = ActivityFactory(
        kind=ActivityKind.TRAINING,
        state=ActivityState.CANCELLED,
        starts_on=date(2025, 4, 1),
        ends_on=date(2025, 4, 1),
        cost=Decimal(9_000_000),
    )
    RegistrationFactory(activity=a4, subject=subject_y, checked_in_at=CHECKED)
    HeadCountFactory(activity=a4, audience=Audience.SUBJECTS, count=500)

    # 5. Elsewhere, outside the period, or not (yet) held: not counted for Thanh Hóa 2025.
    a5 = _held(kind=ActivityKind.TRAINING, province=ha_noi, starts_on=date(2025, 5, 5))
    HeadCountFactory(activity=a5, audience=Audience.SUBJECTS, count=100)
    a6 = _held(
        kind=ActivityKind.PUBLICITY, starts_on=date(2024, 12, 20), ends_on=date(2024, 12, 20)
    )
    HeadCountFactory(activity=a6, audience=Audience.SUBJECTS, count=50)
    a7 = ActivityFactory(
        kind=ActivityKind.PUBLICITY, state=ActivityState.PLANNED, starts_on=date(2025, 11, 1)
    )
    HeadCountFactory(activity=a7, audience=Audience.SUBJECTS, count=40)
    a8 = ActivityFactory(
        kind=ActivityKind.PUBLICITY, state=ActivityState.OPEN, starts_on=date(2025, 11, 2)
    )
    HeadCountFactory(activity=a8, audience=Audience.SUBJECTS, count=30)

    # Materials distributed.
    for kind, quantity, day, where in (
        (MaterialKind.PANEL, 10, date(2025, 2, 1), {"province": thanh_hoa}),
        (MaterialKind.PANEL, 8, date(2025, 5, 1), {"commune": commune_x}),
        (MaterialKind.HANDBOOK, 5000, date(2025, 3, 10), {"province": thanh_hoa}),
        (MaterialKind.STAMPS, 40000, date(2025, 8, 1), {"commune": commune_y}),
        (MaterialKind.HANDBOOK, 999, date(2024, 12, 31), {"province": thanh_hoa}),
    ):
        record_distribution(by=officer, kind=kind, quantity=quantity, distributed_on=day, **where)
    MaterialDistribution.objects.create(
        kind=MaterialKind.LEAFLET, quantity=300, distributed_on=date(2025, 4, 4), province=ha_noi
    )

    # Support to subjects.
    product_x2 = ProductFactory(subject=subject_x, name="Nước mắm nhĩ Làng X")
    for subject, kind, day, extra in (
        (subject_x, SupportKind.CONNECTION, date(2025, 4, 1), {}),
        (subject_y, SupportKind.CONNECTION, date(2025, 4, 1), {}),
        (subject_x, SupportKind.CONNECTION, date(2025, 10, 1), {}),
        (subject_x, SupportKind.ECOMMERCE, date(2025, 5, 1), {"product": product_x}),
        (subject_x, SupportKind.ECOMMERCE, date(2025, 5, 1), {"product": product_x2}),
        (subject_y, SupportKind.ECOMMERCE, date(2025, 5, 2), {"product": product_y}),
        (subject_y, SupportKind.FUNDING, date(2025, 7, 1), {"value": Decimal(50_000_000)}),
        (subject_x, SupportKind.FUNDING, date(2025, 7, 1), {"value": Decimal(25_000_000)}),
        (subject_x, SupportKind.CLIP, date(2024, 12, 1), {}),  # before the period
    ):
        record_support(
            by=officer, subject=subject, kind=kind, given_on=day, provider="Sở Công Thương", **extra
        )
    ha_noi_subject = SubjectFactory(commune=communes("01", 1)[0])
    Support.objects.create(
        subject=ha_noi_subject,
        kind=SupportKind.TRACEABILITY,
        given_on=date(2025, 6, 1),
        provider="Sở NN&MT Hà Nội",
    )
    return {"province": thanh_hoa, "commune_x": commune_x}


EXPECTED_SENTENCES = [
    "Opened 1 training class at commune level with 1,300 attendances",
    "Held 2 publicity conferences at provincial level with 290 attendances",
    "2 OCOP subjects attended these activities",
    "Distributed 18 panels, 5,000 handbooks, 40,000 OCOP stamps",
    "3 products of 2 subjects listed on e-commerce platforms",
    "Funding of 75,000,000 VND for 2 subjects",
    "Supported 2 subjects to take part in supply–demand connection",
]


def test_the_report_of_a_province_for_a_year_gives_the_exact_figures(year):
    report = build_report(unit=year["province"], date_from=YEAR_START, date_to=YEAR_END)

    # Activities held by kind × level (cancelled, planned, open, elsewhere, 2024: not counted).
    rows = [
        (r.kind, r.level, r.count, r.days, r.named, r.counted, r.cost) for r in report.activities
    ]
    assert rows == [
        (ActivityKind.TRAINING, ActivityLevel.COMMUNE, 1, 3, 2, 1298, Decimal(5_000_000)),
        (ActivityKind.PUBLICITY, ActivityLevel.PROVINCE, 2, 3, 3, 287, Decimal(35_000_000)),
    ]
    assert report.activity_row(ActivityKind.PUBLICITY, ActivityLevel.PROVINCE).attendances == 290
    assert report.activity_row(ActivityKind.TRAINING, ActivityLevel.COMMUNE).attendances == 1300
    assert (report.activity_count, report.activity_days, report.activity_cost) == (
        3,
        6,
        Decimal(40_000_000),
    )

    # Attendances by audience: named (the double check-in once) + counted.
    audiences = [(r.audience, r.named, r.counted, r.total) for r in report.audiences]
    assert audiences == [
        (Audience.LEADERS, 0, 20, 20),
        (Audience.COMMUNE_OFFICIALS, 1, 448, 449),
        (Audience.SUBJECTS, 3, 1117, 1120),
        (Audience.OTHER, 1, 0, 1),
    ]
    assert (report.named, report.counted, report.attendances) == (5, 1585, 1590)
    assert report.subjects_attended == 2

    # Materials by kind (the unit's and its communes', in the period).
    assert [(r.kind, r.quantity) for r in report.materials] == [
        (MaterialKind.PANEL, 18),
        (MaterialKind.HANDBOOK, 5000),
        (MaterialKind.STAMPS, 40000),
    ]

    # Support by kind: subjects, products, records, value.
    supports = [(r.kind, r.subjects, r.products, r.records, r.value) for r in report.supports]
    assert supports == [
        (SupportKind.ECOMMERCE, 2, 3, 3, Decimal(0)),
        (SupportKind.FUNDING, 2, 0, 2, Decimal(75_000_000)),
        (SupportKind.CONNECTION, 2, 0, 3, Decimal(0)),
    ]
    assert (report.subjects_supported, report.support_records, report.support_value) == (
        2,
        8,
        Decimal(75_000_000),
    )

    # The sentences (msgids are untranslated in English: checked in locale/en).
    with translation.override("en"):
        assert report.sentences == EXPECTED_SENTENCES
    with translation.override("vi"):
        sentences = report.sentences
    assert any("1.300" in s for s in sentences)
    assert any("40.000" in s for s in sentences)


def test_a_commune_report_has_only_the_communes_records(year):
    report = build_report(unit=year["commune_x"], date_from=YEAR_START, date_to=YEAR_END)
    assert [(r.kind, r.level, r.count, r.attendances) for r in report.activities] == [
        (ActivityKind.TRAINING, ActivityLevel.COMMUNE, 1, 1300)
    ]
    assert [(r.kind, r.quantity) for r in report.materials] == [(MaterialKind.PANEL, 8)]
    supports = [(r.kind, r.subjects, r.products, r.records, r.value) for r in report.supports]
    assert supports == [
        (SupportKind.ECOMMERCE, 1, 2, 2, Decimal(0)),
        (SupportKind.FUNDING, 1, 0, 1, Decimal(25_000_000)),
        (SupportKind.CONNECTION, 1, 0, 2, Decimal(0)),
    ]
    assert report.subjects_attended == 1


def test_the_national_report_adds_the_other_provinces(year):
    report = build_report(unit=None, date_from=YEAR_START, date_to=YEAR_END)
    training = report.activity_row(ActivityKind.TRAINING, ActivityLevel.PROVINCE)
    assert (training.count, training.counted) == (1, 100)  # Hà Nội's; the cancelled one is not
    assert report.material_row(MaterialKind.LEAFLET).quantity == 300
    assert report.support_row(SupportKind.TRACEABILITY).subjects == 1
    assert report.attendances == 1690


def _sheet_rows(data: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Tổng hợp"]
    return [tuple(c for c in row if c is not None) for row in workbook["Tổng hợp"].values]


def test_the_xlsx_gives_the_same_figures(year):
    report = build_report(unit=year["province"], date_from=YEAR_START, date_to=YEAR_END)
    rows = _sheet_rows(report_xlsx(report))
    assert (
        "Loại hoạt động",
        "Cấp",
        "Số lượng",
        "Số ngày",
        "Lượt người tham dự",
        "Kinh phí (đồng)",
    ) in rows
    assert ("Lớp tập huấn", "Xã", 1, 3, 1300, 5_000_000) in rows
    assert ("Hội nghị tuyên truyền", "Tỉnh", 2, 3, 290, 35_000_000) in rows
    assert ("Tổng cộng", 3, 6, 1590, 40_000_000) in rows
    assert ("Đối tượng", "Lượt có tên", "Lượt đếm số lượng", "Tổng") in rows
    assert ("Chủ thể OCOP", 3, 1117, 1120) in rows
    assert ("Cán bộ cấp huyện, xã", 1, 448, 449) in rows
    assert ("Tổng cộng", 5, 1585, 1590) in rows
    assert ("Số chủ thể OCOP tham dự", 2) in rows
    assert ("Loại ấn phẩm", "Số lượng") in rows
    assert ("Pano, áp phích", 18) in rows
    assert ("Sổ tay", 5000) in rows
    assert ("Tem OCOP", 40000) in rows
    assert ("Hình thức hỗ trợ", "Số chủ thể", "Số sản phẩm", "Số lượt", "Giá trị (đồng)") in rows
    assert ("Đưa lên sàn thương mại điện tử", 2, 3, 3, 0) in rows
    assert ("Hỗ trợ kinh phí", 2, 0, 2, 75_000_000) in rows
    assert ("Kết nối cung cầu", 2, 0, 3, 0) in rows
    # The summary, written in Vietnamese whatever the page's language.
    summary = [r[0] for r in rows if len(r) == 1 and isinstance(r[0], str)]
    assert any("1.300" in s for s in summary)
    assert any("40.000" in s for s in summary)


def test_the_report_page_and_download(client, year, province_officer):
    client.force_login(province_officer)
    url = reverse("events:report")
    query = {"date_from": "2025-01-01", "date_to": "2025-12-31"}
    response = client.get(url, query)
    assert response.status_code == 200
    assert response.context["report"].attendances == 1590
    assert response.context["unit"] == year["province"]
    assert response.context["nav_active"] == "events"
    response = client.get(url, {**query, "unit": year["commune_x"].pk, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ("Lớp tập huấn", "Xã", 1, 3, 1300, 5_000_000) in _sheet_rows(response.content)


def test_the_report_defaults_to_the_current_calendar_year(client, province_officer):
    client.force_login(province_officer)
    response = client.get(reverse("events:report"))
    assert response.status_code == 200
    today = timezone.localdate()
    report = response.context["report"]
    assert (report.date_from, report.date_to) == (
        date(today.year, 1, 1),
        date(today.year, 12, 31),
    )


def test_a_commune_officer_asking_for_the_province_report_gets_404(client, officer_x, commune_x):
    client.force_login(officer_x)
    url = reverse("events:report")
    assert client.get(url, {"unit": province("38").pk}).status_code == 404
    assert client.get(url, {"unit": communes("38", 2)[1].pk}).status_code == 404
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["unit"] == commune_x


def test_the_unit_choices_follow_the_readers_scope(client, province_officer, officer_x):
    central = user_with_role(Role.CENTRAL_OFFICER, username="tw.officer")
    client.force_login(central)
    response = client.get(reverse("events:report"))
    assert response.context["unit"] is None
    values = [v for v, _label in response.context["form"].fields["unit"].choices]
    assert values[0] == ""
    assert len(values) == 35  # the whole country + 34 provinces
    client.force_login(province_officer)
    response = client.get(reverse("events:report"), {"unit": ""})
    choices = response.context["form"].fields["unit"].choices
    assert choices[0][0] == str(province("38").pk)
    assert str(communes("38", 1)[0].pk) in [v for v, _label in choices]
    assert str(province("01").pk) not in [v for v, _label in choices]
    client.force_login(officer_x)
    response = client.get(reverse("events:report"))
    assert [v for v, _label in response.context["form"].fields["unit"].choices] == [
        str(communes("38", 1)[0].pk)
    ]


def test_a_producer_cannot_read_the_report(client, producer_x):
    client.force_login(producer_x)
    assert client.get(reverse("events:report")).status_code == 403


def test_build_report_costs_a_fixed_number_of_queries(
    year, django_assert_num_queries, subject_x, product_x
):
    unit = year["province"]
    with django_assert_num_queries(7):
        build_report(unit=unit, date_from=YEAR_START, date_to=YEAR_END)
    # Ten times more data: the same number of queries.
    for n in range(10):
        activity = _held(
            kind=ActivityKind.CONFERENCE,
            starts_on=date(2025, 1 + n, 3),
            ends_on=date(2025, 1 + n, 4),
        )
        for audience in (Audience.SUBJECTS, Audience.CONSULTANTS):
            HeadCountFactory(activity=activity, audience=audience, count=10)
        RegistrationFactory(activity=activity, subject=subject_x, checked_in_at=CHECKED)
        MaterialDistribution.objects.create(
            kind=MaterialKind.LEAFLET, quantity=5, distributed_on=date(2025, 2, 2), province=unit
        )
        Support.objects.create(
            subject=subject_x,
            product=product_x,
            kind=SupportKind.BOOTH,
            given_on=date(2025, 3, 3),
            provider="Sở Công Thương",
        )
    with django_assert_num_queries(7):
        report = build_report(unit=unit, date_from=YEAR_START, date_to=YEAR_END)
    conference = report.activity_row(ActivityKind.CONFERENCE, ActivityLevel.PROVINCE)
    assert (conference.count, conference.days, conference.attendances) == (10, 20, 210)
    assert report.support_row(SupportKind.BOOTH).records == 10


def test_the_sentences_agree_in_number_with_each_figure():
    from ocop.events.domain.report import ActivityRow, Report, SupportRow, summary_sentences

    report = Report(
        unit=None,
        date_from=YEAR_START,
        date_to=YEAR_END,
        activities=[ActivityRow(ActivityKind.TRAINING, ActivityLevel.PROVINCE, count=2, named=1)],
        supports=[SupportRow(SupportKind.ECOMMERCE, subjects=1, products=3)],
    )
    with translation.override("en"):
        assert summary_sentences(report) == [
            "Opened 2 training classes at provincial level with 1 attendance",
            "3 products of 1 subject listed on e-commerce platforms",
        ]
