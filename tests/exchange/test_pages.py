"""The officer pages of the exchange: a province's officer downloads the
province's signed package; the central office uploads it and reads the
outcome; a tampered file is refused with the reason, nothing recorded."""

import base64
import json
import secrets
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.accounts.enums import Role
from ocop.core.domain.activity import history_for
from ocop.exchange.domain.package import PackageError, open_package
from ocop.exchange.models import Direction, Package
from tests.factories.accounts import user_with_role
from tests.factories.certification import closed_session, issued_decision
from tests.factories.geo import province

pytestmark = pytest.mark.django_db

KEY = base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
def keys(settings):
    settings.OCOP_EXCHANGE_KEY = KEY
    settings.OCOP_EXCHANGE_KEYS = {"38": KEY}


@pytest.fixture
def certified(province_officer, product_x):
    session = closed_session(officer=province_officer, products=[product_x])
    issued_decision(session=session, by=province_officer, day=date(2026, 1, 5))


def _download(client, officer):
    client.force_login(officer)
    response = client.post("/exchange/export/", {"province": province("38").pk})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="ocop-exchange-38-')
    return response.content


def test_a_province_officer_downloads_a_signed_package(client, keys, certified, province_officer):
    raw = _download(client, province_officer)
    manifest, data = open_package(raw)
    assert manifest["source"]["province_code"] == "38"
    assert manifest["counts"]["certificates"] == 1
    assert data["products"][0]["national_code"]
    package = Package.objects.get(direction=Direction.EXPORT)
    assert history_for(package).first().action == "ocop.exchange.exported"


def test_an_officer_cannot_export_another_province(client, keys, province_officer):
    client.force_login(province_officer)
    response = client.post("/exchange/export/", {"province": province("01").pk})
    assert response.status_code == 200  # the form refuses the choice
    assert not Package.objects.exists()


def test_without_a_key_the_export_says_so(client, settings, certified, province_officer):
    settings.OCOP_EXCHANGE_KEY = ""
    client.force_login(province_officer)
    response = client.post("/exchange/export/", {"province": province("38").pk})
    assert "Chưa cấu hình khóa trao đổi" in response.content.decode()


def test_the_centre_uploads_a_package_and_reads_the_outcome(
    client, keys, certified, province_officer
):
    raw = _download(client, province_officer)
    central = user_with_role(Role.CENTRAL_OFFICER, username="tw.trao-doi")
    client.force_login(central)
    upload = SimpleUploadedFile("goi.json", raw, content_type="application/json")
    response = client.post("/exchange/import/", {"package": upload}, follow=True)
    page = response.content.decode()
    assert "Đã nhập gói dữ liệu." in page
    assert 'id="package-counts"' in page
    imported = Package.objects.get(direction=Direction.IMPORT)
    # Same database: every record is found by its identity and mapped.
    assert imported.conflicts == []
    assert history_for(imported).first().action == "ocop.exchange.imported"


def test_a_tampered_upload_is_refused_with_the_reason(client, keys, certified, province_officer):
    raw = _download(client, province_officer)
    document = json.loads(raw)
    document["data"]["certificates"][0]["star"] = 5
    tampered = json.dumps(document).encode()
    with pytest.raises(PackageError):
        open_package(tampered)
    client.force_login(user_with_role(Role.CENTRAL_OFFICER, username="tw.trao-doi"))
    upload = SimpleUploadedFile("goi.json", tampered, content_type="application/json")
    page = client.post("/exchange/import/", {"package": upload}).content.decode()
    assert "không khớp mã SHA-256" in page
    assert not Package.objects.filter(direction=Direction.IMPORT).exists()


def test_a_province_officer_cannot_import(client, keys, province_officer):
    client.force_login(province_officer)
    upload = SimpleUploadedFile("goi.json", b"{}", content_type="application/json")
    assert client.post("/exchange/import/", {"package": upload}).status_code == 403
