"""Back-office pages and private files are never kept by a shared cache or the
browser's history (``Cache-Control: private, no-store``), and ``HEAD`` answers
wherever ``GET`` does, with the same headers and no body. (The authorization
matrix checks the same on every URL for every role, less strictly: it accepts
either directive.)"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ocop.producers.domain.documents import add_document
from ocop.producers.enums import DocumentType

pytestmark = pytest.mark.django_db

BACK_OFFICE = [
    "producers:list",
    "products:list",
    "cycles:dossiers",
    "stamps:list",
    "inspections:list",
    "events:list",
    "stats:report_xlsx",
]


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


@pytest.mark.parametrize("name", BACK_OFFICE)
def test_back_office_pages_are_private_and_not_stored(client, province_officer, name):
    client.force_login(province_officer)
    url = reverse(name)
    got = client.get(url)
    assert got.status_code == 200, url
    assert {"private", "no-store"} <= directives(got), got.get("Cache-Control")
    head = client.head(url)
    assert head.status_code == 200
    assert head.content == b""
    assert {"private", "no-store"} <= directives(head)
    assert head["Content-Type"] == got["Content-Type"]


def test_a_private_file_is_private_and_not_stored_also_on_head(client, producer_x, subject_x):
    document = add_document(
        by=producer_x,
        subject=subject_x,
        doc_type=DocumentType.OTHER,
        upload=SimpleUploadedFile("giay-phep.pdf", b"%PDF-1.4 ok"),
    )
    client.force_login(producer_x)
    url = reverse("producers:document_download", args=[document.pk])
    got = client.get(url)
    assert got.status_code == 200
    assert got["Cache-Control"] == "private, no-store"
    assert b"".join(got.streaming_content) == b"%PDF-1.4 ok"
    head = client.head(url)
    assert head.status_code == 200
    assert head["Cache-Control"] == "private, no-store"
    assert b"".join(head.streaming_content) == b""
    # Signed out the file is not served at all.
    client.logout()
    assert client.get(url).status_code in (302, 404)


def test_a_public_page_for_a_visitor_may_be_cached(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" not in directives(response)
    assert client.head("/").status_code == 200
