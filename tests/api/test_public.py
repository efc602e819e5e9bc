"""The public API: certified products with filters and cursor pages, public
profiles only as consented, certificates with their live status, stamp
verification by token or serial (the page's verdicts; counted apart from
consumers' scans), points of sale, listings, events, statistics."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.core.counters import total
from ocop.portal.models import PublicProfile
from ocop.stamps.models import Stamp
from tests.factories.accounts import user_with_role
from tests.factories.registry import ProductFactory
from tests.factories.stamps import approved_batch, certify, province_officer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(product_x, product_y):
    certify(product_x, star=4)
    certify(product_y, star=3)
    return product_x, product_y


def test_products_in_force_with_filters_and_cursor_pages(client, certified, commune_x):
    product_x, product_y = certified
    other = ProductFactory(subject=product_x.subject, name="Chưa chứng nhận")
    rows = client.get("/api/v1/public/products").json()
    assert {row["id"] for row in rows["items"]} == {product_x.pk, product_y.pk}
    assert other.pk not in {row["id"] for row in rows["items"]}
    stars = client.get("/api/v1/public/products", {"star": 4}).json()["items"]
    assert [row["id"] for row in stars] == [product_x.pk]
    communes = client.get("/api/v1/public/products", {"commune": commune_x.code}).json()
    assert [row["id"] for row in communes["items"]] == [product_x.pk]
    first = client.get("/api/v1/public/products", {"limit": 1}).json()
    assert len(first["items"]) == 1
    assert first["next"]
    second = client.get("/api/v1/public/products", {"limit": 1, "cursor": first["next"]}).json()
    assert second["next"] is None
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {product_x.pk, product_y.pk}
    unknown = client.get("/api/v1/public/products", {"province": "99"})
    assert unknown.status_code == 422


def test_expired_and_revoked_products_on_request(client, product_x, product_y):
    certify(product_x, issued=timezone.localdate() - timedelta(days=2000))
    certify(product_y, status="revoked")
    assert client.get("/api/v1/public/products").json()["items"] == []
    expired = client.get("/api/v1/public/products", {"status": "expired"}).json()["items"]
    assert [(r["id"], r["status"]) for r in expired] == [(product_x.pk, "expired")]
    revoked = client.get("/api/v1/public/products", {"status": "revoked"}).json()["items"]
    assert [(r["id"], r["status"]) for r in revoked] == [(product_y.pk, "revoked")]


def test_a_profile_publishes_only_what_the_subject_consented_to(client, certified, subject_x):
    subject_x.phone, subject_x.email = "0912345678", "htx@example.vn"
    subject_x.save()
    row = client.get(f"/api/v1/public/subjects/{subject_x.pk}").json()
    assert (row["phone"], row["email"]) == (None, None)
    PublicProfile.objects.create(subject=subject_x, show_phone=True, story="Làng nghề")
    row = client.get(f"/api/v1/public/subjects/{subject_x.pk}").json()
    assert (row["phone"], row["email"], row["story"]) == ("0912345678", None, "Làng nghề")
    assert row["products_in_force"] == 1


def test_a_subject_without_public_products_is_not_found(client, subject_x):
    assert client.get(f"/api/v1/public/subjects/{subject_x.pk}").status_code == 404


def test_certificates_carry_their_live_status(client, product_x):
    certificate = certify(product_x, valid_until=timezone.localdate() + timedelta(days=10))
    row = client.get(f"/api/v1/public/certificates/{certificate.pk}").json()
    assert row["live_status"] == "expiring"
    rows = client.get("/api/v1/public/certificates", {"product_id": product_x.pk}).json()
    assert [r["id"] for r in rows["items"]] == [certificate.pk]


def test_verification_by_token_or_serial_is_not_a_consumer_scan(client, subject_x, product_x):
    certify(product_x)
    producer = user_with_role(Role.PRODUCER, subject=subject_x)
    approved_batch(product=product_x, producer=producer, officer=province_officer_of(), quantity=1)
    stamp = Stamp.objects.get()
    by_token = client.get("/api/v1/public/verify", {"token": stamp.token}).json()
    assert by_token["outcome"] == "valid"
    assert by_token["product"]["id"] == product_x.pk
    by_serial = client.get("/api/v1/public/verify", {"serial": stamp.serial}).json()
    assert by_serial["outcome"] == "valid"
    assert by_serial["stamp"]["serial"] == stamp.serial
    unknown = client.get("/api/v1/public/verify", {"token": "X" * 20}).json()
    assert unknown["outcome"] == "unknown"
    stamp.refresh_from_db()
    assert stamp.scan_count == 0
    assert stamp.scans.count() == 0
    assert total("api.verify") == 3
    assert client.get("/api/v1/public/verify").status_code == 422
    assert client.get("/api/v1/public/verify", {"serial": "nonsense"}).status_code == 422


def test_events_points_listings_and_statistics_answer(client, certified):
    assert client.get("/api/v1/public/events").status_code == 200
    assert client.get("/api/v1/public/points-of-sale").status_code == 200
    assert client.get("/api/v1/public/listings").status_code == 200
    stars = client.get("/api/v1/public/statistics/certified", {"by": "star"}).json()
    assert stars["total"] == 2
    assert {c["key"]: c["count"] for c in stars["cells"]} == {3: 1, 4: 1}
    provinces = client.get("/api/v1/public/statistics/certified", {"by": "province"}).json()
    assert {c["key"]: c["count"] for c in provinces["cells"]} == {"38": 2}
    today = timezone.localdate()
    changes = client.get(
        "/api/v1/public/statistics/changes",
        {"start": (today - timedelta(days=365)).isoformat(), "end": today.isoformat()},
    ).json()
    assert changes["changes"]["new"] == 2
