"""sitemap.xml, robots.txt and the product feed: well-formed, every URL
answers 200, stable field names, ISO dates, only what is in force."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from ocop.certification.enums import CertificateStatus
from ocop.portal.domain.queries import FEED_FIELDS

from .conftest import certify

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def revoked(subject_x):
    from tests.factories.registry import ProductFactory

    product = ProductFactory(subject=subject_x, name="Mắm tép thu hồi")
    certify(product, status=CertificateStatus.REVOKED)
    return product


def _locs(content: bytes, path: str) -> list[str]:
    root = ET.fromstring(content)  # noqa: S314 -- our own sitemap, parsed to check it
    return [loc.text for loc in root.findall(path, NS)]


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_sitemap_is_well_formed_and_every_url_answers(client, honey, fish_sauce, tea, revoked):
    index = client.get(reverse("portal:sitemap"))
    assert index.status_code == 200
    sections = _locs(index.content, "s:sitemap/s:loc")
    assert len(sections) == 4
    urls = []
    for section in sections:
        response = client.get(_path(section))
        assert response.status_code == 200, section
        urls += _locs(response.content, "s:url/s:loc")
    paths = {_path(url) for url in urls}
    assert "/" in paths
    assert "/san-pham/?province=01" in paths
    # Revoked products keep their page (it says so) and stay in the sitemap.
    assert f"/san-pham/mam-tep-thu-hoi-{revoked.pk}/" in paths
    assert len(paths) == 2 + 2 + 4 + 3  # pages, provinces, products, producers
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_robots_txt_points_at_the_sitemap(client, settings):
    text = client.get("/robots.txt").content.decode()
    assert "User-agent: *" in text
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in text
    assert "Disallow: /accounts/" in text


def test_json_feed(client, honey, fish_sauce, revoked, settings):
    response = client.get(reverse("portal:feed_json"))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(response.content.decode("utf-8"))
    assert document["fields"] == list(FEED_FIELDS)
    assert document["count"] == 2
    rows = {row["name"]: row for row in document["products"]}
    assert set(rows) == {"Mật ong hoa nhãn Làng Y", "Nước mắm cá cơm Làng X"}
    row = rows["Mật ong hoa nhãn Làng Y"]
    assert list(row) == list(FEED_FIELDS)
    assert (row["star"], row["status"], row["gtin"], row["province_code"]) == (
        4,
        "valid",
        "8934567890128",
        "38",
    )
    assert date.fromisoformat(row["certificate_valid_until"]) == honey.certified_until
    assert date.fromisoformat(row["decision_date"])
    assert row["url"] == f"{settings.SITE_URL}/san-pham/mat-ong-hoa-nhan-lang-y-{honey.pk}/"
    for url in (row["url"], row["producer_url"]):
        assert client.get(_path(url)).status_code == 200


def test_csv_feed_has_the_same_rows(client, honey, fish_sauce, revoked):
    response = client.get(reverse("portal:feed_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert list(rows[0]) == list(FEED_FIELDS)
    assert {r["name"] for r in rows} == {"Mật ong hoa nhãn Làng Y", "Nước mắm cá cơm Làng X"}
    assert {r["star"] for r in rows} == {"4", "3"}


def test_feed_escapes_formula_cells(client, subject_x):
    from tests.factories.registry import ProductFactory

    certify(ProductFactory(subject=subject_x, name="=HYPERLINK(1)"), star=3)
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/du-lieu-mo/san-pham-ocop.csv").content.decode()[1:])
        )
    )
    assert rows[0]["name"] == "'=HYPERLINK(1)"
