"""The scan log: counters, hashed fingerprints, and a location only with consent."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from ocop.stamps.domain.scans import parse_location
from ocop.stamps.models import Scan

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (Linux; Android 10; K) Chrome/120 Mobile"


def test_each_view_counts_a_scan_and_keeps_the_first_scan_time(client, stamp):
    before = timezone.now()
    client.get(f"/s/{stamp.token}", HTTP_USER_AGENT=PHONE)
    stamp.refresh_from_db()
    first = stamp.first_scan_at
    assert stamp.scan_count == 1
    assert first >= before
    client.get(f"/s/{stamp.token}", HTTP_USER_AGENT=PHONE)
    stamp.refresh_from_db()
    assert (stamp.scan_count, stamp.first_scan_at) == (2, first)
    assert Scan.objects.filter(stamp=stamp).count() == 2


def test_the_page_shows_the_count_including_this_scan(client, stamp, english):
    for _ in range(3):
        response = client.get(f"/s/{stamp.token}")
    assert "3 scans, including this one" in response.content.decode()


def test_fingerprint_is_a_keyed_hash_never_the_address(client, stamp):
    client.get(f"/s/{stamp.token}", REMOTE_ADDR="203.113.1.25", HTTP_USER_AGENT=PHONE)
    client.get(f"/s/{stamp.token}", REMOTE_ADDR="203.113.1.25", HTTP_USER_AGENT=PHONE)
    client.get(f"/s/{stamp.token}", REMOTE_ADDR="203.113.1.26", HTTP_USER_AGENT=PHONE)
    prints = list(
        Scan.objects.filter(stamp=stamp).order_by("id").values_list("fingerprint", flat=True)
    )
    assert len(prints[0]) == 32
    assert all(c in "0123456789abcdef" for c in prints[0])
    assert prints[0] == prints[1] != prints[2]
    assert "203.113" not in "".join(prints)


def test_client_address_header_behind_a_proxy(client, stamp, settings):
    settings.OCOP_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    client.get(f"/s/{stamp.token}", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.113.1.25")
    client.get(f"/s/{stamp.token}", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.113.1.26")
    assert Scan.objects.filter(stamp=stamp).values("fingerprint").distinct().count() == 2


def test_head_requests_are_not_counted(client, stamp):
    assert client.head(f"/s/{stamp.token}").status_code == 200
    stamp.refresh_from_db()
    assert stamp.scan_count == 0


def test_the_certificate_page_logs_no_scan(client, stamp, certificate):
    client.get(f"/c/{certificate.token}")
    assert Scan.objects.count() == 0


def test_location_is_offered_by_a_button_and_sent_only_by_the_script(client, stamp):
    body = client.get(f"/s/{stamp.token}").content.decode()
    assert f'data-url="/s/{stamp.token}/where"' in body
    assert "data-ocop-locate hidden" in body
    assert '<script src="/static/ocop/verify.js"' in body
    assert "<script>" not in body  # CSP: no inline script
    scan = Scan.objects.get(stamp=stamp)
    assert (scan.latitude, scan.longitude) == (None, None)


def test_consented_location_is_rounded_and_attached_to_this_clients_scan(client, stamp):
    other = Client()
    other.get(f"/s/{stamp.token}", HTTP_USER_AGENT="another phone")
    client.get(f"/s/{stamp.token}", HTTP_USER_AGENT=PHONE)
    response = client.post(
        f"/s/{stamp.token}/where",
        {"latitude": "19.807654", "longitude": "105.776543"},
        HTTP_USER_AGENT=PHONE,
    )
    assert (response.status_code, response.json()) == (200, {"ok": True})
    located = Scan.objects.filter(stamp=stamp, latitude__isnull=False).get()
    assert (located.latitude, located.longitude) == (Decimal("19.81"), Decimal("105.78"))
    assert Scan.objects.filter(stamp=stamp, latitude__isnull=True).count() == 1
    assert "no-store" in response["Cache-Control"]


def test_location_without_a_recent_scan_of_this_client_is_refused(client, stamp):
    response = client.post(f"/s/{stamp.token}/where", {"latitude": "21", "longitude": "105"})
    assert response.status_code == 409
    old = Scan.objects.create(
        stamp=stamp, at=timezone.now() - timedelta(hours=2), fingerprint="x" * 32
    )
    assert (
        client.post(f"/s/{stamp.token}/where", {"latitude": "21", "longitude": "105"}).status_code
        == 409
    )
    old.refresh_from_db()
    assert old.latitude is None


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        ("", ""),
        ("abc", "105"),
        ("91", "105"),
        ("21", "181"),
        ("nan", "1"),
        ("inf", "1"),
        ("1e999", "1"),
    ],
)
def test_bad_coordinates_are_400(client, stamp, lat, lon):
    client.get(f"/s/{stamp.token}")
    response = client.post(f"/s/{stamp.token}/where", {"latitude": lat, "longitude": lon})
    assert response.status_code == 400


def test_location_for_unknown_or_malformed_tokens_is_404(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.post("/s/bad/where", {"latitude": "1", "longitude": "1"}).status_code == 404
    assert (
        client.post(f"/s/{'Q' * 20}/where", {"latitude": "1", "longitude": "1"}).status_code == 404
    )


def test_location_needs_the_csrf_token_from_the_page(stamp):
    browser = Client(enforce_csrf_checks=True)
    body = browser.get(f"/s/{stamp.token}").content.decode()
    refused = browser.post(f"/s/{stamp.token}/where", {"latitude": "21", "longitude": "105"})
    assert refused.status_code == 403
    assert "data-csrf" not in body  # the script asks for the token when the person agrees
    token = browser.get(f"/s/{stamp.token}/where").json()["csrf"]
    accepted = browser.post(
        f"/s/{stamp.token}/where",
        {"latitude": "21", "longitude": "105"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert accepted.status_code == 200


def test_only_get_and_head_reach_the_page(client, stamp):
    assert client.post(f"/s/{stamp.token}").status_code == 405


def test_parse_location_rounds_to_about_a_kilometre():
    assert parse_location("-0.004", "179.999") == parse_location("-0.0", "180.00")
    assert parse_location(None, "1") is None
