import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ocop.producers.domain.documents import add_document
from ocop.producers.enums import DocumentType
from ocop.producers.models import EvidenceDocument

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _stored_files(settings):
    from pathlib import Path

    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_pdf_is_stored_under_a_random_name(producer_x, subject_x, settings):
    document = add_document(
        by=producer_x,
        subject=subject_x,
        doc_type=DocumentType.FOOD_SAFETY,
        upload=_upload("Giấy ATTP của HTX.pdf", PDF_BYTES),
        number="123/ATTP",
        expires_on=date(2030, 1, 1),
    )
    assert document.original_name == "Giấy ATTP của HTX.pdf"
    assert "ATTP" not in document.file.name
    assert document.content_type == "application/pdf"


def test_docx_is_accepted(producer_x, subject_x):
    document = add_document(
        by=producer_x,
        subject=subject_x,
        doc_type=DocumentType.LINKAGE_CONTRACT,
        upload=_upload("hop-dong.docx", _docx_bytes()),
    )
    assert document.pk is not None


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("chung-nhan.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, "content_mismatch"),
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, "type_not_allowed"),
        ("bang-tinh.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "type_not_allowed"),
        ("fake.docx", b"PK\x03\x04not really a zip", "content_mismatch"),
        ("trong.pdf", b"", "empty"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    producer_x, subject_x, settings, name, content, code
):
    before = _stored_files(settings)
    with pytest.raises(ValidationError) as error:
        add_document(
            by=producer_x,
            subject=subject_x,
            doc_type=DocumentType.OTHER,
            upload=_upload(name, content),
        )
    assert error.value.code == code
    assert EvidenceDocument.objects.count() == 0
    assert _stored_files(settings) == before


def test_oversized_upload_is_refused_with_the_limit(producer_x, subject_x, settings, client):
    settings.OCOP_UPLOAD_MAX_BYTES = 1024
    client.force_login(producer_x)
    response = client.post(
        f"/subjects/{subject_x.pk}/documents/add/",
        {
            "doc_type": DocumentType.TEST_REPORT,
            "file": _upload("kiem-nghiem.pdf", PDF_BYTES + b"0" * 2048),
        },
    )
    assert response.status_code == 200
    assert "1,0\xa0KB" in response.content.decode() or "1.0\xa0KB" in response.content.decode()
    assert EvidenceDocument.objects.count() == 0


def test_renamed_executable_gets_a_clear_message_in_the_form(producer_x, subject_x, client):
    client.force_login(producer_x)
    response = client.post(
        f"/subjects/{subject_x.pk}/documents/add/",
        {"doc_type": DocumentType.TEST_REPORT, "file": _upload("kq.pdf", b"MZ" + b"\0" * 64)},
    )
    assert response.status_code == 200
    assert "không phải là tệp PDF thật" in response.content.decode()
    assert EvidenceDocument.objects.count() == 0


def test_download_is_permission_checked(client, producer_x, subject_x, officer_x, subject_y):
    from ocop.accounts.enums import Role
    from tests.factories.accounts import user_with_role

    document = add_document(
        by=producer_x,
        subject=subject_x,
        doc_type=DocumentType.FOOD_SAFETY,
        upload=_upload("attp.pdf", PDF_BYTES),
    )
    client.force_login(officer_x)
    response = client.get(f"/subjects/documents/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF_BYTES
    other = user_with_role(Role.PRODUCER, subject=subject_y)
    client.force_login(other)
    assert client.get(f"/subjects/documents/{document.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/subjects/documents/{document.pk}/").status_code == 302


def test_expired_and_expiring_documents_are_flagged(client, officer_x, producer_x, subject_x):
    today = timezone.localdate()
    for days, number in ((-1, "HET-HAN"), (10, "SAP-HET"), (400, "CON-HAN")):
        add_document(
            by=producer_x,
            subject=subject_x,
            doc_type=DocumentType.FOOD_SAFETY,
            number=number,
            issued_on=today - timedelta(days=700),
            expires_on=today + timedelta(days=days),
        )
    client.force_login(officer_x)
    expiring = client.get("/subjects/documents/expiring/").content.decode()
    assert "HET-HAN" in expiring
    assert "SAP-HET" in expiring
    assert "CON-HAN" not in expiring
    listing = client.get("/subjects/").content.decode()
    assert "1 hết hạn" in listing
    assert "1 sắp hết hạn" in listing


def test_expiry_before_issue_is_refused(producer_x, subject_x):
    with pytest.raises(ValidationError):
        add_document(
            by=producer_x,
            subject=subject_x,
            doc_type=DocumentType.FOOD_SAFETY,
            issued_on=date(2025, 1, 1),
            expires_on=date(2024, 1, 1),
        )
    assert EvidenceDocument.objects.count() == 0
