import re

import pytest
from django.conf import settings
from django.test import RequestFactory

from ocop.core.management.commands.vendor_assets import VENDOR_FILES
from ocop.core.views import error_500
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_vendored_assets_exist():
    vendor = settings.BASE_DIR / "static" / "vendor"
    missing = [dest for dest in VENDOR_FILES.values() if not (vendor / dest).exists()]
    assert missing == [], "run `make setup` (npm ci + manage.py vendor_assets)"


def test_csp_has_nonce_and_no_unsafe_inline(client):
    # The login page carries the shell's scripts (the public home page carries none).
    response = client.get("/accounts/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the page loads scripts"
    assert all(f'nonce="{nonce}"' in tag and "src=" in tag for tag in scripts)
    assert " style=" not in html


def test_404_page_is_in_vietnamese(client):
    anonymous = client.get("/khong-co-trang-nay/")
    client.force_login(UserFactory())
    signed_in = client.get("/khong-co-trang-nay/")
    for response in (anonymous, signed_in):
        assert response.status_code == 404
        assert "Không tìm thấy trang (404)" in response.content.decode()


def test_500_page_is_in_vietnamese_and_shows_no_internals():
    response = error_500(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Lỗi hệ thống (500)" in html
    assert "Traceback" not in html


def test_language_switch_sets_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Log in" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Đăng nhập" in client.get("/").content.decode()


def test_browser_language_does_not_override_vietnamese_default(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "vi"


def test_healthz_checks_the_database(client):
    assert client.get("/healthz").json() == {"status": "ok"}
