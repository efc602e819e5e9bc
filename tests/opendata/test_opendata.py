"""Open data: daily snapshots as CSV and JSON that an English-locale
spreadsheet reads as intended, consent respected, served with caching and
validators, described by dictionaries and a DCAT-style catalogue."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from ocop.opendata.domain.datasets import DATASETS
from ocop.opendata.domain.snapshots import build_all
from ocop.opendata.models import Snapshot
from ocop.portal.domain.profiles import save_public_profile
from ocop.trade.domain import points as trade_points
from tests.factories.certification import closed_session, issued_decision

from .english_import import check, rows_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(province_officer, subject_x, subject_y, product_x, product_y, commune_x):
    """Two certified products (decision this year), subject X publishing its
    phone, subject Y publishing nothing, a point of sale selling product X."""
    subject_x.phone = "0912345678"
    subject_x.representative = "Nguyễn Văn A"
    subject_x.save()
    subject_y.phone = "0987654321"
    subject_y.save()
    session = closed_session(officer=province_officer, products=[product_x, product_y])
    today = timezone.localdate()
    issued_decision(session=session, by=province_officer, day=today.replace(month=1, day=2))
    save_public_profile(subject=subject_x, by=province_officer, data={"show_phone": True})
    trade_points.create_point(
        by=province_officer,
        name="Điểm bán OCOP Thanh Hóa",
        kind="showroom",
        commune=commune_x,
        since=today - timedelta(days=10),
        products=[product_x],
    )
    return today


def _read(snapshot) -> bytes:
    with snapshot.file.open("rb") as handle:
        return handle.read()


def _fields(slug):
    return [(f.name, f.type) for f in DATASETS[slug].fields]


def test_every_snapshot_reads_as_its_dictionary_says_in_an_english_spreadsheet(published):
    assert build_all(day=published) == 2 * len(DATASETS)
    for slug in DATASETS:
        snapshot = Snapshot.objects.get(day=published, dataset=slug, fmt="csv")
        raw = _read(snapshot)
        assert raw.startswith("\ufeff".encode())
        assert check(raw, _fields(slug)) == [], slug
        document = json.loads(_read(Snapshot.objects.get(day=published, dataset=slug, fmt="json")))
        assert document["count"] == len(rows_of(raw)) - 1 == snapshot.rows
        assert document["licence"]["name"] == "CC BY 4.0"
        assert document["fields"] == DATASETS[slug].names
    rows = {slug: Snapshot.objects.get(day=published, dataset=slug, fmt="csv") for slug in DATASETS}
    products = rows_of(_read(rows["products"]))
    assert len(products) == 3
    certificates = rows_of(_read(rows["certificates"]))
    header = certificates[0]
    assert {r[header.index("decision_date")] for r in certificates[1:]} == {
        published.replace(month=1, day=2).isoformat()
    }
    assert all("." in r[header.index("score")] for r in certificates[1:])
    # A second run the same day writes nothing.
    assert build_all(day=published) == 0


def test_contact_details_only_with_the_subjects_consent(published, subject_x, subject_y):
    build_all(day=published)
    snapshot = Snapshot.objects.get(day=published, dataset="producers", fmt="json")
    rows = {r["id"]: r for r in json.loads(_read(snapshot))["rows"]}
    assert rows[subject_x.pk]["phone"] == "0912345678"
    assert rows[subject_x.pk]["representative"] == ""  # not ticked
    assert rows[subject_y.pk]["phone"] == ""
    assert "0987654321" not in _read(snapshot).decode()


def test_points_of_sale_and_their_products(published, product_x):
    build_all(day=published)
    snapshot = Snapshot.objects.get(day=published, dataset="points-of-sale", fmt="json")
    (row,) = json.loads(_read(snapshot))["rows"]
    assert (row["name"], row["kind"], row["product_ids"]) == (
        "Điểm bán OCOP Thanh Hóa",
        "showroom",
        str(product_x.pk),
    )


def test_downloads_are_cached_and_answer_conditional_requests(client, published):
    response = client.get("/du-lieu-mo/products.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "public" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.content
    assert response["ETag"] == f'"{hashlib.sha256(body).hexdigest()}"'
    assert response["Last-Modified"]
    again = client.get("/du-lieu-mo/products.csv", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert client.get("/du-lieu-mo/unknown.csv").status_code == 404
    assert client.get("/du-lieu-mo/products.xml").status_code == 404


def test_the_catalogue_lists_every_distribution_with_its_checksum(client, published):
    client.get("/du-lieu-mo/products.json")  # built on the first download
    catalogue = client.get("/du-lieu-mo/catalog.json").json()
    assert catalogue["@type"] == "dcat:Catalog"
    datasets = {d["dct:identifier"]: d for d in catalogue["dcat:dataset"]}
    assert set(datasets) == set(DATASETS)
    (products_json,) = [
        d
        for d in datasets["products"]["dcat:distribution"]
        if d["dcat:mediaType"] == "application/json"
    ]
    path = products_json["dcat:downloadURL"].split("testserver", 1)[-1]
    path = path[path.index("/du-lieu-mo/") :]
    body = client.get(path).content
    assert products_json["spdx:checksum"]["spdx:checksumValue"] == hashlib.sha256(body).hexdigest()
    assert datasets["products"]["dct:license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_the_licence_is_configurable(client, settings, published):
    settings.OCOP_OPEN_DATA_LICENCE = "Giấy phép dữ liệu mở tỉnh Thanh Hóa"
    settings.OCOP_OPEN_DATA_LICENCE_URL = "https://thanhhoa.gov.vn/giay-phep"
    page = client.get("/du-lieu-mo/").content.decode()
    assert "Giấy phép dữ liệu mở tỉnh Thanh Hóa" in page
    document = client.get("/du-lieu-mo/certificates.json").json()
    assert document["licence"]["url"] == "https://thanhhoa.gov.vn/giay-phep"
    assert client.get("/du-lieu-mo/catalog.json").json()["dct:license"] == (
        "https://thanhhoa.gov.vn/giay-phep"
    )


def test_each_data_set_has_a_dictionary_page_naming_every_field(client):
    for slug, dataset in DATASETS.items():
        page = client.get(f"/du-lieu-mo/{slug}/").content.decode()
        for name in dataset.names:
            assert f"<code>{name}</code>" in page, (slug, name)
    index = client.get("/du-lieu-mo/").content.decode()
    for slug in DATASETS:
        assert f"/du-lieu-mo/{slug}.csv" in index


def test_the_periodic_job_builds_the_days_snapshots(published):
    call_command("run_periodic", "--only", "ocop.opendata.periodic.open_data_snapshots")
    assert Snapshot.objects.filter(day=published).count() == 2 * len(DATASETS)


def test_old_snapshots_are_pruned(published, settings):
    settings.OCOP_OPEN_DATA_KEEP_DAYS = 3
    build_all(day=published - timedelta(days=10))
    build_all(day=published)
    assert set(Snapshot.objects.values_list("day", flat=True)) == {published}


def test_the_officers_csv_offers_the_unambiguous_format(client, published, province_officer):
    client.force_login(province_officer)
    iso = client.get("/products/export/?export=csv-iso")
    legacy = client.get("/products/export/?export=csv")
    fields = [
        ("row", "integer"),
        ("product_name", "text"),
        ("subject_name", "text"),
        ("registration_number", "code"),
        ("legal_form", "text"),
        ("address", "text"),
        ("commune", "text"),
        ("province", "text"),
        ("product_set", "text"),
        ("star", "integer"),
        ("score", "decimal"),
        ("decision_number", "text"),
        ("decision_date", "date"),
        ("valid_until", "date"),
    ]
    assert check(iso.content, fields) == []
    # The Vietnamese layout, read by an English spreadsheet, is what this avoids.
    vietnamese = rows_of(legacy.content)
    assert vietnamese[1][12] == published.replace(month=1, day=2).strftime("%d/%m/%Y")


def test_the_statistics_tables_are_the_dashboards_figures(published, product_x):
    from ocop.stats import domain as stats

    build_all(day=published)
    snapshot = Snapshot.objects.get(
        day=published, dataset="statistics-certified-products", fmt="json"
    )
    rows = json.loads(_read(snapshot))["rows"]
    assert [
        (r["province_code"], r["star"], r["product_group"], r["certified_products"]) for r in rows
    ] == [("38", 4, product_x.group_code, 2)]
    assert sum(r["certified_products"] for r in rows) == stats.certified_products().total.value
    changes = Snapshot.objects.get(
        day=published, dataset="statistics-certificate-changes", fmt="json"
    )
    new = [r for r in json.loads(_read(changes))["rows"] if r["change"] == "new"]
    assert [(r["province_code"], r["certificates"]) for r in new] == [("38", 2)]
