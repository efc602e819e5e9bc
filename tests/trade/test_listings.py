"""Online listings and the periodic link check, against a local HTTP server
started in a thread (no network)."""

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ocop.core.models import ActivityLog, Notification
from ocop.trade.domain import listings
from ocop.trade.domain.listings import check_due_listings, check_url
from ocop.trade.enums import LinkState
from ocop.trade.models import Listing

pytestmark = pytest.mark.django_db


class Handler(BaseHTTPRequestHandler):
    """/ok → 200, /moved → 301, /robots-refused → 403, /gone → 404, and HEAD
    refused (405) on /get-only, which answers GET with 200."""

    def _answer(self, with_body: bool):
        codes = {"/ok": 200, "/moved": 301, "/robots-refused": 403, "/get-only": 200}
        if self.command == "HEAD" and self.path == "/get-only":
            code = 405
        else:
            code = codes.get(self.path, 404)
        self.send_response(code)
        if code == 301:
            self.send_header("Location", "http://192.0.2.1/elsewhere")
        self.send_header("Content-Length", "2")
        self.end_headers()
        if with_body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self._answer(False)

    def do_GET(self):
        self._answer(True)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(settings):
    settings.OCOP_LINK_CHECK_ALLOW_PRIVATE = True
    settings.OCOP_LINK_CHECK_TIMEOUT = 2
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _closed_port_url() -> str:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/nothing"


def _add(by, product, url, platform="own_site"):
    return listings.add_listing(
        by=by, product=product, platform=platform, url=url, since=timezone.localdate()
    )


def test_only_http_addresses_on_the_platforms_host_are_accepted(producer_x, product_x):
    for url in ("ftp://shopee.vn/x", "javascript:alert(1)", "shopee.vn/abc", ""):
        with pytest.raises(ValidationError) as error:
            _add(producer_x, product_x, url, "shopee")
        assert "url" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _add(producer_x, product_x, "https://lazada.vn/p/1", "shopee")
    assert "shopee.vn" in error.value.message_dict["url"][0]
    listing = _add(producer_x, product_x, "https://s.shopee.vn/abc", "shopee")
    assert listing.link_state == LinkState.UNCHECKED
    with pytest.raises(ValidationError):
        _add(producer_x, product_x, "https://s.shopee.vn/abc", "shopee")
    assert ActivityLog.objects.filter(action="ocop.listing.added").count() == 1


def test_only_people_who_edit_the_product_keep_its_listings(
    producer_x, officer_x, product_y, hanoi_officer, product_x
):
    with pytest.raises(PermissionDenied):
        _add(producer_x, product_y, "https://example.vn/y")
    with pytest.raises(PermissionDenied):
        _add(hanoi_officer, product_x, "https://example.vn/x")
    listing = _add(officer_x, product_x, "https://example.vn/x")
    listings.remove_listing(listing=listing, by=producer_x)
    assert not Listing.objects.exists()
    assert ActivityLog.objects.filter(action="ocop.listing.removed").count() == 1


def test_check_url_reads_real_answers(server):
    assert check_url(f"{server}/ok").ok
    assert check_url(f"{server}/moved").ok  # moved is there; the redirect is not followed
    assert check_url(f"{server}/robots-refused").ok
    assert check_url(f"{server}/get-only").detail == "HTTP 200"
    gone = check_url(f"{server}/gone")
    assert not gone.ok
    assert gone.detail == "HTTP 404"
    refused = check_url(_closed_port_url())
    assert not refused.ok
    assert "URLError" in refused.detail


def test_private_addresses_are_not_opened_by_default(settings, server):
    settings.OCOP_LINK_CHECK_ALLOW_PRIVATE = False
    result = check_url(f"{server}/ok")
    assert not result.ok
    assert result.detail == "private address"


def test_a_link_failing_twice_is_marked_dead_and_the_producer_told(
    server, settings, producer_x, product_x
):
    settings.OCOP_LINK_DEAD_AFTER = 2
    live = _add(producer_x, product_x, f"{server}/ok")
    gone = _add(producer_x, product_x, f"{server}/gone")
    down = _add(producer_x, product_x, _closed_port_url())
    now = timezone.now()
    counts = check_due_listings(now=now)
    assert counts == {"checked": 3, "live": 1, "failed": 2, "dead": 0}
    gone.refresh_from_db()
    assert gone.link_state == LinkState.UNCHECKED
    assert gone.failures == 1
    assert check_due_listings(now=now)["checked"] == 0  # checked today: not due
    later = now + timedelta(days=settings.OCOP_LINK_CHECK_EVERY_DAYS + 1)
    assert check_due_listings(now=later)["dead"] == 2
    live.refresh_from_db()
    gone.refresh_from_db()
    down.refresh_from_db()
    assert live.link_state == LinkState.LIVE
    assert live.check_result == "HTTP 200"
    assert gone.link_state == LinkState.DEAD
    assert down.link_state == LinkState.DEAD
    assert ActivityLog.objects.filter(action="ocop.listing.dead").count() == 2
    told = Notification.objects.filter(user=producer_x)
    assert told.count() == 2
    assert "không còn mở được" in told.first().text


def test_run_periodic_hands_the_check_to_the_task_queue(
    server, producer_x, product_x, django_capture_on_commit_callbacks
):
    listing = _add(producer_x, product_x, f"{server}/ok")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic", "--force", "--only", "check_listing_links_due")
    listing.refresh_from_db()
    assert listing.link_state == LinkState.LIVE
    assert listing.checked_at is not None


def test_product_page_adds_and_removes_listings(client, producer_x, product_x, product_y):
    client.force_login(producer_x)
    page = reverse("trade:product", args=[product_x.pk])
    assert client.get(page).status_code == 200
    add = reverse("trade:listing_add", args=[product_x.pk])
    data = {"platform": "tiki", "url": "https://shopee.vn/x", "since": "2026-01-05"}
    response = client.post(add, data)
    assert response.status_code == 400
    assert "tiki.vn" in response.content.decode()
    data["url"] = "https://tiki.vn/nuoc-mam-x"
    assert client.post(add, data).status_code == 302
    listing = Listing.objects.get()
    assert client.post(reverse("trade:listing_delete", args=[listing.pk])).status_code == 302
    assert client.get(reverse("trade:product", args=[product_y.pk])).status_code == 404
