"""Importing participants from Excel: a good file (with a title above the
header) registers everyone; a file with one bad row saves nothing and names
the row and the column; a PDF renamed .xlsx is refused; the template
downloads with its headers and reads back."""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from ocop.core.models import ActivityLog
from ocop.events.domain.importing import import_registrations
from ocop.events.domain.registrations import register_online
from ocop.events.enums import Audience, RegistrationChannel
from ocop.events.models import Registration
from tests.factories.events import ActivityFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "STT",
    "Họ và tên",
    "Số điện thoại",
    "Cơ quan, đơn vị",
    "Chức vụ",
    "Đối tượng",
    "Mã số thuế",
]


def xlsx(rows, *, title=True, name="danh-sach.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append(["DANH SÁCH ĐẠI BIỂU DỰ HỘI NGHỊ TẬP HUẤN OCOP"])
        sheet.append([])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def activity():
    return ActivityFactory(
        target_groups=[Audience.SUBJECTS, Audience.COMMUNE_OFFICIALS], capacity=10
    )


@pytest.fixture
def good_rows(subject_x):
    return [
        [1, "Nguyễn Văn An", "0912 000 001", "UBND xã X", "Công chức", "Cán bộ xã", None],
        [
            2,
            "Trần Thị Bình",
            912000002,
            subject_x.name,
            "Giám đốc",
            "Chủ thể",
            subject_x.registration_number,
        ],
        [3, "Lê Văn Cường", "0912000003", "Công ty Tư vấn", "", "tư vấn", None],
        [None, None, None, None, None, None, None],  # an empty line is skipped
    ]


def test_a_good_file_registers_everyone(activity, province_officer, subject_x, good_rows):
    created = import_registrations(activity=activity, by=province_officer, upload=xlsx(good_rows))
    assert len(created) == 3
    rows = list(
        Registration.objects.order_by("full_name").values_list(
            "full_name", "phone", "organisation", "audience", "subject", "channel"
        )
    )
    assert rows == [
        ("Lê Văn Cường", "0912000003", "Công ty Tư vấn", Audience.CONSULTANTS, None, "import"),
        (
            "Nguyễn Văn An",
            "0912 000 001",
            "Công chức, UBND xã X",
            Audience.COMMUNE_OFFICIALS,
            None,
            "import",
        ),
        (
            "Trần Thị Bình",
            "0912000002",
            f"Giám đốc, {subject_x.name}",
            Audience.SUBJECTS,
            subject_x.pk,
            "import",
        ),
    ]
    (entry,) = ActivityLog.objects.filter(action="ocop.registration.imported")
    assert (entry.data["count"], entry.object_id) == (3, str(activity.pk))


@pytest.mark.parametrize(
    ("bad", "row", "column"),
    [
        ([4, "Phạm Thị Dung", "0912000004", "", "", "khách mời VIP", None], 7, "Đối tượng"),
        ([4, "Phạm Thị Dung", "0912000004", "", "", "Chủ thể", "0109999999"], 7, "Mã số thuế"),
        ([4, "Phạm Thị Dung", "+84 912 000 001", "", "", "Chủ thể", None], 7, "Số điện thoại"),
        ([4, "Phạm Thị Dung", "12ab", "", "", "Chủ thể", None], 7, "Số điện thoại"),
        ([4, "", "0912000004", "", "", "Chủ thể", None], 7, "Họ và tên"),
    ],
)
def test_one_bad_row_saves_nothing_and_names_row_and_column(
    activity, province_officer, good_rows, bad, row, column
):
    # Title (row 1), blank (2), header (3): the data start at row 4; the bad one is row 7.
    rows = [*good_rows[:3], bad]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        import_registrations(activity=activity, by=province_officer, upload=xlsx(rows))
    (message,) = refused.value.messages
    assert message.startswith(f"Row {row}, column {column}: "), message
    assert Registration.objects.count() == 0
    assert not ActivityLog.objects.filter(action="ocop.registration.imported").exists()


def test_every_error_is_listed(activity, province_officer, good_rows):
    rows = [
        *good_rows[:3],
        [4, "Phạm Thị Dung", "0912 000 002", "", "", "Chủ thể", None],
        [5, "Vũ Văn Em", "", "", "", "người ngoài hành tinh", None],
    ]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        import_registrations(activity=activity, by=province_officer, upload=xlsx(rows))
    assert [m.split(":")[0] for m in refused.value.messages] == [
        "Row 7, column Số điện thoại",
        "Row 8, column Đối tượng",
    ]
    assert refused.value.messages[0] == "Row 7, column Số điện thoại: the same person as row 5."


def test_someone_already_registered_is_a_row_error(
    activity, province_officer, producer_x, good_rows
):
    producer_x.phone = "0912000003"
    producer_x.save()
    register_online(activity=activity, by=producer_x)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        import_registrations(activity=activity, by=province_officer, upload=xlsx(good_rows))
    (message,) = refused.value.messages
    assert message.startswith("Row 6, column Số điện thoại: ")
    assert producer_x.full_name in message
    assert Registration.objects.filter(channel=RegistrationChannel.IMPORT).count() == 0


def test_more_people_than_places_is_an_error(province_officer, good_rows):
    activity = ActivityFactory(capacity=2, target_groups=[Audience.SUBJECTS])
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        import_registrations(activity=activity, by=province_officer, upload=xlsx(good_rows))
    assert refused.value.messages == [
        "The list has 3 participants but only 2 of the 2 places are left."
    ]


def test_a_pdf_renamed_xlsx_is_refused(activity, province_officer):
    fake = SimpleUploadedFile("danh-sach.xlsx", b"%PDF-1.7\n1 0 obj <<>> endobj\n")
    with pytest.raises(ValidationError) as refused:
        import_registrations(activity=activity, by=province_officer, upload=fake)
    assert refused.value.code == "content_mismatch"
    assert Registration.objects.count() == 0


def test_a_file_without_a_header_is_refused(activity, province_officer):
    workbook = openpyxl.Workbook()
    workbook.active.append(["a", "b"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ValidationError):
        import_registrations(
            activity=activity,
            by=province_officer,
            upload=SimpleUploadedFile("x.xlsx", buffer.getvalue()),
        )


def test_only_the_activitys_managers_import(activity, officer_x, good_rows):
    with pytest.raises(PermissionDenied):
        import_registrations(activity=activity, by=officer_x, upload=xlsx(good_rows))


def test_the_page_lists_the_errors_or_imports(client, activity, province_officer, good_rows):
    client.force_login(province_officer)
    url = reverse("events:import", args=[activity.pk])
    bad = [*good_rows[:3], [4, "X", "1", "", "", "Chủ thể", None]]
    page = client.post(url, {"file": xlsx(bad)})
    assert page.status_code == 200
    assert len(page.context["errors"]) == 1
    assert 'id="import-errors"' in page.content.decode()
    done = client.post(url, {"file": xlsx(good_rows)})
    assert done.status_code == 302
    assert done["Location"] == reverse("events:participants", args=[activity.pk])
    assert Registration.objects.count() == 3


def test_the_template_downloads_and_imports(client, activity, province_officer, subject_x):
    client.force_login(province_officer)
    response = client.get(reverse("events:import_template", args=[activity.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert [c.value for c in sheet[1]] == [
        "STT",
        "Họ và tên",
        "Số điện thoại",
        "Email",
        "Cơ quan, đơn vị",
        "Chức vụ",
        "Đối tượng",
        "Mã số thuế chủ thể",
    ]
    # The example row uses a subject number that is not ours: replace it, then import.
    sheet["H2"] = subject_x.registration_number
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    (created,) = import_registrations(
        activity=activity,
        by=province_officer,
        upload=SimpleUploadedFile("mau.xlsx", buffer.getvalue()),
    )
    assert (created.full_name, created.audience, created.subject) == (
        "Nguyễn Thị Hoa",
        Audience.SUBJECTS,
        subject_x,
    )


def test_a_name_longer_than_its_column_is_a_row_error_not_cut(activity, province_officer):
    name = "Nguyễn " + "Văn " * 50  # 207 characters: the column holds 150
    rows = [[1, name.strip(), "0912000001", "UBND xã X", "Công chức", "Cán bộ xã", None]]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        import_registrations(activity=activity, by=province_officer, upload=xlsx(rows))
    (message,) = refused.value.messages
    assert message == (
        f"Row 4, column Họ và tên: {len(name.strip())} characters long; the limit is 150."
    )
    assert Registration.objects.count() == 0


def test_an_inflated_list_is_refused_before_it_is_parsed(activity, province_officer, good_rows):
    """The same bounds as the products' import: a few hundred KB that unpack to
    far more are refused from the archive's directory, nothing parsed."""
    from tests.factories.xlsx import inflated

    bomb = inflated(xlsx(good_rows).read(), "xl/sharedStrings.xml", 20)
    with pytest.raises(ValidationError) as refused:
        import_registrations(
            activity=activity, by=province_officer, upload=SimpleUploadedFile("ds.xlsx", bomb)
        )
    assert refused.value.code == "ratio_too_high"
    assert "sharedStrings.xml" in " ".join(refused.value.messages)
    assert Registration.objects.count() == 0
