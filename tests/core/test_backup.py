"""``manage.py backup`` / ``restore``: a round trip on the demo data set.

Back up, wipe the database and the stored file, restore: every model has the
same number of rows, the demo's certificate and stamp verify "valid" again and
the uploaded document can be downloaded again. Runs on SQLite and on
PostgreSQL (there with pg_dump/pg_restore, which must be installed: a missing
binary fails the test)."""

import io
import json
import shutil

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from ocop.accounts.models import User
from ocop.certification.enums import CertificateStatus
from ocop.certification.models import Certificate
from ocop.core.backup import DUMPS, MANIFEST, MEDIA, model_tables
from ocop.producers.domain.documents import add_document
from ocop.producers.enums import DocumentType
from ocop.producers.models import EvidenceDocument
from ocop.stamps.enums import StampState
from ocop.stamps.models import Stamp

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def outcome(client, url: str) -> tuple[int, str]:
    response = client.get(url)
    body = response.content.decode()
    return response.status_code, body.split('data-outcome="', 1)[1].split('"', 1)[0]


def test_backup_wipe_restore_gives_the_same_data_back(demo_data, tmp_path, client, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # only this test's files
    if connection.vendor == "postgresql":
        # No silent skip: the PostgreSQL round trip needs the client tools.
        assert shutil.which("pg_dump"), "pg_dump is not installed (postgresql-client)"
        assert shutil.which("pg_restore"), "pg_restore is not installed (postgresql-client)"
    producer = User.objects.get(username="sx.dongtam")
    stamp = Stamp.objects.filter(state=StampState.ACTIVE).select_related("batch").first()
    certificate = Certificate.objects.get(pk=stamp.batch.product.certificates.latest("pk").pk)
    assert certificate.status == CertificateStatus.VALID
    document = add_document(
        by=producer,
        subject=stamp.batch.product.subject,
        doc_type=DocumentType.FOOD_SAFETY,
        upload=SimpleUploadedFile("an-toan-thuc-pham.pdf", PDF),
        number="12/2025/ATTP",
    )
    stamp_page = reverse("verify:stamp", args=[stamp.token])
    certificate_page = reverse("verify:certificate", args=[certificate.token])
    before = counts()
    assert before["stamps.Stamp"] > 0
    assert before["certification.Certificate"] > 0

    out = io.StringIO()
    call_command("backup", str(tmp_path / "b"), stdout=out)
    manifest = json.loads((tmp_path / "b" / MANIFEST).read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    assert sorted(manifest["database"]["tables"]) == model_tables()
    assert manifest["database"]["tables"]["stamps_stamp"] == before["stamps.Stamp"]
    assert manifest["media"]["files"] == 1
    assert sorted(manifest["checksums"]) == sorted([DUMPS[connection.vendor], MEDIA])

    # The disaster: every row and the stored file are gone.
    call_command("flush", interactive=False, verbosity=0)
    default_storage.delete(document.file.name)
    assert Stamp.objects.count() == 0
    assert outcome(client, stamp_page) == (404, "unknown")
    assert not default_storage.exists(document.file.name)

    out = io.StringIO()
    call_command("restore", str(tmp_path / "b"), "--noinput", stdout=out)
    assert "counts checked" in out.getvalue()

    assert counts() == before
    # The pages that QR codes open answer "valid" again (the scan above was of
    # an unknown code, so the stamp's own count is that of the backup).
    assert outcome(client, stamp_page) == (200, "valid")
    assert outcome(client, certificate_page) == (200, "valid")
    restored = EvidenceDocument.objects.get(pk=document.pk)
    with default_storage.open(restored.file.name, "rb") as handle:
        assert handle.read() == PDF
    client.force_login(User.objects.get(username="sx.dongtam"))
    response = client.get(reverse("producers:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_restore_refuses_a_backup_of_another_database_vendor(demo_data, tmp_path):
    call_command("backup", str(tmp_path / "b"), verbosity=0)
    manifest_path = tmp_path / "b" / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    manifest["database"]["vendor"] = other
    manifest_path.write_text(json.dumps(manifest))
    before = counts()
    with pytest.raises(CommandError, match=f"This backup is of a {other} database"):
        call_command("restore", str(tmp_path / "b"), "--noinput")
    assert counts() == before


def test_restore_refuses_a_damaged_backup(demo_data, tmp_path):
    call_command("backup", str(tmp_path / "b"), verbosity=0)
    dump = tmp_path / "b" / DUMPS[connection.vendor]
    dump.write_bytes(dump.read_bytes()[:-10])
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(tmp_path / "b"), "--noinput")


def test_backup_refuses_a_directory_that_holds_a_backup(demo_data, tmp_path):
    call_command("backup", str(tmp_path / "b"), verbosity=0)
    with pytest.raises(CommandError, match="already holds a backup"):
        call_command("backup", str(tmp_path / "b"), verbosity=0)
