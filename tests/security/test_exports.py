"""Formula injection: every XLSX and CSV the platform writes carries user text
that starts with = + - @ (or a tab / carriage return) as text with a leading
apostrophe, never as a formula. Each export is read back: with openpyxl (no
cell of type formula anywhere; the user's text is the escaped string) or with
the csv module."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ocop.criteria.domain.excel import export_sheet_xlsx
from ocop.criteria.models import Sheet
from ocop.evaluation.domain.documents import results_workbook
from ocop.events.domain.history import subjects_without_training, untrained_xlsx
from ocop.events.domain.report import build_report
from ocop.events.domain.report_xlsx import report_xlsx
from ocop.events.domain.support import record_support
from ocop.events.enums import ActivityKind, ActivityState, SupportKind
from ocop.producers.models import Subject
from ocop.registry.domain import exporting
from tests.factories.evaluation import council_with_members, open_session
from tests.factories.events import ActivityFactory
from tests.factories.geo import province
from tests.factories.registry import ProductFactory, SubjectFactory

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://x")', "+1", "-1+1", "@SUM(1)", "\t=1"]


def escaped(value: str) -> str:
    return "'" + value


def workbook_cells(data: bytes) -> list:
    workbook = load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(data: bytes) -> list:
    cells = workbook_cells(data)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    return [c.value for c in cells]


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def hostile_subject(commune_x):
    def make(payload: str) -> Subject:
        return SubjectFactory(
            commune=commune_x,
            name=payload,
            representative=payload,
            phone=payload,
            address=payload,
            legacy_address=payload,
        )

    return make


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_product_export_escapes_formulas(client, province_officer, hostile_subject, payload, kind):
    ProductFactory(subject=hostile_subject(payload), name=payload)
    client.force_login(province_officer)
    response = client.get(reverse("registry_export:products"), {"export": kind})
    assert response.status_code == 200
    if kind == "xlsx":
        values = assert_no_formula(response.content)
        assert values.count(escaped(payload)) == 3  # product, subject, address
        assert payload not in values
    else:
        row = csv_rows(response.content)[1]
        assert row[1:3] == [escaped(payload), escaped(payload)]
        assert row[5] == escaped(payload)


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_subject_export_escapes_formulas(client, province_officer, hostile_subject, payload, kind):
    hostile_subject(payload)
    client.force_login(province_officer)
    response = client.get(reverse("registry_export:subjects"), {"export": kind})
    assert response.status_code == 200
    if kind == "xlsx":
        values = assert_no_formula(response.content)
        # name, representative, phone, address, pre-2025 address
        assert values.count(escaped(payload)) == 5
        assert payload not in values
    else:
        row = next(r for r in csv_rows(response.content)[1:] if r[1] == escaped(payload))
        assert [row[1], row[4], row[5], row[7], row[10]] == [escaped(payload)] * 5


def test_the_export_functions_escape_directly_too(hostile_subject):
    """The same for the functions behind the views (used by other callers)."""
    subject = hostile_subject("=1+1")
    ProductFactory(subject=subject, name="@SUM(1)")
    products = subject.products.all()
    assert "'@SUM(1)" in assert_no_formula(exporting.export_products_xlsx(products))
    assert csv_rows(exporting.export_products_csv(products))[1][1] == "'@SUM(1)"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_evaluation_results_workbook_escapes_formulas(province_officer, hostile_subject, payload):
    product = ProductFactory(subject=hostile_subject(payload), name=payload)
    council, _members = council_with_members(officer=province_officer, members=3)
    session = open_session(officer=province_officer, council=council, products=[product])
    values = assert_no_formula(results_workbook(session=session))
    assert escaped(payload) in values
    assert payload not in values


@pytest.mark.parametrize("payload", PAYLOADS)
def test_untrained_subjects_workbook_escapes_formulas(hostile_subject, payload):
    subject = hostile_subject(payload)
    today = timezone.localdate()
    subjects = subjects_without_training(
        Subject.objects.filter(pk=subject.pk), years=3, today=today
    )
    values = assert_no_formula(untrained_xlsx(subjects, years=3, today=today))
    assert values.count(escaped(payload)) == 3  # name, representative, phone
    assert payload not in values


@pytest.mark.parametrize("payload", PAYLOADS)
def test_events_report_workbook_has_no_formula(
    province_officer, hostile_subject, product_x, payload
):
    """The report shows figures and our own wording; user text (an activity's
    title, a supported subject's name) must not turn into a formula either."""
    day = date(2025, 9, 15)
    activity = ActivityFactory(
        title=payload,
        organiser=payload,
        place=payload,
        kind=ActivityKind.TRAINING,
        state=ActivityState.HELD,
        starts_on=day,
        ends_on=day + timedelta(days=1),
    )
    record_support(
        by=province_officer,
        subject=hostile_subject(payload),
        kind=SupportKind.CONSULTING,
        given_on=day,
        provider=payload,
        activity=activity,
    )
    report = build_report(
        unit=province("38"), date_from=date(2025, 1, 1), date_to=date(2025, 12, 31)
    )
    values = assert_no_formula(report_xlsx(report))
    assert payload not in values


@pytest.mark.parametrize("payload", PAYLOADS)
def test_criteria_sheet_workbook_escapes_formulas(payload):
    sheet = Sheet.objects.order_by("pk").first()
    # Set up a sheet whose texts look like formulas (loaded sheets are data).
    Sheet.objects.filter(pk=sheet.pk).update(title=payload, note=payload)
    sheet.refresh_from_db()
    values = assert_no_formula(export_sheet_xlsx(sheet))
    assert values.count(escaped(payload)) == 2
    assert payload not in values
